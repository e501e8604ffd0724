import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdGrant } from './grant.js';
import { newCmdRevoke } from './revoke.js';
import { newCmdUnlock } from './unlock.js';
import { newCmdSignout } from './signout.js';
import { newCmdContact } from './contact/index.js';

export function newCmdStaff(f: ContextFactory): Command {
  return defineGroup(
    'staff',
    'Platform staff (the SUPPORT role): grant and revoke it, help locked-out users, the support contact',
    [newCmdGrant(f), newCmdRevoke(f), newCmdUnlock(f), newCmdSignout(f), newCmdContact(f)],
    [
      'platformctl staff grant support@example.com',
      'platformctl staff unlock ann@example.com',
      'platformctl staff signout ann@example.com',
      'platformctl staff contact set billing@example.com',
    ],
  );
}
