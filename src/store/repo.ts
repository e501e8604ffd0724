import type { Params, Tx } from './types.js';

/**
 * The id a new row of a table takes: one past the highest it ever handed out, so a
 * deleted row's id is never given again (the store's triggers refuse anything else).
 */
const NEXT_ID = (table: 'users' | 'companies' | 'tokens') =>
  `(SELECT last_id + 1 FROM id_high_water WHERE tbl = '${table}')`;

export interface UserRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  password_hash: string;
  is_support: number;
  current_company_id: number | null;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
}
export interface CompanyRow {
  id: number;
  name: string;
  owner_id: number;
  plan_id: number;
  created_at: string;
}
export interface PlanRow {
  id: number;
  name: string;
  max_users: number | null;
  custom: number;
  is_default: number;
}
export interface MembershipRow {
  company_id: number;
  user_id: number;
  role: string;
  status: string;
}
export interface UserCompanyRow {
  id: number;
  name: string;
  role: string;
  status: string;
  owner_id: number;
}
export interface MemberRow {
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: string;
  status: string;
}
/** Which members a list shows: one role and/or one status (ACTIVE, INVITED, PENDING). */
export interface MemberFilter {
  role?: string | undefined;
  status?: string | undefined;
}
export interface TokenRow {
  id: number;
  user_id: number;
  kind: 'session' | 'api';
  name: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  /** Wrong current passwords given through this token (password change). */
  failed_checks?: number;
}
/** Failed sign-ins of one e-mail from one source ('*': every source that never signed in). */
export interface ThrottleRow {
  email: string;
  source: string;
  failures: number;
  locked_until: string | null;
  last_success_at: string | null;
  updated_at: string;
}
export interface AuditRow {
  id: number;
  at: string;
  actor_email: string | null;
  company_id: number | null;
  company_name: string | null;
  action: string;
  target: string | null;
  details: string | null;
  run_id: number | null;
}
/** A row of a batched insert: [companyId, userId or e-mail, role]. */
export type BulkRow<K extends number | string> = [number, K, string];
/** A batched role change: [role, updatedAt, companyId, userId or e-mail]. */
export type BulkUpdate<K extends number | string> = [string, string, number, K];
/** Which audit entries a page holds; every field narrows, none means all. */
export interface AuditFilter {
  companyId?: number | undefined;
  actor?: string | undefined;
  /** Entries at or after this ISO time. */
  since?: string | undefined;
  /** Entries before this ISO time. */
  until?: string | undefined;
  /** Entries at or after the company's creation (what a later company with a reused id may see). */
  notBefore?: string | undefined;
  action?: string | undefined;
  /** Entries whose action starts with this text ("member." for every member.* action). */
  actionPrefix?: string | undefined;
  runId?: number | undefined;
  /** Keyset: entries older (lower id) than this one. */
  beforeId?: number | undefined;
}

/**
 * The WHERE clause and parameters of an audit filter. Only the columns that give id
 * order are left to the planner (the rowid, audit_company_id, audit_run): actor and
 * time tests are written +column so that no index ordered otherwise is chosen, which
 * would sort all of an actor's entries again for every page.
 */
function auditWhere(f: AuditFilter): { where: string; params: Record<string, unknown> } {
  const terms: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (term: string, name: string, value: unknown) => {
    if (value === undefined) return;
    terms.push(term);
    params[name] = value;
  };
  add('id < :before', 'before', f.beforeId);
  add('company_id = :company', 'company', f.companyId);
  add('run_id = :run', 'run', f.runId);
  add('+actor_email = :actor', 'actor', f.actor);
  add('+at >= :since', 'since', f.since);
  add('+at >= :notBefore', 'notBefore', f.notBefore);
  add('+at < :until', 'until', f.until);
  add('action = :action', 'action', f.action);
  add('substr(action, 1, length(:prefix)) = :prefix', 'prefix', f.actionPrefix);
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}

/**
 * The parts of a company's member list after the OWNER: memberships (names joined from
 * users) and pending invitations, each a range of its (company_id, email) index, with
 * the filters applied in SQL. An arm that cannot match the filter is left out.
 */
function memberArms(f: MemberFilter, read: 'count' | 'rows' | 'rows without names'): string[] {
  const arms: string[] = [];
  const count = read === 'count';
  const names = read === 'rows';
  if (f.status !== 'PENDING') {
    // Named as the result's columns: ORDER BY email must not be read as u.email.
    const cols = count
      ? 'count(*) AS n'
      : names
        ? // Names only once the member accepted: an invitation must not show anyone's name to
          // whoever invites their e-mail (every user owns a company, so anyone could).
          `m.email AS email, CASE WHEN m.status = 'ACTIVE' THEN u.first_name END AS first_name,
           CASE WHEN m.status = 'ACTIVE' THEN u.last_name END AS last_name, m.role AS role, m.status AS status`
        : 'm.email AS email, NULL AS first_name, NULL AS last_name, m.role AS role, m.status AS status';
    const join = names ? ' JOIN users u ON u.id = m.user_id' : '';
    arms.push(
      `SELECT ${cols} FROM memberships m${join}
        WHERE m.company_id = :c AND m.email > :after AND m.role <> 'OWNER'${f.role ? ' AND m.role = :role' : ''}${f.status ? ' AND m.status = :status' : ''}`,
    );
  }
  if ((f.status === undefined || f.status === 'PENDING') && f.role !== 'OWNER') {
    const cols = count
      ? 'count(*) AS n'
      : `i.email, NULL AS first_name, NULL AS last_name, i.role, 'PENDING' AS status`;
    arms.push(
      `SELECT ${cols} FROM invitations i WHERE i.company_id = :c AND i.email > :after${f.role ? ' AND i.role = :role' : ''}`,
    );
  }
  return arms;
}

