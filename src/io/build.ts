/**
 * The build pipeline behind `ztpolicy build` and `ztpolicy check`:
 *   discover -> type-check -> import (tsx) -> compile -> project checks -> validate -> render (in memory).
 * It never writes: `buildProject` returns the generated/ tree and every diagnostic; the CLI decides to write
 * (atomically, only when there is no error) or to compare.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { BadInputError } from '../errors.js';
import type { Diagnostic } from '../errors.js';
import type { Unit } from '../model.js';
import { UNITS } from '../model.js';
import { ALL_CODES, diagnostic } from '../validate/codes.js';
import { validateDefinition } from '../validate/definition.js';
import { validateInitiative } from '../validate/initiative.js';
import { computeCoverage, type CoverageReport, type Implementation } from '../validate/coverage.js';
import type { ControlCatalog } from '../dsl/control-catalog.js';
import { getBuiltinDefinitionJson } from '../catalog/builtins.js';
import type { JsonValue } from '../compiler/canonical-json.js';
import type { PolicyDefinitionDocument } from '../model.js';
import { discoverSources, type SourceFile } from './discover.js';
import { renderGenerated, type BuiltinSummaryInfo, type EmittedDefinition, type EmittedExemption, type EmittedInitiative } from './emit.js';
import { createSourceLoader, describeImportError, type Compiler } from './load.js';
import { loadRuleValidator } from './schemas.js';
import { projectCompilerOptions, typecheckSources } from './typecheck.js';

export interface BuildOptions {
  projectDir: string;
  /** Run the TypeScript type check (default true). */
  typecheck?: boolean;
  /** Folder with the policy rule schemas (default: vendored; env ZTPOLICY_SCHEMA_DIR). */
  schemaDir?: string;
  /** Clock for the "exemption expired" warning (default: now); never affects the output bytes. */
  now?: Date;
}

export interface BuildTimings {
  typecheckMs: number;
  importMs: number;
  compileMs: number;
  validateMs: number;
  renderMs: number;
  totalMs: number;
}

