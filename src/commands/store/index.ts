import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdInit } from './init.js';
import { newCmdCheck } from './check.js';
import { newCmdBackup } from './backup.js';

export function newCmdStore(f: ContextFactory): Command {
  return defineGroup(
    'store',
    'Create, migrate, check and back up the store',
    [newCmdInit(f), newCmdCheck(f), newCmdBackup(f)],
    ['platformctl store check'],
  );
}
