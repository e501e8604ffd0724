#!/usr/bin/env node
// Thin launcher: the built entry does everything; this only hands it argv.
// `--version` alone is answered here, without loading the program (start-up budget).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.on('error', () => process.exit(141)); // `--version | head -c0`: quietly, as the program does
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else {
  const { main } = await import('../dist/main.js');
  process.exitCode = await main(argv);
}