export interface BuildResult {
  projectDir: string;
  /** generated/ content (relative path -> text); complete only when there are no errors. */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
  counts: { definitions: number; initiatives: number; exemptions: number; sources: number; errors: number; warnings: number };
  timings: BuildTimings;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Built-in members (kind 'builtin-policy') reachable from an initiative object, own and included. */
function collectBuiltins(initiative: unknown, seen = new Set<unknown>()): Map<string, BuiltinSummaryInfo> {
  const out = new Map<string, BuiltinSummaryInfo>();
  if (!isObj(initiative) || seen.has(initiative)) return out;
  seen.add(initiative);
  for (const m of Array.isArray(initiative['members']) ? initiative['members'] : []) {
    const t = isObj(m) ? m['target'] : undefined;
    if (!isObj(t) || t['kind'] !== 'builtin-policy' || typeof t['id'] !== 'string') continue;
    const params = isObj(t['parameters']) ? t['parameters'] : {};
    // The vendored definition: parameter defaults and the effect expression, so the summary shows what is in force.
    const doc = getBuiltinDefinitionJson(t['id']);
    const docParams = isObj(doc?.properties.parameters) ? (doc!.properties.parameters as Obj) : {};
    const then = doc?.properties.policyRule.then;
    out.set(t['id'].toLowerCase(), {
      version: typeof t['version'] === 'string' ? t['version'] : '',
      definitionParameters: Object.fromEntries(
        Object.entries(docParams).map(([k, v]) => [k, isObj(v) && 'defaultValue' in v ? { defaultValue: v['defaultValue'] as JsonValue } : {}]),
      ),
      effectExpression: isObj(then) && typeof then['effect'] === 'string' ? then['effect'] : '',
      id: t['id'],
      displayName: typeof t['displayName'] === 'string' ? t['displayName'] : t['id'],
      deprecated: t['deprecated'] === true,
      parameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { hasDefault: isObj(v) && v['hasDefault'] === true }])),
      effects: Array.isArray(t['effects']) ? t['effects'].map(String) : [],
      roleDefinitionIds: Array.isArray(t['roleDefinitionIds']) ? t['roleDefinitionIds'].map(String) : [],
    });
  }
  for (const inc of Array.isArray(initiative['include']) ? initiative['include'] : []) {
    for (const [k, v] of collectBuiltins(inc, seen)) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/**
 * What an initiative object (own members and included initiatives, recursively) implements, per control id: custom
 * members by their definition file, built-in members by the initiative file that declares them.
 */
function collectImplementations(
  initiative: unknown,
  initiativeFile: ReadonlyMap<unknown, string>,
  definitionFile: ReadonlyMap<string, string>,
  seen = new Set<unknown>(),
): Implementation[] {
  const out: Implementation[] = [];
  if (!isObj(initiative) || seen.has(initiative)) return out;
  seen.add(initiative);
  const file = initiativeFile.get(initiative) ?? '?';
  for (const m of Array.isArray(initiative['members']) ? initiative['members'] : []) {
    if (!isObj(m) || !isObj(m['target'])) continue;
    const t = m['target'];
    const controlId = typeof m['controlId'] === 'string' ? m['controlId'] : typeof t['controlId'] === 'string' ? t['controlId'] : undefined;
    if (controlId === undefined) continue;
    if (t['kind'] === 'control') {
      const name = String(t['name']);
      out.push({ controlId, kind: 'custom', file: definitionFile.get(name) ?? file, label: name });
    } else if (t['kind'] === 'builtin-policy') {
      out.push({ controlId, kind: 'built-in', file, label: `${String(t['displayName'])} (${String(t['name']).slice(0, 8)})` });
    }
  }
  for (const inc of Array.isArray(initiative['include']) ? initiative['include'] : []) {
    out.push(...collectImplementations(inc, initiativeFile, definitionFile, seen));
  }
  return out;
}

/** Reviewer notes of an initiative and of the initiatives it includes (depth-first, without repeats). */
function collectNotes(initiative: unknown, seen = new Set<unknown>()): string[] {
  if (!isObj(initiative) || seen.has(initiative)) return [];
  seen.add(initiative);
  const own = Array.isArray(initiative['reviewerNotes']) ? initiative['reviewerNotes'].map(String) : [];
  const included = (Array.isArray(initiative['include']) ? initiative['include'] : []).flatMap((inc) => collectNotes(inc, seen));
  return [...own, ...included.filter((n) => !own.includes(n))];
}

/** Drops repeats of the same finding (compiler and validator check some of the same rules). */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags
    .filter((d) => {
      const key = `${d.code}|${d.file ?? ''}|${d.jsonPath ?? ''}|${d.line ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((d) => {
      // Every finding says how to fix it: fill a missing hint from the code catalog.
      const hint = d.hint ?? ALL_CODES.get(d.code)?.hint;
      return hint === undefined ? d : { ...d, hint };
    });
}

export async function buildProject(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const projectDir = resolve(options.projectDir);
  const diagnostics: Diagnostic[] = [];
  const timings: BuildTimings = { typecheckMs: 0, importMs: 0, compileMs: 0, validateMs: 0, renderMs: 0, totalMs: 0 };
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new BadInputError('ZT1013', `project folder ${options.projectDir} does not exist`, {
      hint: 'Run the command in the project folder or pass --project <folder> (it holds definitions/ and initiatives/).',
    });
  }
  const sources = discoverSources(projectDir);
  const schema = loadRuleValidator(options.schemaDir); // throws DiagnosticsError (ZT1016) when unusable
  if (sources.length === 0) {
    diagnostics.push(diagnostic('ZT1013', { message: `no sources under ${basename(projectDir)}/definitions or ${basename(projectDir)}/initiatives` }));
  }

  // 1. Type check (skipped with --no-typecheck). Files with syntax errors are not imported (the import would
  //    only repeat the error); files with type errors still are, so the compiler adds what it knows.
  let skip = new Set<string>();
  const config = projectCompilerOptions(projectDir);
  if (options.typecheck !== false) {
    const tc = typecheckSources(projectDir, sources.map((s) => s.path));
    diagnostics.push(...tc.diagnostics);
    skip = tc.filesWithSyntaxErrors;
    timings.typecheckMs = tc.ms;
  } else {
    diagnostics.push(...config.diagnostics);
  }

  // 2. Import every source and 3. compile it.
  const loader = createSourceLoader(config.diagnostics.length === 0 && config.tsconfig ? { tsconfig: config.tsconfig } : {});
  const definitions: Array<EmittedDefinition & { source: SourceFile }> = [];
  const initiatives: Array<{ source: SourceFile; object: unknown; document: EmittedInitiative['document'] }> = [];
  const exemptionSources: Array<{ source: SourceFile; value: unknown }> = [];
  try {
    let compiler;
    try {
      compiler = await loader.compiler();
    } catch (e) {
      throw new Error(`ztpolicy compiler failed to load: ${(e as Error).message}`, { cause: e });
    }
    for (const source of sources) {
      if (skip.has(source.path)) continue;
      const t0 = performance.now();
      let mod: Record<string, unknown>;
      try {
        mod = await loader.importFile(source.path);
      } catch (e) {
        const d = describeImportError(e, source.path, projectDir);
        diagnostics.push(diagnostic('ZT1002', { file: source.rel, ...(d.line ? { line: d.line } : {}), ...(d.column ? { column: d.column } : {}), message: `importing ${source.rel} failed: ${d.message}` }));
        continue;
      } finally {
        timings.importMs += performance.now() - t0;
      }
      const value = mod['default'];
      const t1 = performance.now();
      const addFile = (ds: Diagnostic[]) => ds.map((d) => ({ ...d, file: d.file ?? source.rel }));
      if (source.kind === 'exemption') {
        // Compiled after the initiatives (an exemption's members are checked against its compiled initiative).
        exemptionSources.push({ source, value });
        continue;
      }
      if (source.kind === 'definition') {
        if (!compiler.isControl(value)) {
          diagnostics.push(diagnostic('ZT1003', { file: source.rel, message: `${source.rel} default-exports ${describeValue(value)}, not a control` }));
          continue;
        }
        let compiled;
        try {
          compiled = compiler.compileControl(value);
        } catch (e) {
          diagnostics.push(diagnostic('ZT1015', { file: source.rel, message: `compiling control "${value.name}" failed: ${(e as Error).message}` }));
          continue;
        } finally {
          timings.compileMs += performance.now() - t1;
        }
        diagnostics.push(...addFile(compiled.diagnostics));
        const unit = value.unit as Unit;
        definitions.push({
          source,
          document: compiled.document,
          unit,
          controlId: value.controlId,
          file: UNITS.includes(unit) ? compiler.definitionOutputPath(unit, value.name) : `policyDefinitions/${String(unit)}/${value.name}.json`,
        });
      } else {
        if (!compiler.isInitiative(value)) {
          diagnostics.push(diagnostic('ZT1004', { file: source.rel, message: `${source.rel} default-exports ${describeValue(value)}, not an initiative` }));
          continue;
        }
        // An import cycle between initiative files leaves the other side's default export undefined when this
        // file's defineInitiative() runs (ES modules evaluate a cycle in order): name the cycle instead of crashing.
        const broken = value.include.map((inc, i) => [inc, i] as const).filter(([inc]) => !compiler.isInitiative(inc));
        if (broken.length > 0) {
          for (const [inc, i] of broken) {
            diagnostics.push(
              diagnostic('ZT1011', {
                file: source.rel,
                jsonPath: `$.include[${i}]`,
                message: `initiative "${value.name}" includes ${describeValue(inc)} at position ${i}: the included initiative's file imports ${source.rel} back (an import cycle), or the import is not an initiative`,
              }),
            );
          }
          timings.compileMs += performance.now() - t1;
          continue;
        }
        let compiled;
        try {
          compiled = compiler.compileInitiative(value);
        } catch (e) {
          diagnostics.push(diagnostic('ZT1015', { file: source.rel, message: `compiling initiative "${value.name}" failed: ${(e as Error).message}` }));
          continue;
        } finally {
          timings.compileMs += performance.now() - t1;
        }
        diagnostics.push(...addFile(compiled.diagnostics));
        initiatives.push({ source, object: value, document: compiled.document });
      }
    }

    // 4. Project checks: file layout, names, duplicates.
    const tv = performance.now();
    const defsByName = new Map<string, PolicyDefinitionDocument>();
    const defSource = new Map<string, string>();
    for (const d of definitions) {
      const name = d.document.name;
      const rel = d.source.rel;
      const parts = rel.split('/'); // definitions/<unit>/<name>.ts
      if (parts.length !== 3) {
        diagnostics.push(diagnostic('ZT1014', { file: rel, message: `${rel} is not at definitions/<unit>/<name>.ts` }));
      } else if (parts[1] !== d.unit) {
        diagnostics.push(diagnostic('ZT1006', { file: rel, jsonPath: '$.properties.metadata.ztpolicy.unit', message: `control "${name}" has unit "${String(d.unit)}" but lives in definitions/${parts[1]}/` }));
      }
      const stem = basename(rel, '.ts');
      if (stem !== name) {
        diagnostics.push(diagnostic('ZT1005', { file: rel, jsonPath: '$.name', message: `file ${stem}.ts holds control "${name}"` }));
      }
      const prev = defSource.get(name.toLowerCase());
      if (prev !== undefined) {
        diagnostics.push(diagnostic('ZT1007', { file: rel, jsonPath: '$.name', message: `policy definition name "${name}" is also used by ${prev}` }));
      } else {
        defSource.set(name.toLowerCase(), rel);
        defsByName.set(name, d.document);
      }
      diagnostics.push(...validateDefinition(d.document, { file: rel, schema }));
    }
    const setSource = new Map<string, string>();
    const emittedInitiatives: EmittedInitiative[] = [];
    for (const i of initiatives) {
      const name = i.document.name;
      const rel = i.source.rel;
      if (dirname(rel) !== 'initiatives') {
        diagnostics.push(diagnostic('ZT1014', { file: rel, message: `${rel} is not at initiatives/<name>.ts` }));
      }
      // initiatives/<unit>.ts holds "zt-<unit>" (house layout: initiatives/<unit>.ts, zero-trust.ts), so the
      // file stem is the name with or without the "zt-" prefix.
      const stem = basename(rel, '.ts');
      if (stem !== name && `zt-${stem}` !== name) {
        diagnostics.push(diagnostic('ZT1018', { file: rel, jsonPath: '$.name', message: `file ${stem}.ts holds initiative "${name}" (expected ${name.replace(/^zt-/, '')}.ts or ${name}.ts)` }));
      }
      const prev = setSource.get(name.toLowerCase());
      if (prev !== undefined) {
        diagnostics.push(diagnostic('ZT1008', { file: rel, jsonPath: '$.name', message: `initiative name "${name}" is also used by ${prev}` }));
        continue;
      }
      setSource.set(name.toLowerCase(), rel);
      const builtins = collectBuiltins(i.object);
      diagnostics.push(...validateInitiative(i.document, { file: rel, schema, definitions: defsByName, builtins, assignmentName: compiler.assignmentName }));
      emittedInitiatives.push({ document: i.document, file: compiler.initiativeOutputPath(name), builtins, assignmentName: compiler.assignmentName(name), notes: collectNotes(i.object) });
    }

    // Coverage of the control catalog the umbrella names (summaries/coverage.md): every id needs a status.
    let coverage: CoverageReport | undefined;
    const withCatalog = initiatives.filter((i) => isObj(i.object) && isObj(i.object['catalog']));
    if (withCatalog.length > 1) {
      for (const i of withCatalog.slice(1)) {
        diagnostics.push(diagnostic('ZT1024', { file: i.source.rel, jsonPath: '$.catalog', message: `${i.source.rel} declares a control catalog, and so does ${withCatalog[0]!.source.rel}` }));
      }
    }
    const umbrella = withCatalog[0];
    if (umbrella !== undefined) {
      const initiativeFile = new Map(initiatives.map((i) => [i.object, i.source.rel] as const));
      const definitionFile = new Map(definitions.map((d) => [d.document.name, d.source.rel] as const));
      const catalog = (umbrella.object as { catalog: ControlCatalog }).catalog;
      coverage = computeCoverage(catalog, umbrella.document.name, collectImplementations(umbrella.object, initiativeFile, definitionFile), umbrella.source.rel);
      diagnostics.push(...coverage.diagnostics);
    }
    const emittedExemptions = buildExemptions(exemptionSources, initiatives, compiler, options.now ?? new Date(), diagnostics);
    timings.validateMs = performance.now() - tv;

    // 5. Render (only meaningful without errors, but cheap; the CLI writes only when there are none).
    const tr = performance.now();
    const unique = definitions.filter((d) => defsByName.get(d.document.name) === d.document);
    const files = renderGenerated(unique, emittedInitiatives, coverage, emittedExemptions);
    timings.renderMs = performance.now() - tr;
    const all = dedupe(diagnostics);
    timings.totalMs = performance.now() - started;
    return {
      projectDir,
      files,
      diagnostics: all,
      counts: {
        definitions: unique.length,
        initiatives: emittedInitiatives.length,
        exemptions: emittedExemptions.length,
        sources: sources.length,
        errors: all.filter((d) => d.severity === 'error').length,
        warnings: all.filter((d) => d.severity === 'warning').length,
      },
      timings,
    };
  } finally {
    await loader.close();
  }
}

