import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdGrant } from './grant.js';
import { newCmdRevoke } from './revoke.js';

export function newCmdStaff(f: ContextFactory): Command {
  return defineGroup(
    'staff',
    'Platform staff (the SUPPORT role)',
    [newCmdGrant(f), newCmdRevoke(f)],
    ['platformctl staff grant support@example.com'],
  );
}
