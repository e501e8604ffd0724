import type { Context } from '../../../context.js';
import { listCompanies } from '../../../domain/companies.js';
import { listMembers } from '../../../domain/members.js';
import { listPlans } from '../../../domain/plans.js';
import type { DynamicSource } from './complete.js';

/** A TAB offers at most this many e-mails (the first in list order): it never reads a whole large company. */
const MEMBERS_TO_COMPLETE = 1000;

/**
 * Values from the store for completion: the caller's companies, the members of the
 * company on the line (or the current one), the plans. The store is opened as it is
 * (never created nor migrated by a TAB).
 */
export function storeValues(ctx: (store: string | undefined, configDir: string | undefined) => Context): DynamicSource {
  return async (kind, line) => {
    const c = ctx(line.values.get('store'), line.values.get('configDir'));
    const svc = { store: await c.store('inspect'), now: () => c.now() };
    const cred = c.credential();
    // A company whose name is all digits, or that shares its name with another of yours,
    // is reached by its id (the one reference rule): the id is offered, the name described.
    if (kind === 'companies') {
      const companies = await listCompanies(svc, cred);
      const named = new Map<string, number>();
      for (const x of companies) named.set(x.name, (named.get(x.name) ?? 0) + 1);
      return companies.map((x) =>
        /^[0-9]+$/.test(x.name) || named.get(x.name)! > 1 ? { value: String(x.id), description: x.name } : x.name,
      );
    }
    // The e-mails a member command acts on: never the OWNER, whom none of them may change.
    if (kind === 'members')
      return (await listMembers(svc, cred, { company: line.values.get('company'), limit: MEMBERS_TO_COMPLETE })).members
        .filter((m) => m.role !== 'OWNER')
        .map((m) => m.email);
    return (await listPlans(svc, cred)).map((p) => p.name);
  };
}
