/**
 * The CLI entry point and the only place that maps errors to exit codes (house style rule 6):
 * ZtError -> its exitCode with message and hint on stderr, no stack; anything else is a bug -> exit 4 with stack.
 */
import { closest, distance } from 'fastest-levenshtein';
import yargs from 'yargs';
import { DiagnosticsError, ExitCode, formatDiagnostic, isZtError } from '../errors.js';
import { buildCommand } from './commands/build.js';
import { checkCommand } from './commands/check.js';
import { evaluateCommand } from './commands/evaluate.js';
import { planCommand } from './commands/plan.js';
import { publishCommand } from './commands/publish.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Exit code the command asked for (e.g. 1 for "changes planned"); commands set it through this holder. */
export interface CommandResult {
  exitCode: ExitCode;
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const result: CommandResult = { exitCode: ExitCode.ok };
  let usageError: string | undefined;
  const parser = yargs(argv)
    .scriptName('ztpolicy')
    .usage('$0 <command> [options]\n\nZero Trust guardrails for Azure as typed policy-as-code.')
    .command(buildCommand(io, result))
    .command(checkCommand(io, result))
    .command(evaluateCommand(io, result))
    .command(planCommand(io, result))
    .command(publishCommand(io, result))
    .demandCommand(1, 'Name a command: build, check, evaluate, plan or publish.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    })
    .exitProcess(false);
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (usageError !== undefined) {
      io.stderr(`${usageError}${suggestCommand(argv)}\nRun 'ztpolicy --help' for usage.\n`);
      return ExitCode.badInput;
    }
    if (helpText) io.stdout(helpText.endsWith('\n') ? helpText : `${helpText}\n`);
    return result.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

const COMMANDS = ['build', 'check', 'evaluate', 'plan', 'publish'];

function suggestCommand(argv: string[]): string {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined || COMMANDS.includes(first)) return '';
  const best = closest(first, COMMANDS);
  return distance(first, best) <= 3 ? `\nDid you mean ${best}?` : '';
}

export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof DiagnosticsError) {
    for (const d of error.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr(`${error.message}\n`);
    return error.exitCode;
  }
  if (isZtError(error)) {
    const where = [error.file, error.jsonPath ? `at ${error.jsonPath}` : ''].filter(Boolean).join(' ');
    io.stderr(`error ${error.code}: ${error.message}${where ? ` (${where})` : ''}\n`);
    if (error.hint) io.stderr(`    fix: ${error.hint}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`internal error (a bug in ztpolicy; please report it with this output):\n${stack}\n`);
  return ExitCode.bug;
}
