/**
 * `ztpolicy build`: type-check, compile, validate and write generated/ atomically (nothing is written when any
 * error is found). Summary and warnings on stderr; with --json the result on stdout.
 */
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { DiagnosticsError, formatDiagnostic } from '../../errors.js';
import { buildProject, type BuildResult } from '../../io/build.js';
import { GENERATED_DIR, writeGeneratedAtomically, type TreeDiff } from '../../io/generated.js';
import type { CliIo, CommandResult } from '../main.js';

interface BuildArgs {
  project: string;
  typecheck: boolean;
  json: boolean;
}

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

/** Throws DiagnosticsError (exit 2) when the build has errors; prints warnings otherwise. */
export function failOnErrors(r: BuildResult, io: CliIo, json: boolean, what: string): void {
  if (r.counts.errors === 0) {
    for (const d of r.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return;
  }
  if (json) io.stdout(jsonResult(r, { written: false }));
  const ordered = [...r.diagnostics].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  throw new DiagnosticsError(`${what} failed: ${summaryLine(r)}. ${GENERATED_DIR}/ was left unchanged.`, ordered);
}

export function buildCommand(io: CliIo, _result: CommandResult): CommandModule<object, BuildArgs> {
  return {
    command: 'build',
    describe: 'Type-check, compile and validate definitions/ and initiatives/, then write generated/ atomically',
    builder: (y) =>
      y
        .option('project', { type: 'string', default: '.', describe: 'Project folder (holds definitions/, initiatives/, generated/)' })
        .option('typecheck', { type: 'boolean', default: true, describe: 'Type-check the sources first (--no-typecheck skips it)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
        .example('$0 build', 'build the project in the current folder')
        .example('$0 build --project ../my-policies --json', 'build another project, machine-readable result')
        .epilog(
          'Exit codes: 0 built, 2 bad input (every finding is listed; generated/ is left unchanged), 4 internal bug.\n' +
            'Environment: ZTPOLICY_SCHEMA_DIR=<dir> loads the policy rule schemas from <dir> (same layout as ' +
            'src/validate/schemas) instead of the vendored copy.',
        ),
    handler: async (args) => {
      const projectDir = resolve(args.project);
      const r = await buildProject({ projectDir, typecheck: args.typecheck });
      failOnErrors(r, io, args.json, 'build');
      const diff: TreeDiff = writeGeneratedAtomically(projectDir, r.files);
      const changed = diff.stale.length + diff.missing.length + diff.orphans.length;
      io.stderr(
        `built ${summaryLine(r)}\n` +
          (changed === 0
            ? `${GENERATED_DIR}/ already current (${r.files.size} files)\n`
            : `${GENERATED_DIR}/ updated: ${diff.missing.length} added, ${diff.stale.length} changed, ${diff.orphans.length} removed (${r.files.size} files)\n`),
      );
      if (args.json) io.stdout(jsonResult(r, { written: true, added: diff.missing, changed: diff.stale, removed: diff.orphans }));
    },
  };
}
