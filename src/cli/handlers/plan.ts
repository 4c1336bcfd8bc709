/**
 * `ztpolicy plan --mg ID` (options in ../commands/plan.ts): read-only. Reads what exists at the management group,
 * compares it with generated/ and the config through the normalized diff, and prints the plan (text, `--json` or
 * `--markdown` for a pull-request comment). Exit 0 when there is nothing to change, 1 when there are changes or blockers (a CI gate), 2 bad input,
 * 3 Azure. A blocker is an object in the way that ztpolicy does not own: one another owner marked, or one with
 * ztpolicy's name but no marker (taken over only with `--adopt`).
 */
import { ExitCode } from '../../errors.js';
import { renderJson, renderMarkdown, renderText } from '../../publisher/render.js';
import { openSession, planSession, type SessionOptions } from '../../publisher/session.js';
import type { CliIo, CommandRun } from '../command.js';
import type { PlanArgs, PublisherArgs } from '../commands/plan.js';
import { paintPlan, reporter } from '../output.js';
import { RetryWaits } from '../../publisher/retry-waits.js';
import { cliProgress, type CliProgress } from '../progress.js';

/** The progress display of a publisher command: none with --quiet; it shows what the gateway's `waits` counts. */
export function publisherProgress(argv: PublisherArgs, io: CliIo): { waits: RetryWaits; progress?: CliProgress } {
  const waits = new RetryWaits();
  return argv.quiet ? { waits } : { waits, progress: cliProgress(io, { waits }) };
}

export function sessionOptions(argv: PublisherArgs, io: CliIo, extra: Partial<SessionOptions> = {}, display = publisherProgress(argv, io)): SessionOptions {
  const line = display.progress?.line ?? ((text: string) => io.stderr(`${text}\n`));
  return {
    configFile: argv.config,
    ...(argv.mg !== undefined ? { managementGroupId: argv.mg } : {}),
    ...(argv.env !== undefined ? { environment: argv.env } : {}),
    ...(argv.endpoint !== undefined ? { endpoint: argv.endpoint } : {}),
    ...(argv.location !== undefined ? { location: argv.location } : {}),
    ...(argv.adopt ? { adopt: true } : {}),
    // Above a live bar while one runs (a plain write would land in the middle of its line).
    ...(argv.verbose ? { log: line } : {}),
    // --quiet: no progress either (a quiet run prints the result and problems only).
    ...display,
    ...(io.azure as Partial<SessionOptions> | undefined),
    ...extra,
  };
}

export const run: CommandRun<PlanArgs> = async (args, io, result) => {
  const session = await openSession(sessionOptions(args, io));
  const info = (line: string) => (args.quiet ? undefined : io.stderr(`${line}\n`));
  info(`Reading management group '${session.config.managementGroupId}' at ${session.gateway.endpoint}...`);
  const { plan } = await planSession(session);
  const render = { verbose: Boolean(args.verbose) };
  io.stdout(args.json ? renderJson(plan) : args.markdown ? renderMarkdown(plan, render) : paintPlan(renderText(plan, render), reporter(io, args).out));
  info(`${session.gateway.counter.requests} request(s) to ARM.`);
  result.exitCode = plan.hasChanges || plan.blockers.length > 0 ? ExitCode.checkFailed : ExitCode.ok;
};
