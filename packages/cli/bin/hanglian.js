#!/usr/bin/env node
import { main } from '../dist/src/main.js';
import { installSafeOutput } from '../dist/src/safeOutput.js';

// Text read from a chain reaches the terminal only as visible text (issue 16: core's displayText).
installSafeOutput(process.stdout);
installSafeOutput(process.stderr);

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
