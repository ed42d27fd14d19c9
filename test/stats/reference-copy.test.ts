import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_DIR } from '../helpers/reference.js';

// The project's shared reference folder sits beside the repository in its workspace and in CI.
const SHARED = path.resolve(import.meta.dirname, '../../../shared/reference/lmm');

describe('reference data', () => {
  it('the in-repository copy holds every reference file', () => {
    expect(readdirSync(REFERENCE_DIR).sort()).toEqual(expect.arrayContaining(['README.md', 'penicillin.csv', 'penicillin.lme4.json', 'ratings-within.lme4.json', 'sleepstudy.csv']));
  });

  it.runIf(existsSync(SHARED))('matches shared/reference/lmm byte for byte', () => {
    for (const f of readdirSync(SHARED)) expect(readFileSync(path.join(REFERENCE_DIR, f)).equals(readFileSync(path.join(SHARED, f))), f).toBe(true);
  });
});