function memberParams(companyId: number, after: string, f: MemberFilter): Record<string, unknown> {
  const p: Record<string, unknown> = { c: companyId, after };
  if (f.role) p.role = f.role;
  if (f.status && f.status !== 'PENDING') p.status = f.status;
  return p;
}

/**
 * Every query the domain needs, by name. SQL lives here and only here; each value
 * is a bound parameter.
 */
/** Seats taken by company :c: memberships (ACTIVE, INVITED, the OWNER included) plus PENDING invitations. */
const SEATS_USED = `((SELECT count(*) FROM memberships WHERE company_id = :c) + (SELECT count(*) FROM invitations WHERE company_id = :c))`;

export class Repo {
  constructor(readonly tx: Tx) {}

  /**
   * A write whose result is not needed: deferred (Tx.defer), so that on sqld it travels
   * with the transaction's next request or its COMMIT instead of holding the write lock
   * for a round trip of its own. Writes whose count matters use tx.run.
   */
  private async later(sql: string, params?: Params): Promise<void> {
    this.tx.defer(sql, params);
  }

  // ---- users ----
  userByEmail(email: string) {
    return this.tx.get<UserRow>(`SELECT * FROM users WHERE email = :email`, { email });
  }
  userById(id: number) {
    return this.tx.get<UserRow>(`SELECT * FROM users WHERE id = :id`, { id });
  }
  async insertUser(u: {
    email: string;
    firstName: string;
    lastName: string;
    phone: string | null;
    passwordHash: string;
    now: string;
  }) {
    const r = await this.tx.run(
      `INSERT INTO users (id, email, first_name, last_name, phone, password_hash, created_at, updated_at)
       VALUES (${NEXT_ID('users')}, :email, :first, :last, :phone, :hash, :now, :now)`,
      { email: u.email, first: u.firstName, last: u.lastName, phone: u.phone, hash: u.passwordHash, now: u.now },
    );
    return r.lastInsertRowid;
  }
  updateUserProfile(id: number, p: { firstName: string; lastName: string; phone: string | null; now: string }) {
    return this.later(
      `UPDATE users SET first_name = :first, last_name = :last, phone = :phone, updated_at = :now WHERE id = :id`,
      { id, first: p.firstName, last: p.lastName, phone: p.phone, now: p.now },
    );
  }
  setPasswordHash(id: number, hash: string, now: string) {
    return this.later(`UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id`, { id, hash, now });
  }
  setCurrentCompany(userId: number, companyId: number | null) {
    return this.later(`UPDATE users SET current_company_id = :c WHERE id = :id`, { id: userId, c: companyId });
  }
  recordLoginFailure(id: number, lockedUntil: string | null) {
    return this.later(
      `UPDATE users SET failed_logins = failed_logins + 1, locked_until = coalesce(:until, locked_until) WHERE id = :id`,
      { id, until: lockedUntil },
    );
  }
  resetLoginFailures(id: number) {
    return this.later(
      `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id AND (failed_logins <> 0 OR locked_until IS NOT NULL)`,
      { id },
    );
  }
  setSupport(id: number, on: boolean) {
    return this.later(`UPDATE users SET is_support = :on WHERE id = :id`, { id, on: on ? 1 : 0 });
  }
  async countSupport() {
    return (await this.tx.get<{ n: number }>(`SELECT count(*) AS n FROM users WHERE is_support = 1`))!.n;
  }
  deleteUser(id: number) {
    return this.later(`DELETE FROM users WHERE id = :id`, { id });
  }
  /** Users whose current company this was have none any more (it is gone for them). */
  clearCurrentCompany(companyId: number, userId?: number) {
    return this.later(
      `UPDATE users SET current_company_id = NULL
        WHERE current_company_id = :c AND (:u IS NULL OR id = :u)`,
      { c: companyId, u: userId ?? null },
    );
  }

  // ---- companies ----
  companyById(id: number) {
    return this.tx.get<CompanyRow>(`SELECT * FROM companies WHERE id = :id`, { id });
  }
  /** Companies with exactly this name (names are not unique), with their owner's e-mail. */
  companiesByName(name: string) {
    return this.tx.all<CompanyRow & { owner_email: string }>(
      `SELECT c.*, u.email AS owner_email FROM companies c JOIN users u ON u.id = c.owner_id
       WHERE c.name = :name ORDER BY c.id`,
      { name },
    );
  }
  mainCompanyOf(userId: number) {
    return this.tx.get<CompanyRow>(`SELECT * FROM companies WHERE owner_id = :u`, { u: userId });
  }
  async insertCompany(c: { name: string; ownerId: number; planId: number; now: string }) {
    const r = await this.tx.run(
      `INSERT INTO companies (id, name, owner_id, plan_id, created_at, updated_at)
       VALUES (${NEXT_ID('companies')}, :name, :owner, :plan, :now, :now)`,
      { name: c.name, owner: c.ownerId, plan: c.planId, now: c.now },
    );
    return r.lastInsertRowid;
  }
  renameCompany(id: number, name: string, now: string) {
    return this.later(`UPDATE companies SET name = :name, updated_at = :now WHERE id = :id`, { id, name, now });
  }
  setCompanyPlan(id: number, planId: number, now: string) {
    return this.later(`UPDATE companies SET plan_id = :p, updated_at = :now WHERE id = :id`, { id, p: planId, now });
  }
  deleteCompany(id: number) {
    return this.later(`DELETE FROM companies WHERE id = :id`, { id });
  }

