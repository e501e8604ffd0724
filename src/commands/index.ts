import type { Command } from 'commander';
import type { ContextFactory } from './command.js';
import { newCmdAccount } from './account/index.js';
import { newCmdPassword } from './password/index.js';
import { newCmdCompany } from './company/index.js';
import { newCmdMember } from './member/index.js';
import { newCmdBilling } from './billing/index.js';
import { newCmdPlan } from './plan/index.js';
import { newCmdStaff } from './staff/index.js';
import { newCmdAudit } from './audit/index.js';
import { newCmdStore } from './store/index.js';

/** Every command group, in the order help lists them. */
export function buildCommandTree(f: ContextFactory): Command[] {
  return [
    newCmdAccount(f),
    newCmdPassword(f),
    newCmdCompany(f),
    newCmdMember(f),
    newCmdBilling(f),
    newCmdPlan(f),
    newCmdStaff(f),
    newCmdAudit(f),
    newCmdStore(f),
  ];
}
