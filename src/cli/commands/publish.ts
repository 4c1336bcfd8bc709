/** `ztpolicy publish`: declaration (implementation in ../handlers/publish.ts, loaded only when the command runs). */
import { defineCommand } from '../command.js';
import { publisherOptions, type PublisherArgs } from './plan.js';

export interface PublishArgs extends PublisherArgs {
  yes?: boolean;
  dryRun?: boolean;
  remediate?: boolean;
  remediateTimeout?: number;
}

export const publish = defineCommand<PublishArgs>({
  command: 'publish',
  describe: 'Plan, then apply: definitions, initiatives, assignments, roles and Defender plans at a management group',
  builder: (y) =>
    publisherOptions(y)
      .option('yes', { type: 'boolean', default: false, describe: 'Confirm deletions without asking (required when not on a TTY)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Only show the plan (same as ztpolicy plan)' })
      .option('remediate', {
        type: 'boolean',
        default: false,
        describe: 'Also remediate: scan compliance of every subscription below, wait for it, then create a remediation task per deployIfNotExists/modify member and report what each deployed',
      })
      .option('remediate-timeout', { type: 'number', default: 1800, describe: 'Seconds --remediate waits for compliance scans and remediation tasks' })
      .example('$0 publish --mg contoso --yes', 'publish from a pipeline')
      .example('$0 publish --env test --yes', 'publish the same generated/ content to the test environment')
      .example('$0 publish --mg contoso --adopt', 'take over same-named objects without an ownership marker (after reviewing the plan)')
      .epilog(
        'Exit codes: 0 published or nothing to change, 1 --dry-run with changes, 2 bad input, a blocker or deletions not ' +
          'confirmed (nothing written), 3 Azure refused or failed (what was written is listed; a re-run converges), 4 internal bug.',
      ),
  load: () => import('../handlers/publish.js'),
});