  // ---- memberships and invitations ----
  /** The membership of the user with this e-mail, looked up without knowing their id first. */
  membershipOfEmail(companyId: number, email: string) {
    return this.tx.get<MembershipRow>(
      `SELECT * FROM memberships WHERE company_id = :c AND user_id = (SELECT id FROM users WHERE email = :e)`,
      { c: companyId, e: email },
    );
  }
  membership(companyId: number, userId: number) {
    return this.tx.get<MembershipRow>(`SELECT * FROM memberships WHERE company_id = :c AND user_id = :u`, {
      c: companyId,
      u: userId,
    });
  }
  companiesOfUser(userId: number) {
    return this.tx.all<UserCompanyRow>(
      `SELECT c.id, c.name, m.role, m.status, c.owner_id FROM memberships m JOIN companies c ON c.id = m.company_id
       WHERE m.user_id = :u ORDER BY c.owner_id <> :u, c.name COLLATE NOCASE, c.id`,
      { u: userId },
    );
  }
  insertMembership(m: {
    companyId: number;
    userId: number;
    role: string;
    status: string;
    invitedBy: number | null;
    now: string;
  }) {
    return this.later(
      `INSERT INTO memberships (company_id, user_id, email, role, status, invited_by, created_at, updated_at)
       VALUES (:c, :u, (SELECT email FROM users WHERE id = :u), :role, :status, :by, :now, :now)`,
      { c: m.companyId, u: m.userId, role: m.role, status: m.status, by: m.invitedBy, now: m.now },
    );
  }
  setMembershipRole(companyId: number, userId: number, role: string, now: string) {
    return this.later(
      `UPDATE memberships SET role = :role, updated_at = :now WHERE company_id = :c AND user_id = :u AND role <> 'OWNER'`,
      { c: companyId, u: userId, role, now },
    );
  }
  activateMembership(companyId: number, userId: number, now: string) {
    return this.later(
      `UPDATE memberships SET status = 'ACTIVE', updated_at = :now WHERE company_id = :c AND user_id = :u AND status = 'INVITED'`,
      { c: companyId, u: userId, now },
    );
  }
  deleteMembership(companyId: number, userId: number) {
    return this.later(`DELETE FROM memberships WHERE company_id = :c AND user_id = :u AND role <> 'OWNER'`, {
      c: companyId,
      u: userId,
    });
  }
  invitation(companyId: number, email: string) {
    return this.tx.get<{ company_id: number; email: string; role: string }>(
      `SELECT * FROM invitations WHERE company_id = :c AND email = :e`,
      { c: companyId, e: email },
    );
  }
  setInvitationRole(companyId: number, email: string, role: string, now: string) {
    return this.later(`UPDATE invitations SET role = :role, updated_at = :now WHERE company_id = :c AND email = :e`, {
      c: companyId,
      e: email,
      role,
      now,
    });
  }
  deleteInvitation(companyId: number, email: string) {
    return this.later(`DELETE FROM invitations WHERE company_id = :c AND email = :e`, { c: companyId, e: email });
  }
  invitationsFor(email: string) {
    return this.tx.all<{ company_id: number; role: string; invited_by: number | null }>(
      `SELECT company_id, role, invited_by FROM invitations WHERE email = :e`,
      { e: email },
    );
  }
  deleteInvitationsFor(email: string) {
    return this.later(`DELETE FROM invitations WHERE email = :e`, { e: email });
  }
  /** Seats taken: memberships (ACTIVE, INVITED, the OWNER included) plus PENDING invitations. */
  async seatsUsed(companyId: number): Promise<number> {
    const r = await this.tx.get<{ n: number }>(`SELECT ${SEATS_USED} AS n`, { c: companyId });
    return r!.n;
  }
  /**
   * Seats taken (as seatsUsed) when the plan caps them, else null without counting: a
   * million members of an unlimited company are not counted under the write lock.
   */
  async seatsUsedIfCapped(companyId: number, planId: number): Promise<number | null> {
    const r = await this.tx.get<{ n: number | null }>(
      `SELECT CASE WHEN (SELECT max_users FROM plans WHERE id = :p) IS NULL THEN NULL ELSE ${SEATS_USED} END AS n`,
      { c: companyId, p: planId },
    );
    return r!.n;
  }
  /** The OWNER of a company as its member list shows them (the first row). */
  memberOwner(companyId: number) {
    return this.tx.get<MemberRow>(
      `SELECT m.email, u.first_name, u.last_name, m.role, m.status FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.company_id = :c AND m.role = 'OWNER'`,
      { c: companyId },
    );
  }
  /**
   * One page of a company's members after the OWNER and its pending invitations, in
   * e-mail order after `after` (keyset): SQLite merges the two index ranges (MERGE
   * (UNION ALL), no sort of the company), so a page costs its own rows whatever the
   * company's size, and names are read for the page's rows only (or not at all, for
   * member export: first_name and last_name come back null).
   */
  membersPage(companyId: number, after: string, f: MemberFilter, limit: number, o: { names?: boolean } = {}) {
    const arms = memberArms(f, o.names === false ? 'rows without names' : 'rows');
    if (arms.length === 0) return Promise.resolve([]);
    return this.tx.all<MemberRow>(`${arms.join('\n       UNION ALL\n       ')}\n       ORDER BY email LIMIT :limit`, {
      ...memberParams(companyId, after, f),
      limit,
    });
  }
  /** How many of a company's members (after the OWNER) and invitations come after `after` in e-mail order. */
  async countMembersAfter(companyId: number, after: string, f: MemberFilter): Promise<number> {
    const arms = memberArms(f, 'count');
    if (arms.length === 0) return 0;
    const r = await this.tx.get<{ n: number }>(
      `SELECT ${arms.map((a) => `(${a})`).join(' + ')} AS n`,
      memberParams(companyId, after, f),
    );
    return r!.n;
  }
  // ---- plans ----
  planById(id: number) {
    return this.tx.get<PlanRow>(`SELECT * FROM plans WHERE id = :id`, { id });
  }
  planByName(name: string) {
    return this.tx.get<PlanRow>(`SELECT * FROM plans WHERE name = :name`, { name });
  }
  defaultPlan() {
    return this.tx.get<PlanRow>(`SELECT * FROM plans WHERE is_default = 1`);
  }
  /** The plan of a company. */
  planOfCompany(companyId: number) {
    return this.tx.get<PlanRow>(`SELECT p.* FROM companies c JOIN plans p ON p.id = c.plan_id WHERE c.id = :c`, {
      c: companyId,
    });
  }
  plans() {
    return this.tx.all<PlanRow>(`SELECT * FROM plans ORDER BY max_users IS NULL, max_users, name`);
  }
  async insertPlan(p: { name: string; maxUsers: number | null; custom: boolean; now: string }) {
    const r = await this.tx.run(
      `INSERT INTO plans (name, max_users, custom, created_at) VALUES (:name, :max, :custom, :now)`,
      { name: p.name, max: p.maxUsers, custom: p.custom ? 1 : 0, now: p.now },
    );
    return r.lastInsertRowid;
  }

