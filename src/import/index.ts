/**
 * `ztpolicy import` without the writing: reads Azure Policy JSON (a file, a folder, an EPAC Definitions tree, the
 * Azure Landing Zones library; portal / `az policy ... show|list` / REST / ARM-template shapes) and plans the
 * control and initiative sources to write. The CLI decides whether to write (atomically, never over an existing
 * file unless asked).
 *
 * Escaping: a policy embedded in an ARM template resource (`{ name, type, apiVersion, properties }`, the
 * Enterprise-Scale files) has every "[" expression escaped as "[[" for ARM (Learn, template expressions:
 * "[[" yields a literal "["); ARM strips one "[" when it deploys the template. Those files are unescaped the same
 * way here. ALZ Library, REST, CLI and EPAC files hold the policy as Azure stores it and are read as they are.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { loadBundledAliases } from '../catalog/aliases.js';
import type { Principle, Unit } from '../model.js';
import { collectPolicies, InputCode, listJsonFiles, readJsonFile, type InputProblem, type LoadedPolicies } from '../io/evaluate-inputs.js';
import { ImportCode } from './codes.js';
import { controlSource, ImportUnsupported } from './definition.js';
import { initiativeSource } from './initiative.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ImportOptions {
  /** Files or folders to read. */
  readonly inputs: readonly string[];
  /** The project root (holds src/ in a ztpolicy checkout, package.json otherwise). */
  readonly projectDir: string;
  /** Absolute folder for controls (<dir>/<unit>/<name>.ts). */
  readonly definitionsDir: string;
  /** Absolute folder for initiatives (<dir>/<name>.ts). */
  readonly initiativesDir: string;
  readonly unit: Unit;
  readonly principle: Principle;
  /** Called after each policy (large libraries take a while). */
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

/** One policy read from the input, ready to convert. */
export interface SourcePolicy {
  readonly kind: 'definition' | 'initiative';
  readonly name: string;
  /** Properties as Azure stores them (ARM-template escaping removed). */
  readonly properties: Obj;
  readonly file: string;
  readonly jsonPath: string;
  readonly escaped: boolean;
}

export interface PlannedFile {
  readonly kind: 'definition' | 'initiative';
  readonly name: string;
  /** Absolute path to write. */
  readonly path: string;
  readonly text: string;
  readonly source: SourcePolicy;
  /** Source details the generated file does not keep (JSON paths). */
  readonly dropped: readonly string[];
}

export interface NotImported {
  readonly kind: 'definition' | 'initiative';
  readonly name: string;
  readonly file: string;
  readonly jsonPath: string;
  readonly reason: string;
}

export interface ImportPlan {
  readonly files: PlannedFile[];
  /** Valid policies the DSL cannot express (or whose members were not imported). */
  readonly notImported: NotImported[];
  /** JSON that is not a policy definition or initiative (EPAC assignments, settings...): ignored in folders. */
  readonly ignored: InputProblem[];
  /** Bad input: unreadable files, invalid JSON, duplicate names. Nothing may be written when there is one. */
  readonly problems: InputProblem[];
  readonly sources: readonly SourcePolicy[];
}

/** Removes one level of ARM-template escaping ("[[x" -> "[x") from every string. */
export function unescapeArm(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith('[[') ? v.slice(1) : v;
  if (Array.isArray(v)) return v.map(unescapeArm);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeArm(x)]));
  return v;
}

/** Reads every policy of the inputs; non-policy JSON in a folder is ignored, a named non-policy file is a problem. */
export function readSources(inputs: readonly string[]): { sources: SourcePolicy[]; problems: InputProblem[]; ignored: InputProblem[] } {
  const loaded: LoadedPolicies = { definitions: [], initiatives: [], problems: [], files: [] };
  const ignored: InputProblem[] = [];
  for (const input of inputs) {
    const files = listJsonFiles(input, loaded.problems, ['.json', '.jsonc']);
    const folder = files.length !== 1 || files[0] !== input;
    for (const file of files) {
      const read = readJsonFile(file, loaded.problems);
      if (!read.ok) continue;
      const before = loaded.problems.length;
      collectPolicies(read.value, file, loaded, 'input');
      if (folder) {
        // In a folder (an EPAC Definitions tree) JSON that is not a policy is expected: counted, not an error.
        const found = loaded.problems.splice(before);
        ignored.push(...found.filter((p) => p.code === InputCode.notAPolicy));
        loaded.problems.push(...found.filter((p) => p.code !== InputCode.notAPolicy));
      }
    }
  }
  const sources: SourcePolicy[] = [];
  for (const d of [...loaded.definitions, ...loaded.initiatives]) {
    const doc = d.document as Obj;
    const escaped = typeof doc['apiVersion'] === 'string' && typeof doc['type'] === 'string';
    const properties = (escaped ? unescapeArm(doc['properties']) : doc['properties']) as Obj;
    sources.push({ kind: d.kind, name: d.name, properties, file: d.file, jsonPath: d.jsonPath, escaped });
  }
  return { sources, problems: loaded.problems, ignored };
}

