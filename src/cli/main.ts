/**
 * The CLI entry point and the only place that maps errors to exit codes (house style rule 6):
 * ZtError -> its exitCode with message and hint on stderr, no stack; anything else is a bug -> exit 4 with stack.
 *
 * Parsing is strict for every command: an unknown option, a missing required one or a bad value is a usage error
 * (exit 2, with a "did you mean") raised before the command's implementation is even loaded, so before any file
 * is read or written and before any request. Implementations load lazily (command.ts), so `--help`, `--version`
 * and `<command> --help` start without the TypeScript compiler, tsx, the Azure SDKs or the catalogs.
 */
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';
import pc from 'picocolors';
import yargs, { type Argv } from 'yargs';
import { BadInputError, DiagnosticsError, ExitCode, formatDiagnostic, isZtError } from '../errors.js';
import { packagePath } from '../io/paths.js';
import { CliCode } from './codes.js';
import type { CliIo, CommandResult, CommandSpec } from './command.js';
import { paintSeverity, reportOptionsProblem, streamColours, withReportOptions, type Colours, type ReportArgs } from './output.js';
import { COMMANDS } from './registry.js';

export type { CliIo, CommandResult } from './command.js';

/** yargs' own command (completion.ts has none: yargs prints the script and answers --get-yargs-completions). */
const COMPLETION = 'completion';
const COMMAND_NAMES = [...COMMANDS.map((c) => c.command.split(' ')[0]!), COMPLETION];

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** From the package root, wherever this file runs from (src/, dist/ or the bundle in dist/bundle/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/** A near miss among `candidates` (for "did you mean"), if one is close enough to be a typo. */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  // A prefix is a typo too (`--proj` for `--project`), however far apart by edit distance.
  const extended = candidates.filter((c) => c.startsWith(word));
  if (word.length >= 3 && extended.length === 1) return extended[0];
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= (word.length <= 2 ? 1 : Math.max(2, Math.floor(word.length / 3))) ? best : undefined;
}

/**
 * Flags in argv that the command does not declare, as typed (`--dryrun`, `-x`). Computed here rather than taken
 * from yargs' "Unknown argument: dryrun", which cannot tell a flag from a stray word and comes only after a missing
 * required option has been reported: the user sees every problem at once.
 */
function unknownFlags(argv: string[], known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      if (!known.has(name) && !(name.startsWith('no-') && known.has(name.slice(3)))) out.push(`--${name}`);
    } else if (/^-[^-\d]/.test(arg)) {
      for (const c of arg.slice(1).split('=')[0]!) if (!known.has(c)) out.push(`-${c}`);
    }
  }
  return out;
}

