/** `ztpolicy export`: declaration (implementation in ../handlers/export.ts, loaded only when the command runs). */
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';

export interface ExportArgs extends ReportArgs {
  mg: string;
  out: string | undefined;
  endpoint: string | undefined;
  force: boolean;
}

export const exportCommand = defineCommand<ExportArgs>({
  command: 'export',
  describe: "Write a management group's custom definitions, initiatives, assignments and exemptions as importable JSON",
  builder: (y) =>
    y
      .option('mg', { type: 'string', demandOption: true, describe: 'Management group id to read' })
      .option('out', { type: 'string', describe: 'Folder to write (default: export-<mg>)' })
      .option('endpoint', { type: 'string', describe: 'ARM base URL (sovereign clouds, local emulators); https only except loopback' })
      .option('force', { type: 'boolean', default: false, describe: 'Write into a folder that is not empty (same-named files are replaced)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the summary as JSON on stdout' })
      .option('verbose', { type: 'boolean', default: false, describe: 'Log every ARM request (method, path, status; never tokens) on stderr' })
      .example('$0 export --mg contoso', 'read management group contoso into export-contoso/')
      .example('$0 export --mg contoso --out estate && $0 import estate --unit storage', 'move an estate under ztpolicy')
      .epilog('Exit codes: 0 written, 2 bad input (the folder is not empty), 3 Azure refused or failed, 4 internal bug. Read-only in Azure.'),
  load: () => import('../handlers/export.js'),
});