/** Module specifier from `fromDir` to a project file, or the package name outside a ztpolicy checkout. */
function moduleSpecifier(fromDir: string, projectDir: string, srcFile: string): string {
  const target = join(projectDir, 'src', srcFile);
  if (!existsSync(target.replace(/\.js$/, '.ts'))) return 'ztpolicy';
  const rel = relative(fromDir, target).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Existing controls of the project by lower-cased file name (a control file is named after its policy). */
function existingControls(definitionsDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.set(e.name.slice(0, -3).toLowerCase(), p);
    }
  };
  walk(definitionsDir);
  return out;
}

export function planImport(options: ImportOptions): ImportPlan {
  const { sources, problems, ignored } = readSources(options.inputs);
  const files: PlannedFile[] = [];
  const notImported: NotImported[] = [];
  const aliases = loadBundledAliases();

  // Azure keys definitions (and sets) by name, case-insensitively: two inputs with one name cannot both be imported.
  for (const kind of ['definition', 'initiative'] as const) {
    const seen = new Map<string, SourcePolicy>();
    for (const s of sources.filter((x) => x.kind === kind)) {
      const first = seen.get(s.name.toLowerCase());
      if (first) {
        problems.push({
          file: s.file,
          jsonPath: s.jsonPath,
          code: ImportCode.duplicateName,
          severity: 'error',
          message: `${kind} '${s.name}' is also in ${first.file}${first.jsonPath === '$' ? '' : ` at ${first.jsonPath}`}`,
          hint: 'import one of them (a name identifies a policy in Azure); pass the folders separately',
        });
      } else seen.set(s.name.toLowerCase(), s);
    }
  }

  const total = sources.length;
  let done = 0;
  const controlFiles = new Map<string, string>();
  for (const s of sources.filter((x) => x.kind === 'definition')) {
    const policyType = s.properties['policyType'];
    if (typeof policyType === 'string' && /^(builtin|static)$/i.test(policyType)) {
      notImported.push({ kind: s.kind, name: s.name, file: s.file, jsonPath: `${s.jsonPath}.properties.policyType`, reason: `a ${policyType} definition: reference it as builtin.<name> in an initiative instead` });
    } else {
      const dir = join(options.definitionsDir, options.unit);
      const path = join(dir, `${s.name}.ts`);
      try {
        const out = controlSource(s.name, s.properties, {
          unit: options.unit,
          principle: options.principle,
          dslModule: moduleSpecifier(dir, options.projectDir, 'dsl/index.js'),
          origin: originOf(s),
          aliases,
        });
        files.push({ kind: 'definition', name: s.name, path, text: out.text, source: s, dropped: out.dropped });
        controlFiles.set(s.name.toLowerCase(), path);
      } catch (e) {
        if (!(e instanceof ImportUnsupported)) throw e;
        notImported.push({ kind: s.kind, name: s.name, file: s.file, jsonPath: joinPath(s.jsonPath, e.jsonPath), reason: e.message });
      }
    }
    options.onProgress?.(++done, total, s.name);
  }

  const existing = existingControls(options.definitionsDir);
  const failed = new Set(notImported.map((n) => n.name.toLowerCase()));
  for (const s of sources.filter((x) => x.kind === 'initiative')) {
    const path = join(options.initiativesDir, `${s.name}.ts`);
    const controlModule = (name: string): string | undefined => {
      if (failed.has(name.toLowerCase())) return undefined;
      const file = controlFiles.get(name.toLowerCase()) ?? existing.get(name.toLowerCase());
      if (file === undefined) return undefined;
      const rel = relative(dirname(path), file).split(sep).join('/').replace(/\.ts$/, '.js');
      return rel.startsWith('.') ? rel : `./${rel}`;
    };
    try {
      const out = initiativeSource(s.name, s.properties, {
        unit: options.unit,
        principle: options.principle,
        dslModule: moduleSpecifier(options.initiativesDir, options.projectDir, 'dsl/index.js'),
        builtinModule: moduleSpecifier(options.initiativesDir, options.projectDir, 'catalog/builtins.js'),
        origin: originOf(s),
        controlModule,
      });
      files.push({ kind: 'initiative', name: s.name, path, text: out.text, source: s, dropped: out.dropped });
    } catch (e) {
      if (!(e instanceof ImportUnsupported)) throw e;
      const reason = failed.size > 0 && /custom member '([^']+)'/.test(e.message) && failed.has(/custom member '([^']+)'/.exec(e.message)![1]!.toLowerCase())
        ? `${e.message.replace(/ is neither.*$/, '')} was not imported (see its definition)`
        : e.message;
      notImported.push({ kind: s.kind, name: s.name, file: s.file, jsonPath: joinPath(s.jsonPath, e.jsonPath), reason });
    }
    options.onProgress?.(++done, total, s.name);
  }
  return { files, notImported, ignored, problems, sources };
}

function originOf(s: SourcePolicy): string {
  return `${s.file}${s.jsonPath === '$' ? '' : ` (${s.jsonPath})`}${s.escaped ? ', ARM-template escaping removed' : ''}`;
}

/** A JSON path inside a document found at `base` in its file ('$' + '$.properties.x' -> '$.properties.x'). */
function joinPath(base: string, inner: string): string {
  return base === '$' ? inner : `${base}${inner.slice(1)}`;
}
