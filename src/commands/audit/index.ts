import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdList } from './list.js';

export function newCmdAudit(f: ContextFactory): Command {
  return defineGroup('audit', 'The audit log: who did what, when', [newCmdList(f)], ['platformctl audit list']);
}