function usageMessage(msg: string, argv: string[], active: ActiveCommand | undefined): string {
  const where = `'ztpolicy${active ? ` ${active.spec.command}` : ''}'`;
  const lines = unknownFlags(argv, active?.known ?? TOP_LEVEL_FLAGS).map((flag) => {
    const suggestion = nearest(flag.replace(/^--?(no-)?/, ''), active?.options ?? [...TOP_LEVEL_FLAGS].filter((f) => f.length > 1));
    return `unknown option ${flag} for ${where}${suggestion ? `. Did you mean --${suggestion}?` : ''}`;
  });
  const exclusive = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(msg);
  if (exclusive) return [...lines, `--${exclusive[1]} and --${exclusive[2]} cannot be used together`].join('\n');
  const missing = /^Missing required arguments?: (.+)$/.exec(msg);
  if (missing) return [...lines, `missing required option ${missing[1]!.split(', ').map((n) => `--${n}`).join(', ')}`].join('\n');
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!unknown) return [...lines, msg].join('\n');
  // What yargs calls unknown and is not a flag is a stray word: an unknown command at the top, else an extra argument.
  for (const name of unknown[1]!.split(', ')) {
    if (argv.some((a) => /^-/.test(a) && a.replace(/^--?(no-)?/, '').split('=')[0] === name)) continue;
    if (active) lines.push(`unexpected argument '${name}' for ${where}`);
    else {
      const best = nearest(name, COMMAND_NAMES);
      lines.push(`unknown command '${name}'${best ? `. Did you mean ${best}?` : ''}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') : msg;
}

const TOP_LEVEL_FLAGS: ReadonlySet<string> = new Set(['help', 'h', 'version']);

interface ActiveCommand {
  spec: CommandSpec<never>;
  /** Declared options as users type them (suggestions). */
  options: string[];
  /** Every key yargs accepts for it: options, their aliases and camel-case twins, help, version. */
  known: Set<string>;
}

function activeCommand(spec: CommandSpec<never>, y: Argv): ActiveCommand {
  const keys = Object.keys((y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  return { spec, options: keys.filter((k) => k.length > 1 && k !== '$0' && !/[A-Z]/.test(k)), known: new Set([...keys, 'help', 'h', 'version']) };
}

function usageError(message: string, active: ActiveCommand | undefined): BadInputError {
  return new BadInputError(CliCode.usage, message, { hint: `run 'ztpolicy ${active ? `${active.spec.command} ` : ''}--help' for usage` });
}

export async function main(argv: string[], given: CliIo = defaultIo): Promise<number> {
  const result: CommandResult = { exitCode: ExitCode.ok };
  const io: CliIo = { ...given, colours: streamColours(given, given === defaultIo) };
  // The command whose builder ran (yargs runs only the matched command's builder) and the options it declared.
  let active: ActiveCommand | undefined;
  const parser = yargs(argv)
    .scriptName('ztpolicy')
    .usage('$0 <command> [options]\n\nZero Trust guardrails for Azure as typed policy-as-code.')
    .demandCommand(1, `Name a command: ${COMMAND_NAMES.join(', ')}.`)
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    // yargs' completion: `ztpolicy completion` prints a bash script (zsh when $SHELL is zsh) that calls back
    // `ztpolicy --get-yargs-completions <words>`, answered from the same declarations (commands, then options).
    .completion(COMPLETION, 'Print a shell completion script (bash; zsh when $SHELL is zsh): ztpolicy completion >> ~/.bashrc')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      // Throwing here stops yargs before the handler runs (returning would let it go on and run the command).
      throw usageError(usageMessage(msg, argv, active), active);
    })
    .exitProcess(false);
  skipHelpCaching(parser);
  for (const spec of COMMANDS) {
    parser.command({
      command: spec.command,
      describe: spec.describe,
      builder: (y: Argv) => {
        const built = withReportOptions(spec.builder(y));
        active = activeCommand(spec, built);
        return built;
      },
      handler: async (args) => {
        const problem = reportOptionsProblem(args as ReportArgs);
        if (problem) throw usageError(problem, active);
        const { run } = await spec.load();
        await run(args as never, io, result);
      },
    });
  }
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (helpText) io.stdout(helpText.endsWith('\n') ? helpText : `${helpText}\n`);
    return result.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * yargs renders the matched command's whole help text (cliui, string widths, an emoji regex: about 40 ms here)
 * right after calling its handler, only so that a handler may print help later; ours never do (usage errors are
 * thrown, and `--help` is answered before any handler runs). That render sat between the handler's first await and
 * the first ARM request (issue 8.4), so it is switched off: help() then renders when it is actually asked for.
 * yargs is pinned (package.json); test/cli/startup.test.ts fails if a yargs update moves this hook, and the help and
 * usage-error tests show help still renders when asked for.
 */
export function skipHelpCaching(parser: Argv): boolean {
  const internal = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (!usage || typeof usage.cacheHelpMessage !== 'function') return false;
  usage.cacheHelpMessage = () => {};
  return true;
}

export function reportError(error: unknown, io: CliIo): number {
  const c: Colours = pc.createColors(Boolean(io.colours?.stderr));
  if (error instanceof DiagnosticsError) {
    for (const d of error.diagnostics) io.stderr(`${paintSeverity(formatDiagnostic(d), c)}\n`);
    io.stderr(`${c.bold(error.message)}\n`);
    return error.exitCode;
  }
  if (isZtError(error)) {
    const where = [error.file, error.jsonPath ? `at ${error.jsonPath}` : ''].filter(Boolean).join(' ');
    io.stderr(`${paintSeverity(`error ${error.code}: ${error.message}${where ? ` (${where})` : ''}`, c)}\n`);
    if (error.hint) io.stderr(`${c.cyan('    fix:')} ${error.hint}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`internal error (a bug in ztpolicy; please report it with this output):\n${stack}\n`);
  return ExitCode.bug;
}
