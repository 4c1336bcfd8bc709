/**
 * `ztpolicy publish --mg ID`: shows the plan, then applies it. Deletions need confirmation: `--yes`, or an
 * answer on a terminal; without a TTY and without --yes a plan with deletions is refused (exit 2) before any
 * write. A plan with blockers (an object another owner marked, or a same-named object without ztpolicy's marker
 * while `--adopt` is not given) is refused with exit 2 before any write. `--dry-run` = plan. Progress on stderr; the plan (or with --json the plan and the result) on stdout.
 */
import { createInterface } from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import { canonicalJson } from '../../compiler/canonical-json.js';
import { BadInputError, ExitCode } from '../../errors.js';
import { blockedError } from '../../publisher/executor.js';
import { renderText } from '../../publisher/render.js';
import { applySession, openSession, planSession } from '../../publisher/session.js';
import type { CliIo, CommandResult } from '../main.js';
import { publisherOptions, sessionOptions, type PublisherArgs } from './plan.js';
import { PublisherCode } from '../../publisher/codes.js';

interface PublishArgs extends PublisherArgs {
  yes?: boolean;
  dryRun?: boolean;
  remediate?: boolean;
}

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

export function publishCommand(io: CliIo, result: CommandResult): CommandModule {
  return {
    command: 'publish',
    describe: 'Plan, then apply: definitions, initiatives, assignments, roles and Defender plans at a management group',
    builder: (y: Argv) =>
      publisherOptions(y)
        .option('yes', { type: 'boolean', default: false, describe: 'Confirm deletions without asking (required when not on a TTY)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Only show the plan (same as ztpolicy plan)' })
        .option('remediate', { type: 'boolean', default: false, describe: 'Also create remediation tasks for deployIfNotExists/modify members' })
        .example('$0 publish --mg contoso --yes', 'publish from a pipeline')
        .example('$0 publish --mg contoso --adopt', 'take over same-named objects without an ownership marker (after reviewing the plan)'),
    handler: async (raw) => {
      const argv = raw as unknown as PublishArgs;
      const session = await openSession(sessionOptions(argv, io, argv.remediate ? { remediate: true } : {}));
      io.stderr(`Reading management group '${session.config.managementGroupId}' at ${session.gateway.endpoint}...\n`);
      const { plan } = await planSession(session, runId());
      const readRequests = session.gateway.counter.requests;
      if (!argv.json) io.stdout(renderText(plan));
      // Blockers refuse even a plan with nothing else to change: an unowned object in the way is never "success".
      if (!argv.dryRun && plan.blockers.length > 0) throw blockedError(plan);
      if (argv.dryRun || !plan.hasChanges) {
        if (argv.json) io.stdout(canonicalJson({ plan, applied: false, writes: 0, requests: readRequests }));
        if (!plan.hasChanges && !argv.dryRun) io.stderr(`Nothing to publish (${readRequests} request(s), 0 writes).\n`);
        result.exitCode = argv.dryRun && (plan.hasChanges || plan.blockers.length > 0) ? ExitCode.checkFailed : ExitCode.ok;
        return;
      }
      if (plan.hasDeletes && !argv.yes && plan.blockers.length === 0) {
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
      const applied = await applySession(session, plan, { progress: (l) => io.stderr(`${l}\n`), verbose: Boolean(argv.verbose) });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.stderr(`Published: ${applied.writes} write(s) in ${seconds} s, ${session.gateway.counter.requests} request(s) in total.\n`);
      if (argv.json) io.stdout(canonicalJson({ plan, applied: true, writes: applied.writes, requests: session.gateway.counter.requests }));
      result.exitCode = ExitCode.ok;
    },
  };
}
