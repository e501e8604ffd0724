import { printable } from '../text.js';
import { invalid } from '../errors.js';

export const ROLES = ['OWNER', 'ADMINISTRATOR', 'MANAGER', 'DESIGNER'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that can be given through invite, set-role or import. */
export const ASSIGNABLE_ROLES = ['ADMINISTRATOR', 'MANAGER', 'DESIGNER'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];
export const STATUSES = ['ACTIVE', 'INVITED', 'PENDING'] as const;
export type MemberStatus = (typeof STATUSES)[number];

/** Parses a role name case-insensitively. */
export function parseRole(value: string): Role {
  const r = value.trim().toUpperCase();
  if (!(ROLES as readonly string[]).includes(r)) {
    throw invalid(`Unknown role "${printable(value)}": use one of ${ROLES.join(', ')}.`);
  }
  return r as Role;
}

/**
 * Parses a role that may be given to a member: anything but OWNER, which is never
 * offered (a company has exactly one OWNER, its creator).
 */
export function parseAssignableRole(value: string): AssignableRole {
  const r = value.trim().toUpperCase();
  if (r === 'OWNER') throw invalid('Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.');
  if (!(ASSIGNABLE_ROLES as readonly string[]).includes(r))
    throw invalid(`Unknown role "${printable(value)}": use one of ${ASSIGNABLE_ROLES.join(', ')}.`);
  return r as AssignableRole;
}

/**
 * Parses the role of an import or sync row. OWNER is read (the company's own OWNER
 * listed as OWNER is unchanged, so an export re-imports; any other OWNER row fails), but
 * only the roles a row can give are offered.
 */
export function parseRowRole(value: string): Role {
  const r = value.trim().toUpperCase();
  if (!(ROLES as readonly string[]).includes(r))
    throw invalid(`Unknown role "${printable(value)}": use one of ${ASSIGNABLE_ROLES.join(', ')}.`);
  return r as Role;
}

/** Parses a member status case-insensitively. */
export function parseStatus(value: string): MemberStatus {
  const s = value.trim().toUpperCase();
  if (!(STATUSES as readonly string[]).includes(s))
    throw invalid(`Unknown status "${printable(value)}": use one of ${STATUSES.join(', ')}.`);
  return s as MemberStatus;
}

/** OWNER and ADMINISTRATOR manage members; MANAGER and DESIGNER only look. */
export function canManageMembers(role: Role | null | undefined): boolean {
  return role === 'OWNER' || role === 'ADMINISTRATOR';
}
