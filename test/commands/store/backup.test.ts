import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/store/backup.js';
import { listCompanies } from '../../../src/domain/companies.js';
import { checkStore } from '../../../src/domain/health.js';
import { openStore } from '../../../src/store/open.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('store backup run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;

  beforeAll(async () => {
    ann = await fx().register('ann@example.com', 'Ann', 'Smith');
    await fx().invite(ann, ['pending@example.com'], 'designer');
  });

  const backup = async (path: string, json = false) => {
    const c = fx().call(undefined, { json });
    await run({ io: c.io, json, store: () => Promise.resolve(fx().store), path });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('writes a copy (0600, its directory made) that opens as a store where the same session works', async () => {
    const path = join(fx().dir, 'backups', 'copy.db');
    const r = await backup(path, true);
    expect(JSON.parse(r.out)).toEqual({ backup: path, store: fx().location, engine });
    expect(r.err).toBe('');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const copy = await openStore({ engine: 'local', path, key: path }, { create: false, migrate: false });
    try {
      expect((await checkStore(copy)).ok).toBe(true);
      expect(await copy.read((tx) => tx.all(`SELECT email FROM users ORDER BY id`))).toEqual([
        { email: 'ann@example.com' },
      ]);
      const companies = await listCompanies({ store: copy, now: () => new Date() }, ann.cred);
      expect(companies.map((c) => c.name)).toEqual(['Smith Company']);
    } finally {
      await copy.close();
    }
  });

  it('says where it wrote on stderr; a relative path is written (and reported) as an absolute one', async () => {
    const abs = join(fx().dir, 'relative.db');
    const r = await backup(relative(process.cwd(), abs));
    expect(r.out).toBe('');
    expect(r.err).toBe(`✓ Backed up ${fx().location} to ${abs}.\n`);
    expect(statSync(abs).isFile()).toBe(true);
  });

  it('refuses an existing destination: ALREADY_EXISTS (exit 6), the file left as it was', async () => {
    const path = join(fx().dir, 'taken.db');
    writeFileSync(path, 'precious');
    const e = await failure(backup(path));
    expect(e).toMatchObject({
      code: 'ALREADY_EXISTS',
      exitCode: 6,
      message: `${path} already exists; choose a new file for the backup.`,
    });
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('refuses a directory, a symbolic link (even dangling) and a leftover -wal of that name', async () => {
    const d = join(fx().dir, 'a-directory');
    mkdirSync(d);
    expect(await failure(backup(d))).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `${d} already exists (a directory); choose a new file for the backup.`,
    });
    const link = join(fx().dir, 'dangling.db');
    symlinkSync(join(fx().dir, 'nowhere.db'), link);
    expect(await failure(backup(link))).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('already exists as a symbolic link'),
    });
    expect(() => statSync(join(fx().dir, 'nowhere.db'))).toThrow();
    const wal = join(fx().dir, 'side.db');
    writeFileSync(wal + '-wal', '');
    expect(await failure(backup(wal))).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `${wal}-wal already exists (left by another database); choose a new file for the backup.`,
    });
    expect(() => statSync(wal)).toThrow();
  });

  it('a path through a file is INVALID_INPUT (exit 2)', async () => {
    const file = join(fx().dir, 'plain-file');
    writeFileSync(file, '');
    expect(await failure(backup(join(file, 'copy.db')))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: expect.stringContaining('a part of the path exists but is not a directory'),
    });
  });
});
