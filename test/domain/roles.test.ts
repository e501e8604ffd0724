import { describe, expect, it } from 'vitest';
import { canManageMembers, parseAssignableRole, parseRole, parseStatus } from '../../src/domain/roles.js';

describe('roles', () => {
  it('are parsed case-insensitively and printed upper-case', () => {
    expect(parseRole('owner')).toBe('OWNER');
    expect(parseRole(' Administrator ')).toBe('ADMINISTRATOR');
    expect(parseRole('mAnAgEr')).toBe('MANAGER');
    expect(parseRole('DESIGNER')).toBe('DESIGNER');
  });

  it('refuse unknown names with the list of valid ones', () => {
    expect(() => parseRole('admin')).toThrow(
      'Unknown role "admin": use one of OWNER, ADMINISTRATOR, MANAGER, DESIGNER.',
    );
    expect(() => parseRole('')).toThrow(/Unknown role/);
    try {
      parseRole('SUPPORT');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('INVALID_INPUT');
    }
  });

  it('OWNER can never be assigned', () => {
    expect(() => parseAssignableRole('owner')).toThrow(/OWNER/);
    expect(parseAssignableRole('manager')).toBe('MANAGER');
  });

  it('statuses parse case-insensitively; only OWNER and ADMINISTRATOR manage members', () => {
    expect(parseStatus('pending')).toBe('PENDING');
    expect(() => parseStatus('gone')).toThrow(/Unknown status/);
    expect(['OWNER', 'ADMINISTRATOR', 'MANAGER', 'DESIGNER', null].map((r) => canManageMembers(r as never))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
