import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdList } from './list.js';
import { newCmdSet } from './set.js';
import { newCmdCreate } from './create.js';

export function newCmdPlan(f: ContextFactory): Command {
  return defineGroup(
    'plan',
    'The plan catalogue; staff change plans',
    [newCmdList(f), newCmdSet(f), newCmdCreate(f)],
    ['platformctl plan list'],
  );
}
