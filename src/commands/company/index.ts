import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdList } from './list.js';

export function newCmdCompany(f: ContextFactory): Command {
  return defineGroup('company', 'List, show, switch between and leave companies', [newCmdList(f)], ['platformctl company list']);
}