  // ---- tokens ----
  tokenByHash(hash: string) {
    return this.tx.get<TokenRow>(`SELECT * FROM tokens WHERE token_hash = :h`, { h: hash });
  }

  // ---- the opening of a command, keyed by what is known before anything is read (the
  // token's hash, the company as typed), so that it goes to the store as one request ----
  /** The user a token (by hash) belongs to, whatever the token's state. */
  userByTokenHash(hash: string) {
    return this.tx.get<UserRow>(`SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = :h`, {
      h: hash,
    });
  }
  /** The current company of the user a token belongs to. */
  currentCompanyByTokenHash(hash: string) {
    return this.tx.get<CompanyRow>(
      `SELECT c.* FROM tokens t JOIN users u ON u.id = t.user_id JOIN companies c ON c.id = u.current_company_id
        WHERE t.token_hash = :h`,
      { h: hash },
    );
  }
  /** The membership of a token's user in a company, or (companyId null) in their current company. */
  membershipByTokenHash(hash: string, companyId: number | null) {
    return this.tx.get<MembershipRow>(
      `SELECT m.* FROM tokens t JOIN users u ON u.id = t.user_id
         JOIN memberships m ON m.user_id = u.id AND m.company_id = coalesce(:c, u.current_company_id)
        WHERE t.token_hash = :h`,
      { h: hash, c: companyId },
    );
  }
  /** Every membership of a token's user. */
  membershipsByTokenHash(hash: string) {
    return this.tx.all<MembershipRow>(
      `SELECT m.* FROM tokens t JOIN memberships m ON m.user_id = t.user_id WHERE t.token_hash = :h`,
      { h: hash },
    );
  }
  async insertToken(t: {
    userId: number;
    kind: 'session' | 'api';
    name: string | null;
    hash: string;
    now: string;
    expiresAt: string | null;
  }) {
    const r = await this.tx.run(
      `INSERT INTO tokens (id, user_id, kind, name, token_hash, created_at, expires_at)
       VALUES (${NEXT_ID('tokens')}, :u, :kind, :name, :h, :now, :exp)`,
      { u: t.userId, kind: t.kind, name: t.name, h: t.hash, now: t.now, exp: t.expiresAt },
    );
    return r.lastInsertRowid;
  }
  revokeToken(id: number, now: string) {
    return this.later(`UPDATE tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL`, { id, now });
  }
  revokeTokensOf(userId: number, exceptId: number | null, now: string) {
    return this.tx.run(
      `UPDATE tokens SET revoked_at = :now WHERE user_id = :u AND id <> :except AND revoked_at IS NULL`,
      { u: userId, except: exceptId ?? -1, now },
    );
  }
  apiTokens(userId: number) {
    return this.tx.all<TokenRow>(
      `SELECT id, user_id, kind, name, created_at, expires_at, revoked_at FROM tokens WHERE user_id = :u AND kind = 'api' ORDER BY id`,
      { u: userId },
    );
  }
  tokenOf(userId: number, id: number) {
    return this.tx.get<TokenRow>(`SELECT * FROM tokens WHERE user_id = :u AND id = :id`, { u: userId, id });
  }

