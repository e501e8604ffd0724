import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, type TestStore } from './harness.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const plain = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

/**
 * Runs the built binary inside a real pseudo-terminal (util-linux `script`), so stdin,
 * stdout and stderr are all TTYs and prompts are shown. Input is written only after
 * the expected prompt text has appeared.
 */
export class PtySession {
  private output = '';
  private waiters: { re: RegExp; from: number; resolve: (i: number) => void }[] = [];
  private readonly exited: Promise<number>;
  private cursor = 0;
  private readonly proc;

  /**
   * `redirect` is appended to the shell command as it is, e.g. `| cat` (stdout a pipe) or
   * `2>err.txt`, to run with only some of the streams on the terminal.
   */
  constructor(t: TestStore, args: string[], configDir: string, redirect = '') {
    const cmd =
      ['node', BIN, '--store', t.store, '--config-dir', configDir, ...args].map(quote).join(' ') +
      (redirect ? ` ${redirect}` : '');
    this.proc = spawn('script', ['-qefc', cmd, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SHELL: '/bin/sh',
        TERM: 'xterm',
        PLATFORMCTL_TOKEN: '',
        PLATFORMCTL_STORE: '',
        PLATFORMCTL_DEBUG: '',
        NO_COLOR: '1',
        XDG_DATA_HOME: join(t.dir, 'xdg-data'),
        XDG_CONFIG_HOME: join(t.dir, 'xdg-config'),
      },
    });
    const onData = (d: Buffer) => {
      this.output += d.toString('utf8');
      const text = plain(this.output);
      this.waiters = this.waiters.filter((w) => {
        const i = text.slice(w.from).search(w.re);
        if (i < 0) return true;
        w.resolve(w.from + i + 1);
        return false;
      });
    };
    this.proc.stdout.on('data', onData);
    this.proc.stderr.on('data', onData);
    this.exited = new Promise((resolve) => this.proc.on('close', (code) => resolve(code ?? -1)));
  }

  /** Waits until text matching re appears after everything already waited for. */
  async expect(re: RegExp, timeout = 20_000): Promise<void> {
    const from = this.cursor;
    let timer: NodeJS.Timeout | undefined;
    const found = new Promise<number>((resolve) => this.waiters.push({ re, from, resolve }));
    const onData = () => this.proc.stdout.emit('data', Buffer.alloc(0));
    onData(); // it may already be there
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${plain(this.output)}`)), timeout);
    });
    try {
      this.cursor = await Promise.race([found, failed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends a signal to every process under the terminal (the shell and platformctl), as
   * the shell's `fg` sends SIGCONT.
   */
  signal(sig: NodeJS.Signals): void {
    const parent = new Map<number, number>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        /* gone meanwhile */
      }
    }
    const under = (pid: number): boolean => {
      for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === this.proc.pid) return true;
      return false;
    };
    for (const pid of parent.keys()) if (under(pid)) process.kill(pid, sig);
  }

  write(keys: string): void {
    this.proc.stdin.write(keys);
  }

  /** Waits for the end; returns the exit code and everything the terminal showed. */
  async end(): Promise<{ exitCode: number; output: string }> {
    const exitCode = await this.exited;
    this.proc.stdin.end();
    return { exitCode, output: plain(this.output) };
  }
}
