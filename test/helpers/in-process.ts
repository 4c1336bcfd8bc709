import { main } from '../../src/cli/main.js';
import type { CliRun } from './cli.js';

/** Runs the CLI entry point, main(), in this process with captured stdout and stderr (apart from cli.ts: loads the CLI). */
export async function inProcess(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