  /** Counts one more wrong current password given through the token; returns the new count. */
  async addFailedCheck(id: number) {
    await this.later(`UPDATE tokens SET failed_checks = failed_checks + 1 WHERE id = :id`, { id });
    return (await this.tx.get<{ n: number }>(`SELECT failed_checks AS n FROM tokens WHERE id = :id`, { id }))?.n ?? 0;
  }
  /** Forgets the wrong current passwords of the user's tokens (one token, or all of them). */
  resetFailedChecks(userId: number, tokenId: number | null = null) {
    return this.later(
      `UPDATE tokens SET failed_checks = 0
        WHERE user_id = :u AND failed_checks <> 0 AND (:t IS NULL OR id = :t)`,
      { u: userId, t: tokenId },
    );
  }

  // ---- sign-in throttle ----
  /** The e-mail's counters for this source and for every unknown source ('*'). */
  throttleRows(email: string, source: string) {
    return this.tx.all<ThrottleRow>(`SELECT * FROM login_throttle WHERE email = :email AND source IN (:source, '*')`, {
      email,
      source,
    });
  }
  /** Writes one counter as the throttle policy computed it. */
  putThrottle(row: Omit<ThrottleRow, 'updated_at'>, now: string) {
    return this.later(
      `INSERT INTO login_throttle (email, source, failures, locked_until, last_success_at, updated_at)
       VALUES (:email, :source, :failures, :locked, :success, :now)
       ON CONFLICT (email, source) DO UPDATE SET
         failures = excluded.failures, locked_until = excluded.locked_until,
         last_success_at = excluded.last_success_at, updated_at = excluded.updated_at`,
      {
        email: row.email,
        source: row.source,
        failures: row.failures,
        locked: row.locked_until,
        success: row.last_success_at,
        now,
      },
    );
  }
  /**
   * Forgets the e-mail's counters of sources that never signed in and failed last before
   * `before` (and are not locked at `now`), so sources a stranger makes up do not pile up.
   */
  pruneThrottle(email: string, before: string, now: string) {
    return this.later(
      `DELETE FROM login_throttle
        WHERE email = :email AND last_success_at IS NULL AND updated_at < :before
          AND (locked_until IS NULL OR locked_until <= :now)`,
      { email, before, now },
    );
  }
  /** The e-mail's devices are known to no one once its account is gone (a new owner starts afresh). */
  forgetKnownSources(email: string) {
    return this.later(
      `UPDATE login_throttle SET last_success_at = NULL WHERE email = :email AND last_success_at IS NOT NULL`,
      { email },
    );
  }
  /** True when any of the e-mail's counters is locked at `now`. */
  async throttleLocked(email: string, now: string) {
    const r = await this.tx.get<{ n: number }>(
      `SELECT count(*) AS n FROM login_throttle WHERE email = :email AND locked_until > :now`,
      { email, now },
    );
    return (r?.n ?? 0) > 0;
  }
  /** Clears every counter and lock of the e-mail (staff unlock); sources stay known. */
  unlockThrottle(email: string, now: string) {
    return this.tx.run(
      `UPDATE login_throttle SET failures = 0, locked_until = NULL, updated_at = :now
        WHERE email = :email AND (failures <> 0 OR locked_until IS NOT NULL)`,
      { email, now },
    );
  }

  // ---- settings and store facts ----
  async setting(key: string) {
    return (await this.tx.get<{ value: string }>(`SELECT value FROM settings WHERE key = :key`, { key }))?.value;
  }
  putSetting(key: string, value: string, now: string, by: number) {
    return this.later(
      `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (:key, :value, :now, :by)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      { key, value, now, by },
    );
  }
  async meta(key: string) {
    return (await this.tx.get<{ value: string }>(`SELECT value FROM platformctl_meta WHERE key = :key`, { key }))
      ?.value;
  }
  putMeta(key: string, value: string) {
    return this.later(
      `INSERT INTO platformctl_meta (key, value) VALUES (:key, :value)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      { key, value },
    );
  }

