/**
 * `ztpolicy check` (options in ../commands/check.ts): runs the build in memory and compares with generated/ on
 * disk. Exit 1 when generated/ is stale, incomplete or has orphans (CI proves the committed output is current);
 * 2 when the sources do not build.
 */
import { join, resolve } from 'node:path';
import { ExitCode } from '../../errors.js';
import { buildProject } from '../../io/build.js';
import { diffTree, GENERATED_DIR, isCurrent, readTree } from '../../io/generated.js';
import type { CommandRun } from '../command.js';
import type { CheckArgs } from '../commands/check.js';
import { reporter } from '../output.js';
import { failOnErrors, jsonResult, summaryLine } from './build.js';

export const run: CommandRun<CheckArgs> = async (args, io, result) => {
  const projectDir = resolve(args.project);
  const say = reporter(io, args);
  const r = await buildProject({ projectDir, typecheck: args.typecheck });
  failOnErrors(r, say, io.stdout, Boolean(args.json), 'check');
  const diff = diffTree(readTree(join(projectDir, GENERATED_DIR)), r.files);
  const current = isCurrent(diff);
  if (args.json) io.stdout(jsonResult(r, { current, stale: diff.stale, missing: diff.missing, orphans: diff.orphans }));
  if (current) {
    say.info(`${say.c.green('checked')} ${summaryLine(r)}\n${GENERATED_DIR}/ is current (${r.files.size} files)`);
    return;
  }
  const lines = [
    ...diff.stale.map((f) => `  stale:   ${GENERATED_DIR}/${f}`),
    ...diff.missing.map((f) => `  missing: ${GENERATED_DIR}/${f}`),
    ...diff.orphans.map((f) => `  orphan:  ${GENERATED_DIR}/${f}`),
  ];
  // The failure itself is the result of check: printed with --quiet too.
  say.warn(
    `${say.c.red(`${GENERATED_DIR}/ is not what a build would write`)} (${diff.stale.length} stale, ${diff.missing.length} missing, ${diff.orphans.length} orphan):\n` +
      `${lines.join('\n')}\n${say.c.cyan('    fix:')} run \`npm run build\` (or \`npx ztpolicy build\`) and commit ${GENERATED_DIR}/`,
  );
  result.exitCode = ExitCode.checkFailed;
};
