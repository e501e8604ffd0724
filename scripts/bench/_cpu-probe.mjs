// Preloaded (node --import) by the benchmarks into the CLI's process: at exit it appends
// the process's own CPU time (user + system, ms, since it started) to $BENCH_CPU_FILE.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    appendFileSync(file, `${(u.user + u.system) / 1000}\n`);
  });
}
