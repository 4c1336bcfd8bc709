/**
 * Every command the CLI knows, as light declarations (see command.ts for how a command registers and stays lazy).
 * The order is the order of `ztpolicy --help`.
 */
import type { CommandSpec } from './command.js';
import { build } from './commands/build.js';
import { check } from './commands/check.js';
import { evaluate } from './commands/evaluate.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { init } from './commands/init.js';
import { plan } from './commands/plan.js';
import { publish } from './commands/publish.js';
import { status } from './commands/status.js';

// Each declaration is typed by its own arguments; the registry only needs what all of them share.
export const COMMANDS: readonly CommandSpec<never>[] = [build, check, evaluate, exportCommand, importCommand, init, plan, publish, status] as readonly CommandSpec<never>[];
