import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, engines, useStore } from './harness.js';

/**
 * Two of your companies share a name: `company switch <TAB>` must not offer that name
 * (the command refuses it as ambiguous) but the ids, each described by the name (zsh and
 * fish show the description; bash gets the ids). Through the hidden `__complete` entry
 * the scripts call.
 */
describe.each(engines())('completion when company names collide on %s', (engine) => {
  const fresh = useStore(engine);

  it('offers the ids of same-named companies with the name as description, and the command takes them', async () => {
    const t = await fresh();
    const [ann, sam] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('sam@example.com', 'Sam', 'Smith'),
    ]);
    await t.seed('bob@example.com', 'Bob', 'Jones');
    expect((await sam.run(['member', 'invite', 'ann@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    const companies = await ann.json<{ id: number; name: string }[]>(['company', 'list']);
    const smiths = companies.filter((c) => c.name === 'Smith Company').map((c) => c.id);
    expect(smiths).toHaveLength(2);

    const tab = async (...words: string[]) => {
      const r = await execa(
        'node',
        [BIN, '__complete', '--store', t.store, '--config-dir', ann.configDir, 'company', 'switch', ...words],
        { reject: false },
      );
      expect([r.exitCode, r.stderr]).toEqual([0, '']);
      return r.stdout.split('\n');
    };
    expect((await tab('')).sort()).toEqual([...smiths.map((id) => `${id}\tSmith Company`), ':none'].sort());
    // Typed as offered, the command does what it says.
    const sw = await ann.run(['company', 'switch', String(smiths[1])]);
    expect(sw.exitCode, sw.stderr).toBe(0);
    // A name that is not shared is still offered as the name.
    await sam.run(['account', 'update', '--company-name', 'Sam Co']);
    expect(await tab('')).toEqual(['Smith Company', 'Sam Co', ':none']);
  });
});
