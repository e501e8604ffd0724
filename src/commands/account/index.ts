import type { Command } from 'commander';
import { defineGroup, type ContextFactory } from '../command.js';
import { newCmdRegister } from './register.js';
import { newCmdLogin } from './login.js';
import { newCmdLogout } from './logout.js';
import { newCmdSwitch } from './switch.js';
import { newCmdStatus } from './status.js';
import { newCmdShow } from './show.js';
import { newCmdUpdate } from './update.js';
import { newCmdDelete } from './delete.js';
import { newCmdToken } from './token/index.js';

export function newCmdAccount(f: ContextFactory): Command {
  return defineGroup(
    'account',
    'Register, sign in and out (several accounts per store, one active), view and edit your account, API tokens',
    [
      newCmdRegister(f),
      newCmdLogin(f),
      newCmdLogout(f),
      newCmdSwitch(f),
      newCmdStatus(f),
      newCmdShow(f),
      newCmdUpdate(f),
      newCmdDelete(f),
      newCmdToken(f),
    ],
    [
      'platformctl account register --email ann@example.com --first-name Ann --last-name Smith',
      'platformctl account show',
    ],
  );
}
