#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that stops early (`empathy-lab status | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
process.exitCode = await main(process.argv);
