/**
 * `ztpolicy plan --mg ID`: read-only. Reads what exists at the management group, compares it with generated/ and
 * the config through the normalized diff, and prints the plan (text, `--json` or `--markdown` for a pull-request
 * comment). Exit 0 when there is nothing to change, 1 when there are changes or blockers (a CI gate), 2 bad input,
 * 3 Azure. A blocker is an object in the way that ztpolicy does not own: one another owner marked, or one with
 * ztpolicy's name but no marker (taken over only with `--adopt`).
 */
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { renderJson, renderMarkdown, renderText } from '../../publisher/render.js';
import { openSession, planSession, type SessionOptions } from '../../publisher/session.js';
import type { CliIo, CommandResult } from '../main.js';

export interface PublisherArgs {
  mg: string;
  endpoint?: string;
  config: string;
  location?: string;
  json?: boolean;
  verbose?: boolean;
  adopt?: boolean;
}

/** Options plan and publish share. */
export function publisherOptions<T>(y: Argv<T>) {
  return y
    .option('mg', { type: 'string', demandOption: true, describe: 'Target management group id (must match the config)' })
    .option('endpoint', { type: 'string', describe: 'ARM base URL (sovereign clouds, local emulators); https only except loopback' })
    .option('config', { type: 'string', default: 'ztpolicy.config.json', describe: 'Publisher config file' })
    .option('location', { type: 'string', describe: 'Region for managed identities (default: identityLocation from the config)' })
    .option('json', { type: 'boolean', describe: 'Print the result as JSON' })
    .option('adopt', {
      type: 'boolean',
      default: false,
      describe:
        'Take over objects that have ztpolicy\'s names but no ownership marker (update them and mark them as owned, so a later publish may prune them); without it they block the plan',
    })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log every ARM request (method, path, status; never tokens) on stderr' });
}

export function sessionOptions(argv: PublisherArgs, io: CliIo, extra: Partial<SessionOptions> = {}): SessionOptions {
  return {
    configFile: argv.config,
    managementGroupId: argv.mg,
    ...(argv.endpoint !== undefined ? { endpoint: argv.endpoint } : {}),
    ...(argv.location !== undefined ? { location: argv.location } : {}),
    ...(argv.adopt ? { adopt: true } : {}),
    ...(argv.verbose ? { log: (line: string) => io.stderr(`${line}\n`) } : {}),
    ...extra,
  };
}

export function planCommand(io: CliIo, result: CommandResult): CommandModule {
  return {
    command: 'plan',
    describe: 'Show what publish would change at a management group (read-only; exit 1 when there are changes)',
    builder: (y: Argv) =>
      publisherOptions(y)
        .option('markdown', { type: 'boolean', describe: 'Print the plan as Markdown (pull-request comment)' })
        .conflicts('json', 'markdown')
        .example('$0 plan --mg contoso', 'plan against the configured management group')
        .example('$0 plan --mg contoso --markdown > plan.md', 'plan as a pull-request comment')
        .example('$0 plan --mg contoso --adopt', 'plan taking over same-named objects that have no ownership marker'),
    handler: async (raw) => {
      const argv = raw as unknown as PublisherArgs & { markdown?: boolean };
      const session = await openSession(sessionOptions(argv, io));
      io.stderr(`Reading management group '${session.config.managementGroupId}' at ${session.gateway.endpoint}...\n`);
      const { plan } = await planSession(session);
      io.stdout(argv.json ? renderJson(plan) : argv.markdown ? renderMarkdown(plan) : renderText(plan));
      io.stderr(`${session.gateway.counter.requests} request(s) to ARM.\n`);
      result.exitCode = plan.hasChanges || plan.blockers.length > 0 ? ExitCode.checkFailed : ExitCode.ok;
    },
  };
}
