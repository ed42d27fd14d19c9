/**
 * The composition root: builds the command-line program, runs it, and maps every error to one line
 * and an exit code: 0 ok, 1 a user error (bad file, manifest, flag), 2 an internal error.
 */
import { Command, CommanderError } from 'commander';
import { IncompleteWork, isUserError } from '../errors.js';
import { StatsInputError } from '../stats/errors.js';
import { consoleOutput, type Output } from './output.js';
import { COMMANDS, SUMMARIES } from './commands.js';

export const VERSION = '0.1.0';

/**
 * The program with every command: the one that runs (`only`, or all when not given) loaded with its
 * options and action; the others as their name and summary, for `--help`.
 */
export async function buildProgram(output: Output, only?: string): Promise<Command> {
  const program = new Command('empathy-lab')
    .description('Perceived-empathy studies end to end: corpus, LLM replies, blinded crowd ratings, mixed-effects analysis.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride();
  for (const c of COMMANDS) {
    if (only === undefined || only === c.name) (await c.load())(program, output);
    else program.command(c.name).summary(SUMMARIES[c.name]).helpOption(false).allowUnknownOption().allowExcessArguments();
  }
  return program;
}

/** The command named on the command line (the first word that is not an option), if it is one. */
function commandOf(argv: readonly string[]): string | null {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  if (word === 'help') return argv.slice(2).filter((a) => !a.startsWith('-'))[1] ?? null;
  return word !== undefined && COMMANDS.some((c) => c.name === word) ? word : null;
}

export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  try {
    const program = await buildProgram(output, commandOf(argv) ?? '');
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
