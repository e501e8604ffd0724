import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdChange } from './change.js';

export function newCmdPassword(f: ContextFactory): Command {
  return defineGroup('password', 'Change your password', [newCmdChange(f)], ['platformctl password change']);
}