  // ---- audit ----
  audit(e: {
    at: string;
    actorId: number | null;
    actorEmail: string | null;
    companyId: number | null;
    companyName: string | null;
    action: string;
    target: string | null;
    details: Record<string, unknown> | null;
  }) {
    return this.later(
      `INSERT INTO audit_log (at, actor_id, actor_email, company_id, company_name, action, target, details)
       VALUES (:at, :actor, :actorEmail, :company, :companyName, :action, :target, :details)`,
      {
        at: e.at,
        actor: e.actorId,
        actorEmail: e.actorEmail,
        company: e.companyId,
        companyName: e.companyName,
        action: e.action,
        target: e.target,
        details: e.details ? JSON.stringify(e.details) : null,
      },
    );
  }
  /** Many audit entries in one statement (rows passed as one JSON array). */
  async auditMany(entries: Parameters<Repo['audit']>[0][]) {
    const rows = entries.map((e) => [
      e.at,
      e.actorId,
      e.actorEmail,
      e.companyId,
      e.companyName,
      e.action,
      e.target,
      e.details ? JSON.stringify(e.details) : null,
    ]);
    await this.later(
      `INSERT INTO audit_log (at, actor_id, actor_email, company_id, company_name, action, target, details)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7 FROM ${this.tx.jsonEach}(:rows)`,
      { rows: JSON.stringify(rows) },
    );
  }
  /** One page of audit entries, newest (highest id) first. */
  auditPage(f: AuditFilter, limit: number) {
    const { where, params } = auditWhere(f);
    return this.tx.all<AuditRow>(
      `SELECT id, at, actor_email, company_id, company_name, action, target, details, run_id FROM audit_log
        ${where} ORDER BY id DESC LIMIT :limit`,
      { ...params, limit },
    );
  }
  /** How many audit entries match. */
  async countAudit(f: AuditFilter): Promise<number> {
    const { where, params } = auditWhere(f);
    return (await this.tx.get<{ n: number }>(`SELECT count(*) AS n FROM audit_log ${where}`, params))!.n;
  }

  // ---- bulk (member import / export) ----
  // Set-at-a-time queries so an import costs one lookup and a few batched writes per
  // chunk of rows instead of several round trips per row.

  /**
   * For each e-mail that is a user or invited to the company: the user, their membership
   * role there and any pending invitation's role. E-mails new to both are left out.
   */
  bulkLookup(companyId: number, emails: string[]) {
    return this.tx.all<{
      email: string;
      user_id: number | null;
      m_role: string | null;
      m_status: string | null;
      i_role: string | null;
    }>(
      `SELECT j.value AS email, u.id AS user_id, m.role AS m_role, m.status AS m_status, i.role AS i_role
         FROM json_each(:emails) j
         LEFT JOIN users u ON u.email = j.value
         LEFT JOIN memberships m ON m.company_id = :c AND m.user_id = u.id
         LEFT JOIN invitations i ON i.company_id = :c AND i.email = j.value
        WHERE u.id IS NOT NULL OR i.role IS NOT NULL`,
      { c: companyId, emails: JSON.stringify(emails) },
    );
  }
  // Inserts are one statement per chunk, the rows passed as one JSON array: a single
  // call into SQLite (or one round trip to sqld) instead of one per row.
  /** Inserts INVITED memberships of registered users: rows [company, user, role]. */
  bulkInsertMemberships(rows: BulkRow<number>[], invitedBy: number, now: string) {
    return this.later(
      `INSERT INTO memberships (company_id, user_id, email, role, status, invited_by, created_at, updated_at)
       SELECT value ->> 0, value ->> 1, (SELECT email FROM users WHERE id = value ->> 1),
              value ->> 2, 'INVITED', :by, :now, :now FROM ${this.tx.jsonEach}(:rows)`,
      { rows: JSON.stringify(rows), by: invitedBy, now },
    );
  }
  /** Inserts PENDING invitations of unregistered e-mails: rows [company, e-mail, role]. */
  bulkInsertInvitations(rows: BulkRow<string>[], invitedBy: number, now: string) {
    return this.later(
      `INSERT INTO invitations (company_id, email, role, invited_by, created_at, updated_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, :by, :now, :now FROM ${this.tx.jsonEach}(:rows)`,
      { rows: JSON.stringify(rows), by: invitedBy, now },
    );
  }
  // Role changes are rarer: positional rows, one statement each, batched by runMany.
  /** Changes roles of non-owner memberships: rows [role, updated, company, user]. */
  bulkSetMembershipRoles(rows: BulkUpdate<number>[]) {
    return this.tx.runMany(
      `UPDATE memberships SET role = ?, updated_at = ? WHERE company_id = ? AND user_id = ? AND role <> 'OWNER'`,
      rows,
    );
  }
  /** Changes roles of pending invitations: rows [role, updated, company, e-mail]. */
  bulkSetInvitationRoles(rows: BulkUpdate<string>[]) {
    return this.tx.runMany(`UPDATE invitations SET role = ?, updated_at = ? WHERE company_id = ? AND email = ?`, rows);
  }

