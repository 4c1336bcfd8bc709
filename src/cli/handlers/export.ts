/**
 * `ztpolicy export --mg ID [--out DIR]` (options in ../commands/export.ts): reads what a management group holds through the publisher's Azure gateway
 * (same credential, endpoint checks, retry and request log as plan/publish; read-only) and writes it as JSON that
 * `ztpolicy import` reads. The Azure SDK is loaded only when the command runs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AzureError, BadInputError, isZtError } from '../../errors.js';
import { ImportCode } from '../../import/codes.js';
import { exportManagementGroup } from '../../import/export.js';
import { writeAllOrNothing } from '../../io/write-files.js';
import { shownPath } from '../../io/paths.js';
import type { CommandRun } from '../command.js';
import type { ExportArgs } from '../commands/export.js';
import { reporter } from '../output.js';

/** Azure failures (REST errors, no credential) as exit 3 with the ARM code; never the token or headers. */
function azureError(error: unknown): never {
  if (isZtError(error)) throw error;
  const e = error as { name?: string; code?: string; statusCode?: number; message?: string };
  const code = e.code ?? (e.statusCode !== undefined ? `HTTP ${e.statusCode}` : e.name ?? 'error');
  const auth = e.statusCode === 401 || e.statusCode === 403 || /Credential|Authentication/.test(e.name ?? '');
  throw new AzureError(ImportCode.azureFailed, `reading the management group failed: ${code}: ${(e.message ?? '').split('\n')[0]}`, {
    armCode: code,
    ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
    hint: auth
      ? 'sign in (az login, managed or workload identity) or set ZTPOLICY_ACCESS_TOKEN; export needs read access to policy at the management group (Reader)'
      : 'check --mg and --endpoint, then run again',
  });
}

export const run: CommandRun<ExportArgs> = async (args, io) => {
  const say = reporter(io, args);
  if (typeof args.mg !== 'string' || args.mg.length === 0) throw new BadInputError(ImportCode.usage, 'name the management group: --mg <id>');
  const out = resolve(args.out ?? `export-${args.mg}`);
  if (existsSync(out) && readdirSync(out).length > 0 && !args.force) {
    throw new BadInputError(ImportCode.outputExists, `${shownPath(out)} is not empty; nothing was written`, { hint: 'choose another --out folder, or pass --force to write into it' });
  }
  // Lazy: the SDK clients load only for commands that talk to Azure.
  const { AzureGateway } = await import('../../publisher/gateway.js');
  const gateway = await AzureGateway.create({
    // An embedding program or an in-process test supplies the CA and credential (CliIo.azure), as for init and plan.
    ...(io.azure as object),
    ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
    ...(args.verbose ? { log: say.detail } : {}),
  });
  say.info(`Reading management group '${args.mg}' at ${gateway.endpoint}...`);
  let result;
  try {
    result = await exportManagementGroup(gateway, args.mg, say.info);
  } catch (e) {
    azureError(e);
  }
  try {
    writeAllOrNothing([...result.files].map(([rel, text]) => ({ path: join(out, rel), text })));
  } catch (e) {
    throw new BadInputError(ImportCode.writeFailed, `could not write ${shownPath(out)}: ${(e as Error).message}`, { hint: 'check that the folder is writable; nothing was kept' });
  }
  const owned = result.objects.filter((o) => o.owner !== undefined);
  for (const o of owned) say.info(`owned by ztpolicy (${o.owner}): ${o.kind}/${o.name}`);
  for (const o of result.objects) say.detail(`  ${o.file}`);
  say.info(
    `${say.c.green('wrote')} ${result.objects.length} object(s) to ${shownPath(out)}/ (${owned.length} already owned by ztpolicy, listed in export.json)\n` +
      `next: npx ztpolicy import ${shownPath(out)} --unit <unit>`,
  );
  if (args.json) io.stdout(result.files.get('export.json')!);
};
