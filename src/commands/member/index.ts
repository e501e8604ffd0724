import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdList } from './list.js';
import { newCmdInvite } from './invite.js';
import { newCmdSetRole } from './set-role.js';
import { newCmdRemove } from './remove.js';
import { newCmdImport } from './import.js';
import { newCmdExport } from './export.js';
import { newCmdSync } from './sync.js';

export function newCmdMember(f: ContextFactory): Command {
  return defineGroup(
    'member',
    'List, invite, re-role and remove company members; import, export and sync them in bulk',
    [
      newCmdList(f),
      newCmdInvite(f),
      newCmdSetRole(f),
      newCmdRemove(f),
      newCmdImport(f),
      newCmdExport(f),
      newCmdSync(f),
    ],
    ['platformctl member list', 'platformctl member invite bob@example.com --role MANAGER'],
  );
}
