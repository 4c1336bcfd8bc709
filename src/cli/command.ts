/**
 * How a command plugs into the CLI, so that every command gets strict flags and lazy loading for free.
 *
 * A command is two files:
 * - `src/cli/commands/<name>.ts` (the declaration): `defineCommand({ command, describe, builder, load })`. It may
 *   import only yargs types, `node:` built-ins and other declarations: `ztpolicy --help`, `--version` and every
 *   `<command> --help` load all declarations, so anything heavy here slows every start (issue 8 point 4).
 * - `src/cli/handlers/<name>.ts` (the implementation): `export const run: CommandRun<Args>`, with whatever it needs
 *   (TypeScript compiler, Azure SDKs, catalogs). `load: () => import('../handlers/<name>.js')` brings it in only
 *   when that command runs, after yargs has checked the arguments.
 * Then add the declaration to COMMANDS in src/cli/registry.ts. Main parses strictly: an unknown option or a
 * missing required one is exit 2 with a suggestion before `load` is called, so before any file is read or
 * written and before any request (test/cli/registry.test.ts runs every registered command with an unknown flag
 * and checks that the handlers' module graphs stay apart).
 */
import type { Argv } from 'yargs';
import type { ExitCode } from '../errors.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (live progress, colour) or a log (plain lines). Default: process.stderr.isTTY. */
  stderrIsTty?: boolean;
  /** The stream a live progress bar draws on when stderr is a terminal (default process.stderr; tests pass their own). */
  stderrStream?: NodeJS.WritableStream;
  /** Where prompts read and write (default process.stdin / process.stderr); tests drive prompts through these. */
  stdin?: NodeJS.ReadableStream;
  promptOutput?: NodeJS.WritableStream;
  /** Whether stdin is a terminal, so init may ask (default process.stdin.isTTY). */
  isTTY?: boolean;
  /**
   * Gateway settings an embedding program (or an in-process test) supplies instead of the process environment:
   * an extra trusted CA (what NODE_EXTRA_CA_CERTS does for a fresh process), a credential, retry settings.
   */
  azure?: { ca?: string | Buffer; credential?: import('@azure/core-auth').TokenCredential; retry?: Record<string, number>; env?: NodeJS.ProcessEnv };
  /** Whether stdout is a terminal (colour). Default: process.stdout.isTTY for the process's own io, else false. */
  stdoutIsTty?: boolean;
  /** The environment main reads for NO_COLOR and FORCE_COLOR (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Colour per stream (output.ts colourWanted: a terminal, never with NO_COLOR, FORCE_COLOR forces it). Main sets it
   * from the fields above before a command runs; a command uses it through output.ts reporter(), which drops stdout
   * colour for --json.
   */
  colours?: { stdout: boolean; stderr: boolean };
}

/** Exit code the command asked for (e.g. 1 for "changes planned"); commands set it through this holder. */
export interface CommandResult {
  exitCode: ExitCode;
}

export type CommandRun<A> = (args: A, io: CliIo, result: CommandResult) => Promise<void> | void;

export interface CommandSpec<A = never> {
  /** yargs command string: the name, e.g. 'plan'. */
  command: string;
  describe: string;
  /** Declares the options (no I/O, nothing heavy). */
  builder: (y: Argv) => Argv;
  /** The implementation, imported when the command runs. */
  load: () => Promise<{ run: CommandRun<A> }>;
}

/** Identity function that types a declaration; `A` is the parsed arguments the handler receives. */
export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}
