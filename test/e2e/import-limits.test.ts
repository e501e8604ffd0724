import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useStore, type TestStore } from './harness.js';

/**
 * Input limits (docs/bulk.md): however long its lines or however binary, an input is
 * refused or processed in bounded memory, with the line the bad row starts on. Reading
 * happens before the store is written, so one engine proves it.
 */

const MAIN = new URL('../../dist/main.js', import.meta.url);

/** Runs the CLI in a process that records its peak RSS (KB) on exit. */
async function runMeasured(t: TestStore, configDir: string, args: string[], input?: Readable) {
  const wrapper = join(t.dir, 'measured.mjs');
  const rssFile = join(t.dir, 'rss.json');
  writeFileSync(
    wrapper,
    `import { writeFileSync } from 'node:fs';
     import { main } from ${JSON.stringify(pathToFileURL(MAIN.pathname).href)};
     process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));
     process.exitCode = await main(process.argv.slice(2));`,
  );
  const r = await execa('node', [wrapper, '--store', t.store, '--config-dir', configDir, ...args], {
    reject: false,
    input: input ?? '',
    timeout: 120_000,
  });
  return { ...r, rssMB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

/** A stream of `bytes` bytes of one character after a prefix, produced as it is read. */
function stream(prefix: string, fill: string, bytes: number): Readable {
  let sent = 0;
  const chunk = Buffer.alloc(1 << 16, fill);
  return new Readable({
    read() {
      if (sent === 0) this.push(prefix);
      if (sent >= bytes) return this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

describe('member import input limits', () => {
  const fresh = useStore('local');

  it(
    'a one-line file of hundreds of MB, /dev/zero and binary JSON Lines are refused at the line that is too long, in bounded memory',
    { timeout: 240_000 },
    async () => {
      const t = await fresh();
      const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
      const cases: { what: string; args: string[]; input?: Readable; line: number }[] = [
        // 400 MB on one line after the header (the input of the report: 2.5 GB RSS, exit 134).
        {
          what: 'one 400 MB line',
          args: ['member', 'import', '-'],
          input: stream('email,role\n', 'a', 400 << 20),
          line: 2,
        },
        { what: '/dev/zero', args: ['member', 'import', '/dev/zero'], line: 1 },
        { what: '/dev/zero as JSON Lines', args: ['member', 'import', '/dev/zero', '--format', 'jsonl'], line: 1 },
        {
          what: 'a quote never closed',
          args: ['member', 'import', '-', '--continue-on-error'],
          input: stream('email,role\nx@example.org,MANAGER\n"', 'b', 50 << 20),
          line: 3,
        },
      ];
      for (const c of cases) {
        const r = await runMeasured(t, ann.configDir, c.args, c.input);
        expect(r.exitCode, `${c.what}: ${r.stderr}`).toBe(2);
        expect(r.stderr, c.what).toMatch(
          new RegExp(`^error: Line ${c.line}: a row longer than 1 MiB, the limit for one row; nothing was imported`),
        );
        expect(r.rssMB, `${c.what}: peak RSS`).toBeLessThan(200);
      }
      expect((await ann.json(['member', 'list'])).length).toBe(1);
    },
  );
});
