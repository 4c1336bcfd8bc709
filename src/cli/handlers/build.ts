/**
 * `ztpolicy build` (options in ../commands/build.ts): type-check, compile, validate and write generated/
 * atomically (nothing is written when any error is found). Summary and warnings on stderr; with --json the result
 * on stdout.
 */
import { resolve } from 'node:path';
import { DiagnosticsError, formatDiagnostic } from '../../errors.js';
import { buildProject, type BuildResult } from '../../io/build.js';
import { GENERATED_DIR, writeGeneratedAtomically, type TreeDiff } from '../../io/generated.js';
import type { CommandRun } from '../command.js';
import type { BuildArgs } from '../commands/build.js';
import { paintSeverity, reporter, type Reporter } from '../output.js';

export function summaryLine(r: BuildResult): string {
  const t = r.timings;
  const tc = t.typecheckMs > 0 ? `, type check ${Math.round(t.typecheckMs)} ms` : ', type check skipped';
  return (
    `${r.counts.definitions} definition(s), ${r.counts.initiatives} initiative(s) from ${r.counts.sources} source file(s); ` +
    `${r.counts.errors} error(s), ${r.counts.warnings} warning(s) in ${Math.round(t.totalMs)} ms${tc}`
  );
}

export function jsonResult(r: BuildResult, extra: Record<string, unknown>): string {
  return `${JSON.stringify(
    {
      ok: r.counts.errors === 0,
      counts: r.counts,
      files: [...r.files.keys()],
      diagnostics: r.diagnostics,
      timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])),
      ...extra,
    },
    null,
    2,
  )}\n`;
}

/** Where the build spent its time (--verbose). */
export function timingLine(r: BuildResult): string {
  const t = r.timings;
  return `timings: type check ${Math.round(t.typecheckMs)} ms, import sources ${Math.round(t.importMs)} ms, compile ${Math.round(t.compileMs)} ms, validate ${Math.round(t.validateMs)} ms, render ${Math.round(t.renderMs)} ms, total ${Math.round(t.totalMs)} ms`;
}

/**
 * Throws DiagnosticsError (exit 2) when the build has errors; prints warnings otherwise (also with --quiet: a
 * warning such as an expired exemption must not disappear from a quiet pipeline log).
 */
export function failOnErrors(r: BuildResult, say: Reporter, stdout: (text: string) => void, json: boolean, what: string): void {
  say.detail(timingLine(r));
  if (r.counts.errors === 0) {
    for (const d of r.diagnostics) say.warn(paintSeverity(formatDiagnostic(d), say.c));
    return;
  }
  if (json) stdout(jsonResult(r, { written: false }));
  const ordered = [...r.diagnostics].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  throw new DiagnosticsError(`${what} failed: ${summaryLine(r)}. ${GENERATED_DIR}/ was left unchanged.`, ordered);
}

export const run: CommandRun<BuildArgs> = async (args, io) => {
  const projectDir = resolve(args.project);
  const say = reporter(io, args);
  const r = await buildProject({ projectDir, typecheck: args.typecheck });
  failOnErrors(r, say, io.stdout, Boolean(args.json), 'build');
  const diff: TreeDiff = writeGeneratedAtomically(projectDir, r.files);
  const changed = diff.stale.length + diff.missing.length + diff.orphans.length;
  for (const f of diff.missing) say.detail(`  added:   ${GENERATED_DIR}/${f}`);
  for (const f of diff.stale) say.detail(`  changed: ${GENERATED_DIR}/${f}`);
  for (const f of diff.orphans) say.detail(`  removed: ${GENERATED_DIR}/${f}`);
  say.info(`${say.c.green('built')} ${summaryLine(r)}`);
  say.info(
    changed === 0
      ? `${GENERATED_DIR}/ already current (${r.files.size} files)`
      : `${GENERATED_DIR}/ updated: ${diff.missing.length} added, ${diff.stale.length} changed, ${diff.orphans.length} removed (${r.files.size} files)`,
  );
  if (args.json) io.stdout(jsonResult(r, { written: true, added: diff.missing, changed: diff.stale, removed: diff.orphans }));
};
