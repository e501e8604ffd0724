import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdShow } from './show.js';

export function newCmdBilling(f: ContextFactory): Command {
  return defineGroup(
    'billing',
    "Show a company's billing plan (changes are made by support)",
    [newCmdShow(f)],
    ['platformctl billing show'],
  );
}
