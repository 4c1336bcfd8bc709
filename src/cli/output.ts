/**
 * What every reporting command shares on the terminal: the `--json`, `--quiet` and `--verbose` options (main adds
 * them to each command that does not declare its own), colour, and the stderr levels those options select.
 *
 * Results go to stdout, everything else to stderr (house style rule 7). Levels on stderr:
 * - `warn`: warnings and findings, always printed (a quiet run must still say what is wrong);
 * - `info`: progress and summaries, dropped by `--quiet`;
 * - `detail`: timings, each file, each request, printed only with `--verbose`.
 *
 * Loaded by main on every start, so it imports nothing heavy (picocolors is one small file).
 */
import pc from 'picocolors';
import type { Argv } from 'yargs';
import type { CliIo } from './command.js';

export type Colours = ReturnType<typeof pc.createColors>;

/** The options every reporting command takes; handler argument types extend it. */
export interface ReportArgs {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const REPORT_OPTIONS = {
  json: { type: 'boolean', describe: 'Print the result as JSON on stdout (no colour)' },
  quiet: { type: 'boolean', describe: 'Print only the result on stdout and warnings and errors on stderr (no progress or summary)' },
  verbose: { type: 'boolean', describe: 'Also print details on stderr: timings, each file, each ARM request (never a token)' },
} as const;

/**
 * Adds --json, --quiet and --verbose to a command's options where its declaration did not (a command that declares
 * one keeps its own, more specific description).
 */
export function withReportOptions(y: Argv): Argv {
  const declared = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key;
  let out = y;
  for (const [name, option] of Object.entries(REPORT_OPTIONS)) if (!(name in declared)) out = out.option(name, option);
  return out;
}

/**
 * Why the reporting options cannot run together, if they cannot. Checked by main before the command loads, not by
 * yargs' .conflicts() (which counts a default as given: plan declares both with default false).
 */
export function reportOptionsProblem(args: ReportArgs): string | undefined {
  return args.quiet && args.verbose ? '--quiet and --verbose cannot be used together' : undefined;
}

/**
 * Whether to colour a stream. NO_COLOR (no-color.org: present and not empty) always wins; FORCE_COLOR forces colour as
 * picocolors reads it (any non-empty value); otherwise only a terminal that is not TERM=dumb gets colour. Unlike
 * picocolors' own default, CI=true alone does not turn colour on: a CI log is not a terminal (issue 9: colours
 * only on a TTY).
 */
export function colourWanted(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return true;
  return isTty && env.TERM !== 'dumb';
}

/** Colour decisions for both streams, from what the io says about its terminals (the process's by default). */
export function streamColours(io: CliIo, isDefaultIo: boolean): { stdout: boolean; stderr: boolean } {
  if (io.colours) return io.colours;
  const env = io.env ?? process.env;
  return {
    stdout: colourWanted(env, io.stdoutIsTty ?? (isDefaultIo && Boolean(process.stdout.isTTY))),
    stderr: colourWanted(env, io.stderrIsTty ?? (isDefaultIo && Boolean(process.stderr.isTTY))),
  };
}

export interface Reporter {
  /** Colours for stderr text. */
  readonly c: Colours;
  /** Colours for human stdout text (none with --json: machine output never carries escape codes). */
  readonly out: Colours;
  readonly quiet: boolean;
  readonly verbose: boolean;
  warn(line: string): void;
  info(line: string): void;
  detail(line: string): void;
}

export function reporter(io: CliIo, args: ReportArgs): Reporter {
  const quiet = Boolean(args.quiet);
  const verbose = Boolean(args.verbose);
  return {
    c: pc.createColors(Boolean(io.colours?.stderr)),
    out: pc.createColors(Boolean(io.colours?.stdout) && !args.json),
    quiet,
    verbose,
    warn: (line) => io.stderr(`${line}\n`),
    info: (line) => (quiet ? undefined : io.stderr(`${line}\n`)),
    detail: (line) => (verbose ? io.stderr(`${line}\n`) : undefined),
  };
}

/** A diagnostic or problem line ("<where>: error ZT1234: ...") with its severity word coloured. */
export function paintSeverity(line: string, c: Colours): string {
  return line
    .replace(/(^|: )(error)( ZT\d{4})/, (_m, pre: string, word: string, code: string) => `${pre}${c.bold(c.red(word))}${code}`)
    .replace(/(^|: )(warning)( ZT\d{4})/, (_m, pre: string, word: string, code: string) => `${pre}${c.yellow(word)}${code}`)
    .replace(/^(\s+fix:)/m, (m) => c.cyan(m));
}

/**
 * A text plan (publisher/render.ts renderText) coloured by its markers: `+ create` green, `~ update` yellow,
 * `- delete` and `x` blockers red, `!` warnings yellow, the section titles bold. The words stay as they are (colour is never the only
 * signal), so a plan reads the same without colour.
 */
export function paintPlan(text: string, c: Colours): string {
  if (!c.isColorSupported) return text;
  return text
    .split('\n')
    .map((line) => {
      if (/^ {2}\+ /.test(line)) return c.green(line);
      if (/^ {2}[~!] /.test(line)) return c.yellow(line);
      if (/^ {2}[-x] /.test(line)) return c.red(line);
      if (/^\S.*:$/.test(line)) return c.bold(line);
      return line;
    })
    .join('\n');
}
