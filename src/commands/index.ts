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

/** Every command group by name, in the order help lists them. */
const GROUPS: Record<string, (f: ContextFactory) => Command> = {
  account: newCmdAccount,
  password: newCmdPassword,
  company: newCmdCompany,
  member: newCmdMember,
  billing: newCmdBilling,
  plan: newCmdPlan,
  staff: newCmdStaff,
  audit: newCmdAudit,
  store: newCmdStore,
};

/**
 * Every command group; with `only`, just that group when it is one (a command names its
 * group first: building the other groups' commands is start-up time spent for nothing).
 */
export function buildCommandTree(f: ContextFactory, only?: string): Command[] {
  const names = only !== undefined && Object.hasOwn(GROUPS, only) ? [only] : Object.keys(GROUPS);
  return names.map((n) => GROUPS[n]!(f));
}
