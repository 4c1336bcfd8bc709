/**
 * `ztpolicy publish --mg ID` (options in ../commands/publish.ts): shows the plan, then applies it. Deletions need
 * confirmation: `--yes`, or an answer on a terminal; without a TTY and without --yes a plan with deletions is
 * refused (exit 2) before any write. A plan with blockers (an object another owner marked, or a same-named object
 * without ztpolicy's marker while `--adopt` is not given) is refused with exit 2 before any write. `--dry-run` =
 * plan. Progress on stderr; the plan (or with --json the plan and the result) on stdout.
 */
import { createInterface } from 'node:readline/promises';
import { canonicalJson } from '../../compiler/canonical-json.js';
import { BadInputError, ExitCode } from '../../errors.js';
import { PublisherCode } from '../../publisher/codes.js';
import { blockedError } from '../../publisher/executor.js';
import { renderText } from '../../publisher/render.js';
import { applySession, openSession, planSession } from '../../publisher/session.js';
import type { CommandRun } from '../command.js';
import type { PublishArgs } from '../commands/publish.js';
import { paintPlan, reporter } from '../output.js';
import { publisherProgress, sessionOptions } from './plan.js';

async function confirmOnTty(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function runId(now = new Date()): string {
  return now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
}

export const run: CommandRun<PublishArgs> = async (args, io, result) => {
  const display = publisherProgress(args, io);
  const session = await openSession(sessionOptions(args, io, args.remediate ? { remediate: true } : {}, display));
  // Lines go above a live bar while one runs (display.progress.line), else straight to stderr.
  const info = (line: string) => display.progress?.line(line);
  info(`Reading management group '${session.config.managementGroupId}' at ${session.gateway.endpoint}...`);
  const { plan, live } = await planSession(session, runId());
  const readRequests = session.gateway.counter.requests;
  if (!args.json) io.stdout(paintPlan(renderText(plan, { verbose: Boolean(args.verbose) }), reporter(io, args).out));
  // Blockers refuse even a plan with nothing else to change: an unowned object in the way is never "success".
  if (!args.dryRun && plan.blockers.length > 0) throw blockedError(plan);
  if (args.dryRun || !plan.hasChanges) {
    if (args.json) io.stdout(canonicalJson({ plan, applied: false, writes: 0, requests: readRequests }));
    if (!plan.hasChanges && !args.dryRun) info(`Nothing to publish (${readRequests} request(s), 0 writes).`);
    result.exitCode = args.dryRun && (plan.hasChanges || plan.blockers.length > 0) ? ExitCode.checkFailed : ExitCode.ok;
    return;
  }
  if (plan.hasDeletes && !args.yes && plan.blockers.length === 0) {
    const n = plan.summary.delete;
    if (!process.stdin.isTTY) {
      throw new BadInputError(PublisherCode.deletionsUnconfirmed, `the plan deletes ${n} object(s); refusing without confirmation (nothing was written)`, {
        hint: 'review the plan, then run again with --yes (required when not on a terminal)',
      });
    }
    if (!(await confirmOnTty(`The plan deletes ${n} object(s). Apply it? [y/N] `))) {
      throw new BadInputError(PublisherCode.deletionsCancelled, 'publish cancelled: deletions not confirmed (nothing was written)');
    }
  }
  const started = Date.now();
  const applied = await applySession(session, plan, {
    progress: (l) => info(l),
    verbose: Boolean(args.verbose),
    ...(args.remediate ? { remediation: { subscriptions: live.managementGroup.subscriptions, pollIntervalMs: 10_000, timeoutMs: (args.remediateTimeout ?? 1800) * 1000 } } : {}),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  info(`Published: ${applied.writes} write(s) in ${seconds} s, ${session.gateway.counter.requests} request(s) in total.`);
  if (args.json) io.stdout(canonicalJson({ plan, applied: true, writes: applied.writes, requests: session.gateway.counter.requests, remediations: applied.remediations }));
  result.exitCode = ExitCode.ok;
};
