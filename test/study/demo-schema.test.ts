/** The demo's study.schema.json (for editor autocomplete) is the schema the manifest is validated with, not an old copy. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { studyJsonSchema } from '../../src/study/schema.js';

describe('examples/demo/study.schema.json', () => {
  it('is the current manifest schema', () => {
    const file = JSON.parse(readFileSync(new URL('../../examples/demo/study.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(studyJsonSchema())));
  });
});
