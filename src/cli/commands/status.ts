/** `ztpolicy status`: declaration (implementation in ../handlers/status.ts, loaded only when the command runs). */
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';
import { targetOptions } from './plan.js';

export interface StatusArgs extends ReportArgs {
  mg: string;
  endpoint?: string;
  config: string;
  markdown?: boolean;
}

export const status = defineCommand<StatusArgs>({
  command: 'status',
  describe: "Show Azure Policy's compliance results for the assignments this repo owns, per unit and control (read-only)",
  builder: (y) =>
    targetOptions(y)
      .option('markdown', { type: 'boolean', describe: 'Print the report as Markdown' })
      .option('verbose', { type: 'boolean', default: false, describe: 'Log every ARM request (method, path, status; never tokens) on stderr' })
      .conflicts('json', 'markdown')
      .example('$0 status --mg root', 'compliance of every assignment this repo owns at the Tenant Root Group and below')
      .example('$0 status --mg root --markdown > compliance.md', 'the same as a Markdown report')
      .epilog('Exit codes: 0 the report was read (whatever it says), 2 bad input, 3 Azure refused or failed, 4 internal bug. Read-only in Azure.'),
  load: () => import('../handlers/status.js'),
});