/** LIMITS: Azure Policy limits, "Exemptions: 1,000 per scope". */
const EXEMPTIONS_PER_SCOPE = 1000;

/**
 * exemptions/<file>.ts default-exports one exemption or an array of them: each is compiled against the
 * initiative it names (members exist), names are unique, at most 1,000 per scope.
 */
function buildExemptions(
  sources: Array<{ source: SourceFile; value: unknown }>,
  initiatives: Array<{ source: SourceFile; document: EmittedInitiative['document'] }>,
  compiler: Compiler,
  now: Date,
  diagnostics: Diagnostic[],
): EmittedExemption[] {
  const sets = new Map(initiatives.map((i) => [i.document.name, i.document]));
  const out: EmittedExemption[] = [];
  const seen = new Map<string, string>();
  const perScope = new Map<string, number>();
  for (const { source, value } of sources) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every((v) => compiler.isExemption(v))) {
      diagnostics.push(diagnostic('ZT1101', { file: source.rel, message: `${source.rel} default-exports ${describeValue(value)}, not an exemption or an array of exemptions` }));
      continue;
    }
    values.forEach((ex, i) => {
      const at = Array.isArray(value) ? `[${i}]` : '';
      const setName = ex.initiative?.name;
      const set = setName === undefined ? undefined : sets.get(setName);
      if (!set) {
        diagnostics.push(diagnostic('ZT1107', { file: source.rel, jsonPath: `$${at}.initiative`, message: `exemption "${ex.name}" names initiative "${String(setName)}", which no file under initiatives/ builds` }));
      }
      const compiled = compiler.compileExemption(ex, set, now, source.rel);
      diagnostics.push(...compiled.diagnostics.map((d) => (at ? { ...d, jsonPath: d.jsonPath?.replace(/^\$/, `$${at}`) } : d)));
      const key = ex.name.toLowerCase();
      const prev = seen.get(key);
      if (prev !== undefined) {
        diagnostics.push(diagnostic('ZT1108', { file: source.rel, jsonPath: `$${at}.name`, message: `exemption name "${ex.name}" is also used by ${prev}` }));
        return;
      }
      seen.set(key, source.rel);
      const scopeKey = compiled.document.scope.toLowerCase();
      const n = (perScope.get(scopeKey) ?? 0) + 1;
      perScope.set(scopeKey, n);
      if (n === EXEMPTIONS_PER_SCOPE + 1) {
        diagnostics.push(diagnostic('ZT1109', { file: source.rel, jsonPath: `$${at}.scope`, message: `more than ${EXEMPTIONS_PER_SCOPE} exemptions at scope ${compiled.document.scope}` }));
      }
      out.push({ document: compiled.document, file: compiler.exemptionOutputPath(ex.name) });
    });
  }
  return out;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (no default export)';
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') {
    const kind = (v as Obj)['kind'];
    return typeof kind === 'string' ? `an object of kind "${kind}"` : 'a plain object';
  }
  return `a ${typeof v}`;
}
