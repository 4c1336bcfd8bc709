/**
 * `ztpolicy init` (declaration; implementation in ../handlers/init.ts): writes ztpolicy.config.json for a tenant after read-only checks (the credential works, which
 * tenant and principal, the management group exists, the caller may write policy objects and role assignments
 * there; otherwise it names the missing role and writes nothing). Asks on a terminal (@inquirer/prompts), takes
 * flags in CI (`--no-interactive`, or no TTY: a missing value is exit 2). Changes nothing in Azure.
 */
import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';

/** Defender plan names, as the config schema lists them (kept here so --help loads nothing heavy). */
const PLAN_NAMES = 'CloudPosture, VirtualMachines, StorageAccounts, KeyVaults, Arm, SqlServers, SqlServerVirtualMachines, Containers, AppServices';

export interface InitArgs extends ReportArgs {
  config: string;
  tenant?: string;
  mg?: string;
  owner?: string;
  location?: string;
  workspace?: string;
  defender?: string[];
  initiative: string;
  endpoint?: string;
  interactive?: boolean;
  force: boolean;
}

export const init = defineCommand<InitArgs>({
  command: 'init',
  describe: 'Write ztpolicy.config.json for a tenant after read-only checks of the credential, management group and permissions',
  builder: (y: Argv) =>
    y
      .option('config', { type: 'string', default: 'ztpolicy.config.json', describe: 'Config file to write' })
      .option('tenant', { type: 'string', describe: 'Entra tenant id (default: the management group\'s)' })
      .option('mg', { type: 'string', describe: 'Target management group id (the Tenant Root Group\'s id is the tenant id)' })
      .option('owner', { type: 'string', describe: "Ownership marker, e.g. 'contoso/platform-policies'" })
      .option('location', { type: 'string', describe: "Region for managed identities, e.g. 'westeurope'" })
      .option('workspace', { type: 'string', describe: 'Log Analytics workspace resource id (for the diagnostics controls)' })
      .option('defender', { type: 'string', array: true, describe: `Defender for Cloud plans to enable: ${PLAN_NAMES}` })
      .option('initiative', { type: 'string', default: 'zt-zero-trust', describe: 'Initiative to assign' })
      .option('endpoint', { type: 'string', describe: 'ARM base URL (sovereign clouds, local emulators); https only except loopback' })
      .option('interactive', { type: 'boolean', describe: 'Ask for missing values (default: when stdin is a terminal and CI is not set)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing config file' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the checks and the written config as JSON on stdout' })
      .example('$0 init', 'answer the questions on a terminal')
      .example(
          '$0 init --mg contoso --owner contoso/platform-policies --location westeurope --workspace /subscriptions/.../workspaces/law --defender VirtualMachines StorageAccounts',
          'from flags (CI)',
        )
      .epilog(
        'Exit codes: 0 config written, 1 the caller lacks a role (named; nothing written), 2 bad input or a value missing ' +
          'when init cannot ask, 3 the credential or Azure failed, 4 internal bug. Changes nothing in Azure.',
      ),
  load: () => import('../handlers/init.js'),
});
