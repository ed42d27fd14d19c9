import { main } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process with captured output. */
export async function cli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => void out.push(t), err: (t) => void err.push(t), isTty: false };
  const code = await main(['node', 'empathy-lab', ...args], output);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
