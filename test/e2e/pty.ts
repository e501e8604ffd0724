import { spawn } from 'node:child_process';
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

  constructor(t: TestStore, args: string[], configDir: string) {
    const cmd = ['node', BIN, '--store', t.store, '--config-dir', configDir, ...args].map(quote).join(' ');
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
