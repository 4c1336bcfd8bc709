/** `ztpolicy check`: declaration (implementation in ../handlers/check.ts, loaded only when the command runs). */
import { defineCommand } from '../command.js';
import { projectOptions, type BuildArgs } from './build.js';

export type CheckArgs = BuildArgs;

export const check = defineCommand<CheckArgs>({
  command: 'check',
  describe: 'Fail (exit 1) when generated/ is not exactly what `ztpolicy build` would write',
  builder: (y) =>
    projectOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'Print the comparison as JSON on stdout' })
      .example('$0 check', 'verify the committed generated/ folder in CI')
      .example('$0 check --quiet --no-typecheck', 'in a pre-commit hook: silent unless generated/ is stale')
      .epilog('Exit codes: 0 generated/ is current, 1 it is stale (each file is listed), 2 the sources do not build, 4 internal bug.'),
  load: () => import('../handlers/check.js'),
});