  /**
   * One page of a company's members (the OWNER included) and pending invitations in
   * e-mail order, after `afterEmail` (member sync reads the current state this way).
   */
  memberEmailsPage(companyId: number, afterEmail: string, limit: number) {
    return this.tx.all<{ email: string; role: string; user_id: number | null }>(
      `SELECT email, role, user_id FROM memberships WHERE company_id = :c AND email > :after
       UNION ALL
       SELECT email, role, NULL FROM invitations WHERE company_id = :c AND email > :after
       ORDER BY email LIMIT :limit`,
      { c: companyId, after: afterEmail, limit },
    );
  }
  /** Removes non-owner memberships: rows [company, user]. */
  bulkDeleteMemberships(rows: [number, number][]) {
    return this.later(
      `DELETE FROM memberships WHERE role <> 'OWNER' AND (company_id, user_id) IN
         (SELECT value ->> 0, value ->> 1 FROM ${this.tx.jsonEach}(:rows))`,
      { rows: JSON.stringify(rows) },
    );
  }
  /** Removes pending invitations: rows [company, e-mail]. */
  bulkDeleteInvitations(rows: [number, string][]) {
    return this.later(
      `DELETE FROM invitations WHERE (company_id, email) IN (SELECT value ->> 0, value ->> 1 FROM ${this.tx.jsonEach}(:rows))`,
      { rows: JSON.stringify(rows) },
    );
  }
  /** The given users whose current company this was have none any more (as clearCurrentCompany). */
  bulkClearCurrentCompany(companyId: number, userIds: number[]) {
    return this.later(
      `UPDATE users SET current_company_id = NULL
        WHERE current_company_id = :c AND id IN (SELECT value FROM json_each(:ids))`,
      { c: companyId, ids: JSON.stringify(userIds) },
    );
  }
  /** Audit entries of one bulk run in one statement: rows [company, companyName, action, target, details]. */
  bulkRunAudit(
    runId: number,
    actor: { id: number; email: string },
    at: string,
    rows: [number, string, string, string | null, Record<string, unknown>][],
  ) {
    return this.later(
      `INSERT INTO audit_log (at, actor_id, actor_email, company_id, company_name, action, target, details, run_id)
       SELECT :at, :actor, :actorEmail, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, :run
         FROM ${this.tx.jsonEach}(:rows)`,
      {
        at,
        actor: actor.id,
        actorEmail: actor.email,
        run: runId,
        rows: JSON.stringify(rows.map(([c, n, a, t, d]) => [c, n, a, t, JSON.stringify(d)])),
      },
    );
  }
  async insertBulkRun(b: {
    kind: 'import' | 'sync';
    actorId: number;
    actorEmail: string;
    source: string;
    sha256: string;
    planned: number;
    now: string;
  }) {
    const r = await this.tx.run(
      `INSERT INTO bulk_runs (kind, actor_id, actor_email, source, status, input_sha256, planned, started_at, updated_at)
       VALUES (:kind, :actor, :email, :source, 'running', :sha, :planned, :now, :now)`,
      {
        kind: b.kind,
        actor: b.actorId,
        email: b.actorEmail,
        source: b.source,
        sha: b.sha256,
        planned: b.planned,
        now: b.now,
      },
    );
    return r.lastInsertRowid;
  }
  /** Records a run's progress (rows applied, last input line, counts) or its end. */
  updateBulkRun(
    id: number,
    u: {
      rows: number;
      lastLine: number;
      counts: Record<string, number>;
      now: string;
      status?: 'done' | 'failed';
      error?: string;
    },
  ) {
    return this.later(
      `UPDATE bulk_runs SET rows = :rows, last_line = :line, counts = :counts, updated_at = :now,
              status = coalesce(:status, status), error = coalesce(:error, error),
              finished_at = CASE WHEN :status IS NULL THEN finished_at ELSE :now END
        WHERE id = :id`,
      {
        id,
        rows: u.rows,
        line: u.lastLine,
        counts: JSON.stringify(u.counts),
        now: u.now,
        status: u.status ?? null,
        error: u.error ?? null,
      },
    );
  }
  /** Removes the record of a run that changed nothing after all (nothing refers to it). */
  deleteBulkRun(id: number) {
    return this.later(`DELETE FROM bulk_runs WHERE id = :id`, { id });
  }
  /** A run's status and error, as a run checks its own record before each chunk. */
  bulkRunState(id: number) {
    return this.tx.get<{ status: string; error: string | null }>(`SELECT status, error FROM bulk_runs WHERE id = :id`, {
      id,
    });
  }
  /**
   * Runs of the same input not finished: still marked running (killed, or going on
   * elsewhere), or stopped with their error recorded (Ctrl-C, a store error) and not
   * finished by a later run since (supersedeBulkRuns appends "finished by run N").
   */
  runningBulkRuns(sha256: string) {
    return this.tx.all<{
      id: number;
      actor_email: string;
      rows: number;
      planned: number;
      last_line: number;
      updated_at: string;
      status: string;
    }>(
      `SELECT id, actor_email, rows, planned, last_line, updated_at, status FROM bulk_runs
        WHERE input_sha256 = :sha
          AND (status = 'running'
               OR (status = 'failed' AND error NOT LIKE '%finished by run %'
                   AND error NOT LIKE '%found every change applied'
                   AND error NOT LIKE '%found nothing more to apply (%'))
        ORDER BY id`,
      { sha: sha256 },
    );
  }
  /**
   * Marks interrupted runs of the same input as finished by a later run (`byRun`), or as
   * having nothing left to apply (null: every change applied, or `failed` rows failing
   * still). Only runs whose record is as given (id and updated_at): one that moved since
   * is still going.
   */
  supersedeBulkRuns(runs: { id: number; updated_at: string }[], byRun: number | null, now: string, failed = 0) {
    const fail = `${failed} ${failed === 1 ? 'row fails' : 'rows fail'}`;
    // A run stopped with an error keeps it: "interrupted (Ctrl-C or SIGTERM); finished by run 9".
    return this.later(
      `UPDATE bulk_runs
          SET error = CASE WHEN status = 'failed' AND error IS NOT NULL
                           THEN error || substr(:error, length('interrupted') + 1) ELSE :error END,
              status = 'failed', updated_at = :now, finished_at = :now
        WHERE status IN ('running', 'failed')
          AND (id, updated_at) IN (SELECT value ->> 0, value ->> 1 FROM json_each(:runs))`,
      {
        runs: JSON.stringify(runs.map((r) => [r.id, r.updated_at])),
        error:
          byRun !== null
            ? `interrupted; finished by run ${byRun}${failed > 0 ? ` (${fail})` : ''}`
            : failed > 0
              ? `interrupted; a re-run of the same input found nothing more to apply (${fail})`
              : 'interrupted; a re-run of the same input found every change applied',
        now,
      },
    );
  }

