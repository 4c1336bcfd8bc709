/** `ztpolicy plan`: declaration (implementation in ../handlers/plan.ts, loaded only when the command runs). */
import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';

export interface PublisherArgs {
  mg?: string;
  env?: string;
  endpoint?: string;
  config: string;
  location?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  adopt?: boolean;
}

export interface PlanArgs extends PublisherArgs {
  markdown?: boolean;
}

/** Options of every command that reads the target in Azure (plan, publish, status). */
export function targetOptions(y: Argv) {
  return y
    .option('mg', { type: 'string', describe: 'Target management group id (must match the config; required unless --env names the target)' })
    .option('env', { type: 'string', describe: 'Environment of the config to publish to (test, prod, ...): its tenant, target and values' })
    .option('endpoint', { type: 'string', describe: 'ARM base URL (sovereign clouds, local emulators); https only except loopback' })
    .option('config', { type: 'string', default: 'ztpolicy.config.json', describe: 'Publisher config file' })
    .option('json', { type: 'boolean', describe: 'Print the result as JSON' });
}

/** Options plan and publish share. */
export function publisherOptions(y: Argv) {
  return targetOptions(y)
    .option('location', { type: 'string', describe: 'Region for managed identities (default: identityLocation from the config)' })
    .option('adopt', {
      type: 'boolean',
      default: false,
      describe:
        'Take over objects that have ztpolicy\'s names but no ownership marker (update them and mark them as owned, so a later publish may prune them); without it they block the plan',
    })
    .option('verbose', {
      type: 'boolean',
      default: false,
      describe: 'Log every ARM request (method, path, status; never tokens) on stderr, and list every subscription\'s Defender plan change instead of a count per plan',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'Print only the result on stdout and errors on stderr (no progress)' });
}

export const plan = defineCommand<PlanArgs>({
  command: 'plan',
  describe: 'Show what publish would change at a management group (read-only; exit 1 when there are changes)',
  builder: (y) =>
    publisherOptions(y)
      .option('markdown', { type: 'boolean', describe: 'Print the plan as Markdown (pull-request comment)' })
      .conflicts('json', 'markdown')
      .example('$0 plan --mg contoso', 'plan against the configured management group')
      .example('$0 plan --mg contoso --markdown > plan.md', 'plan as a pull-request comment')
      .example('$0 plan --mg contoso --adopt', 'plan taking over same-named objects that have no ownership marker')
      .example('$0 plan --env prod --markdown', 'plan for the prod environment of a multi-environment config')
      .epilog(
        'Exit codes: 0 no changes, 1 changes planned or a blocker, 2 bad input (config, an unknown --env, a stale generated/), ' +
          '3 Azure refused or failed, 4 internal bug. Read-only in Azure.',
      ),
  load: () => import('../handlers/plan.js'),
});
