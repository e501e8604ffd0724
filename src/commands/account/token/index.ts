import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../../command.js';
import { newCmdCreate } from './create.js';
import { newCmdList } from './list.js';
import { newCmdRevoke } from './revoke.js';

export function newCmdToken(f: ContextFactory): Command {
  return defineGroup(
    'token',
    'Manage personal API tokens for CI',
    [newCmdCreate(f), newCmdList(f), newCmdRevoke(f)],
    ['platformctl account token create --name ci'],
  );
}
