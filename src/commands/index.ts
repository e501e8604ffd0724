import type { Command } from 'commander';
import type { ContextFactory } from './command.js';
import { newCmdAccount } from './account/index.js';
import { newCmdPassword } from './password/index.js';
import { newCmdCompany } from './company/index.js';
import { newCmdStore } from './store/index.js';

/** Every command group, in the order help lists them. */
export function buildCommandTree(f: ContextFactory): Command[] {
  return [newCmdAccount(f), newCmdPassword(f), newCmdCompany(f), newCmdStore(f)];
}
