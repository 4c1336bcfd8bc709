/** `ztpolicy import`: declaration (implementation in ../handlers/import.ts, loaded only when the command runs). */
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';

export interface ImportArgs extends ReportArgs {
  paths: string[];
  unit: string | undefined;
  principle: string;
  project: string;
  out: string;
  'initiatives-out': string;
  force: boolean;
  'dry-run': boolean;
}

/** Units and principles are checked by the handler, which names every valid value (src/model.ts). */
export const importCommand = defineCommand<ImportArgs>({
  command: 'import <paths..>',
  describe: 'Turn existing Azure Policy JSON (az/portal/REST exports, EPAC, Azure Landing Zones) into typed sources',
  builder: (y) =>
    y
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'Files or folders of policy definitions and initiatives (.json, .jsonc)' })
      .option('unit', { type: 'string', describe: 'Unit the imported controls belong to (definitions/<unit>/)' })
      .option('principle', {
        type: 'string',
        default: 'verify-explicitly',
        describe: 'Zero Trust principle written into the imported controls and built-in members (the source has none: review it)',
      })
      .option('project', { type: 'string', default: '.', describe: 'Project folder' })
      .option('out', { type: 'string', default: 'definitions', describe: 'Folder for controls, relative to the project' })
      .option('initiatives-out', { type: 'string', default: 'initiatives', describe: 'Folder for initiatives, relative to the project' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite existing source files' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Plan only: list what would be written' })
      .option('json', { type: 'boolean', default: false, describe: 'Print a summary as JSON on stdout' })
      .example('$0 import az-export.json --unit storage', 'import `az policy definition show -n X` output')
      .example('$0 import ../alz/platform/alz --unit monitoring', 'import the Azure Landing Zones library')
      .example('$0 import ../epac/Definitions --unit vm --dry-run', 'see what an EPAC Definitions folder would become')
      .epilog(
        'Exit codes: 0 all imported, 1 some policies could not be imported (listed; the rest is written), ' +
          '2 bad input or a file exists (nothing written), 4 internal bug.',
      ),
  load: () => import('../handlers/import.js'),
});
