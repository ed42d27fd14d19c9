/**
 * The composition root: builds the command-line program, runs it, and maps every error to one line
 * and an exit code: 0 ok, 1 a user error (bad file, manifest, flag), 2 an internal error.
 */
import { Command, CommanderError } from 'commander';
import { IncompleteWork, isUserError } from '../errors.js';
import { StatsInputError } from '../stats/errors.js';
import { consoleOutput, type Output } from './output.js';
import { registerAnalyze } from './analyze.js';
import { registerClassify } from './classify.js';
import { registerCompare } from './compare.js';
import { registerDb } from './db.js';
import { registerExport } from './export.js';
import { registerReport } from './report.js';
import { registerPlan } from './plan.js';
import { registerServe } from './serve.js';
import { registerFeatures } from './features.js';
import { registerFit } from './fit.js';
import { registerGenerate } from './generate.js';
import { registerDemo } from './demo.js';
import { registerImport } from './import.js';
import { registerInit } from './init.js';
import { registerLint } from './lint.js';
import { registerSchema } from './schema.js';
import { registerSimulate } from './simulate.js';
import { registerStatus } from './status.js';
import { registerVariants } from './variants.js';

export const VERSION = '0.1.0';

export function buildProgram(output: Output): Command {
  const program = new Command('empathy-lab')
    .description('Perceived-empathy studies end to end: corpus, LLM replies, blinded crowd ratings, mixed-effects analysis.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride();
  for (const register of [registerInit, registerDemo, registerImport, registerLint, registerGenerate, registerVariants, registerPlan, registerServe, registerSimulate, registerStatus, registerFeatures, registerClassify, registerAnalyze, registerReport, registerCompare, registerExport, registerFit, registerSchema, registerDb]) {
    register(program, output);
  }
  return program;
}

export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    if (isUserError(err)) {
      output.err(`empathy-lab: ${err.format()}`);
      return 1;
    }
    if (err instanceof IncompleteWork) {
      output.err(`empathy-lab: ${err.message}`);
      return err.code;
    }
    if (err instanceof StatsInputError) {
      output.err(`empathy-lab: ${err.where ? `${err.where}: ` : ''}${err.message}${err.fix ? `; ${err.fix}` : ''}`);
      return 1;
    }
    const e = err as Error;
    output.err(`empathy-lab: internal error: ${e?.message ?? String(err)}`);
    if (process.env.EMPATHY_LAB_DEBUG) output.err(e?.stack ?? '');
    else output.err('this is a bug; run again with EMPATHY_LAB_DEBUG=1 for details and report it');
    return 2;
  }
}
