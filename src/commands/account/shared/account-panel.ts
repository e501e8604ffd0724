import type { AccountView } from '../../../domain/accounts.js';
import type { IOStreams } from '../../../io/streams.js';
import { printFields } from '../../../output/table.js';
import { printCompanyTable } from '../../shared/company-table.js';

/** The account panel as `account show --json` prints it (docs/output.md): support is an extra field. */
export function accountJson(v: AccountView) {
  const { support, ...user } = v.user;
  return { user: { ...user, support }, currentCompany: v.currentCompany, companies: v.companies };
}

export async function printAccount(io: IOStreams, v: AccountView): Promise<void> {
  const c = v.currentCompany;
  // Omitted for an unlimited custom plan, as docs/rules.md says.
  const plan = c?.plan
    ? `${c.plan.name} (${c.plan.maxUsers === null ? 'unlimited' : `up to ${c.plan.maxUsers} users`})`
    : undefined;
  printFields(io, [
    ['Name', `${v.user.firstName} ${v.user.lastName}`],
    ['Email', v.user.email],
    ['Phone', v.user.phone ?? '—'],
    ['Company', c ? `${c.name} (id ${c.id})` : '—'],
    ['Role', c?.role ?? '—'],
    ...(plan ? ([['Plan', plan]] as [string, string][]) : []),
    ...(v.user.support ? ([['Staff', 'SUPPORT']] as [string, string][]) : []),
  ]);
  io.out.write('\nCompanies\n');
  await printCompanyTable(io, v.companies);
}
