/** `ztpolicy build`: declaration (implementation in ../handlers/build.ts, loaded only when the command runs). */
import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';

export interface BuildArgs extends ReportArgs {
  project: string;
  typecheck: boolean;
}

/** --project and --typecheck, shared by build and check. */
export function projectOptions(y: Argv) {
  return y
    .option('project', { type: 'string', default: '.', describe: 'Project folder (holds definitions/, initiatives/, generated/)' })
    .option('typecheck', { type: 'boolean', default: true, describe: 'Type-check the sources first (--no-typecheck skips it)' });
}

export const build = defineCommand<BuildArgs>({
  command: 'build',
  describe: 'Type-check, compile and validate definitions/ and initiatives/, then write generated/ atomically',
  builder: (y) =>
    projectOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
      .example('$0 build', 'build the project in the current folder')
      .example('$0 build --project ../my-policies --json', 'build another project, machine-readable result')
      .example('$0 build --verbose', 'also print where the time went and each file added, changed or removed')
      .epilog(
        'Exit codes: 0 built, 2 bad input (every finding is listed; generated/ is left unchanged), 4 internal bug.\n' +
          'Environment: ZTPOLICY_SCHEMA_DIR=<dir> loads the policy rule schemas from <dir> (same layout as ' +
          'src/validate/schemas) instead of the vendored copy.',
      ),
  load: () => import('../handlers/build.js'),
});
