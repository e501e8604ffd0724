#!/usr/bin/env node
'use strict';
// Thin launcher: the built entry does everything; this only hands it argv (loading it with
// V8's code cache: load-main.js). CommonJS
// (bin/package.json), as dist/main.js is: it loads faster than ESM. `--version` alone is
// answered here, without loading the program (start-up budget).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.on('error', () => process.exit(141)); // `--version | head -c0`: quietly, as the program does
  process.stdout.write(require('../package.json').version + '\n');
} else {
  require('./load-main.js')
    .loadMain()
    .exports.main(argv)
    .then((code) => {
      process.exitCode = code;
    });
}
