#!/usr/bin/env node
// Thin launcher: the built entry does everything; this only hands it argv.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