  // ---- invariants (store check) ----
  /** Every broken rule of the store (docs/rules.md), one line each. */
  // ---- identity text, page by page (store check's look-alike report) ----
  /** Users after `afterId` in id order: one keyset page. */
  usersPage(afterId: number, limit: number) {
    return this.tx.all<{ id: number; email: string; first_name: string; last_name: string }>(
      `SELECT id, email, first_name, last_name FROM users WHERE id > :afterId ORDER BY id LIMIT :limit`,
      { afterId, limit },
    );
  }
  /** Companies after `afterId` in id order: one keyset page. */
  companiesPage(afterId: number, limit: number) {
    return this.tx.all<{ id: number; name: string }>(
      `SELECT id, name FROM companies WHERE id > :afterId ORDER BY id LIMIT :limit`,
      { afterId, limit },
    );
  }
  /** Pending invitations after (companyId, email) in primary-key order: one keyset page. */
  invitationsPage(after: { companyId: number; email: string }, limit: number) {
    return this.tx.all<{ company_id: number; email: string }>(
      `SELECT company_id, email FROM invitations
        WHERE (company_id, email) > (:companyId, :email)
        ORDER BY company_id, email LIMIT :limit`,
      { ...after, limit },
    );
  }
  /** Users and pending invitations whose e-mail is one of these (at most a few hundred). */
  async emailHolders(emails: readonly string[]) {
    const marks = emails.map(() => '?').join(', ');
    const users = await this.tx.all<{ id: number; email: string }>(
      `SELECT id, email FROM users WHERE email IN (${marks}) ORDER BY id`,
      [...emails],
    );
    const invitations = await this.tx.all<{ company_id: number; email: string }>(
      `SELECT company_id, email FROM invitations WHERE email IN (${marks}) ORDER BY company_id, email`,
      [...emails],
    );
    return { users, invitations };
  }

  async invariantViolations(): Promise<string[]> {
    // The seats a company uses: its members and its pending invitations.
    const seats =
      '(SELECT count(*) FROM memberships m WHERE m.company_id = c.id) + ' +
      '(SELECT count(*) FROM invitations i WHERE i.company_id = c.id)';
    const queries = [
      `SELECT 'company ' || c.id || ' has ' || count(m.user_id) || ' OWNER memberships' AS msg FROM companies c
         LEFT JOIN memberships m ON m.company_id = c.id AND m.role = 'OWNER' GROUP BY c.id HAVING count(m.user_id) <> 1`,
      `SELECT 'company ' || c.id || ': its OWNER membership is not its creator (user ' || c.owner_id || ')' AS msg FROM companies c
         JOIN memberships m ON m.company_id = c.id AND m.role = 'OWNER' WHERE m.user_id <> c.owner_id`,
      `SELECT 'user ' || u.id || ' owns no main company' AS msg FROM users u WHERE NOT EXISTS (SELECT 1 FROM companies c WHERE c.owner_id = u.id)`,
      // A current company is one of the user's, or none once it is gone (the user then switches).
      `SELECT 'user ' || u.id || ': current company ' || u.current_company_id || ' is not one of theirs' AS msg FROM users u
         WHERE u.current_company_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.company_id = u.current_company_id)`,
      `SELECT 'membership of user ' || m.user_id || ' in company ' || m.company_id || ': its e-mail ' || quote(m.email)
           || ' is not the account''s ' || quote(u.email) AS msg
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.email <> u.email`,
      ...(['users', 'companies', 'tokens'] as const).map(
        (t) => `SELECT '${t}: id ' || top || ' is above the never-reused mark ' || mark AS msg
           FROM (SELECT (SELECT max(id) FROM ${t}) AS top, (SELECT last_id FROM id_high_water WHERE tbl = '${t}') AS mark)
          WHERE top > mark`,
      ),
      `SELECT 'the store has no identity (platformctl_meta store_id)' AS msg
         WHERE NOT EXISTS (SELECT 1 FROM platformctl_meta WHERE key = 'store_id')`,
      `SELECT 'company ' || c.id || ' has ' || (${seats})
           || ' members but plan ' || p.name || ' allows ' || p.max_users AS msg
         FROM companies c JOIN plans p ON p.id = c.plan_id
         WHERE p.max_users IS NOT NULL AND ${seats} > p.max_users`,
      `SELECT 'invitation of ' || i.email || ' to company ' || i.company_id || ' is PENDING but that e-mail has an account' AS msg
         FROM invitations i JOIN users u ON u.email = i.email`,
      `SELECT 'plans: ' || n || ' default plans (want 1)' AS msg FROM (SELECT count(*) AS n FROM plans WHERE is_default = 1) WHERE n <> 1`,
    ];
    // Sent together: one request to a remote store, one snapshot.
    const results = await Promise.all(queries.map((sql) => this.tx.all<{ msg: string }>(sql)));
    return results.flat().map((r) => r.msg);
  }
}
