import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseStudy } from '../../src/study/load.js';

/** A small manifest: three domains, human + two model sources, two 5-point scales. */
export const SMALL_MANIFEST = `
name: small
domains: [anger, anxiety, work]
sources:
  - { id: human, kind: corpus }
  - { id: gpt4, kind: model, provider: openai, model: gpt-4-turbo }
  - { id: llama2, kind: model, provider: openai, model: llama-2-13b-chat }
instrument:
  scales:
    - { id: appropriateness, question: How appropriate is it?, points: 5 }
    - { id: empathy, question: How empathic is it?, points: 5 }
`;

export const smallStudy = () => parseStudy(SMALL_MANIFEST);

/** Writes files (relative path -> content) into a new temporary folder. */
export async function tempFolder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'el-study-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return dir;
}
