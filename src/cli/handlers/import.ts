/**
 * `ztpolicy import <file or folder>...` (options in ../commands/import.ts): turns existing Azure Policy JSON (portal / az / REST exports, an EPAC
 * Definitions folder, the Azure Landing Zones library) into control and initiative sources. Plans everything
 * first (src/import), then writes all files or none; never overwrites a file unless --force. Exit 0 when every
 * policy was imported, 1 when some could not be (the rest is written and each is listed with why), 2 for bad
 * input (nothing written).
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { BadInputError, ExitCode } from '../../errors.js';
import type { InputProblem } from '../../io/evaluate-inputs.js';
import { ImportCode } from '../../import/codes.js';
import { planImport, type ImportPlan } from '../../import/index.js';
import { writeAllOrNothing } from '../../io/write-files.js';
import { PRINCIPLES, UNITS, type Principle, type Unit } from '../../model.js';
import type { ProgressTask } from '../../publisher/types.js';
import type { CommandRun } from '../command.js';
import type { ImportArgs } from '../commands/import.js';
import { paintSeverity, reporter } from '../output.js';
import { cliProgress } from '../progress.js';

function problemLine(p: InputProblem): string {
  return `${p.file}${p.jsonPath ? ` at ${p.jsonPath}` : ''}: ${p.severity} ${p.code}: ${p.message}${p.hint ? `\n    fix: ${p.hint}` : ''}`;
}

export const run: CommandRun<ImportArgs> = (args, io, result) => {
  // Checked here (not only by yargs' choices) so the message names every valid value.
  if (args.unit === undefined || !(UNITS as readonly string[]).includes(args.unit)) {
    throw new BadInputError(
      ImportCode.usage,
      args.unit === undefined ? 'name the unit the imported controls belong to: --unit <unit>' : `unknown unit '${args.unit}'`,
      { hint: `--unit is one of ${UNITS.join(', ')}` },
    );
  }
  if (!(PRINCIPLES as readonly string[]).includes(args.principle)) {
    throw new BadInputError(ImportCode.usage, `unknown principle '${args.principle}'`, { hint: `--principle is one of ${PRINCIPLES.join(', ')}` });
  }
  const projectDir = resolve(args.project);
  const definitionsDir = resolve(projectDir, args.out);
  const initiativesDir = resolve(projectDir, args['initiatives-out']);
  const shown = (p: string): string => relative(projectDir, p).split(sep).join('/') || '.';
  const say = reporter(io, args);
  // The ALZ library is ~600 policies: the same progress as publish (a live bar on a terminal, a line per 10 % in a
  // CI log; none below 20 policies, none with --quiet).
  const progress = cliProgress(io);
  let task: ProgressTask | undefined;
  let lastDone = 0;
  const plan: ImportPlan = planImport({
    inputs: args.paths,
    projectDir,
    definitionsDir,
    initiativesDir,
    unit: args.unit as Unit,
    principle: args.principle as Principle,
    onProgress: (done, total) => {
      if (say.quiet) return;
      task ??= progress('import', total);
      task.tick(done - lastDone);
      lastDone = done;
      if (done === total) task.done();
    },
  });
  const errors = plan.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    for (const p of errors) say.warn(paintSeverity(problemLine(p), say.c));
    throw new BadInputError(ImportCode.badInput, `${errors.length} input problem(s); nothing was written`, { hint: 'fix the files named above and run the import again' });
  }
  if (plan.sources.length === 0) {
    throw new BadInputError(ImportCode.noPolicies, `no policy definition or initiative found in ${args.paths.join(', ')}`, {
      hint: 'pass files or folders holding policy JSON (properties.policyRule or properties.policyDefinitions)',
    });
  }
  const existing = plan.files.filter((f) => existsSync(f.path));
  if (existing.length > 0 && !args.force && !args['dry-run']) {
    for (const f of existing) say.warn(`exists: ${shown(f.path)}`);
    throw new BadInputError(ImportCode.outputExists, `${existing.length} source file(s) already exist; nothing was written`, {
      hint: 'pass --force to overwrite them (review the diff), or import into another --out folder',
    });
  }
  for (const n of plan.notImported) say.warn(`${say.c.yellow('not imported:')} ${n.kind} ${n.name} (${n.file} at ${n.jsonPath}): ${n.reason}`);
  for (const f of plan.files) for (const d of f.dropped) say.info(`note: ${f.name}: ${d} is not kept`);
  for (const f of plan.files) say.detail(`  ${args['dry-run'] ? 'would write' : 'write'} ${shown(f.path)} (${f.kind} ${f.name} from ${f.source.file})`);
  if (!args['dry-run']) {
    try {
      writeAllOrNothing(plan.files);
    } catch (e) {
      throw new BadInputError(ImportCode.writeFailed, `could not write the imported sources: ${(e as Error).message}`, {
        hint: 'check that the output folders are writable; nothing was kept',
        cause: e,
      });
    }
  }
  const defs = plan.files.filter((f) => f.kind === 'definition').length;
  const inits = plan.files.length - defs;
  say.info(
    `${say.c.green(args['dry-run'] ? 'would import' : 'imported')} ${defs} definition(s) into ${shown(join(definitionsDir, args.unit))}/ and ${inits} initiative(s) into ${shown(initiativesDir)}/` +
      `${plan.notImported.length > 0 ? `; ${plan.notImported.length} not imported (listed above)` : ''}` +
      `${plan.ignored.length > 0 ? `; ${plan.ignored.length} JSON file(s) that are not policies ignored` : ''}` +
      (args['dry-run'] ? '' : '\nnext: review the files (principle, remediation), then npx ztpolicy build'),
  );
  if (args.json) {
    io.stdout(
      `${JSON.stringify(
        {
          ok: plan.notImported.length === 0,
          written: args['dry-run'] ? [] : plan.files.map((f) => shown(f.path)),
          planned: plan.files.map((f) => ({ kind: f.kind, name: f.name, file: shown(f.path), source: f.source.file, dropped: f.dropped })),
          notImported: plan.notImported,
          ignored: plan.ignored.map((p) => ({ file: p.file, ...(p.jsonPath ? { jsonPath: p.jsonPath } : {}), reason: p.message })),
        },
        null,
        2,
      )}\n`,
    );
  }
  if (plan.notImported.length > 0) result.exitCode = ExitCode.checkFailed;
};
