// Prints the plain closing line `N passed, N failed, N skipped` from vitest's JSON report.
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
