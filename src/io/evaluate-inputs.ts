/**
 * File-system side of `ztpolicy evaluate`: loads policy documents (definitions, initiatives, whole generated/
 * trees, built-in files, `az policy definition list` arrays) and resource documents (one ARM resource, an
 * `az resource list`/`az resource show` array, an `az graph query` result, an ARM list response, or a folder of
 * them). Every bad input is reported as an InputProblem with its file and JSON path, and loading goes on: one
 * broken file in a folder of exports must not hide the rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import type { EvaluationContext, RelatedQuery } from '../evaluator/types.js';
import { setOwn } from '../evaluator/values.js';
import { definitionNameFromId, isBuiltinDefinitionId } from '../model.js';
// Re-exported: callers of this module resolve member ids with the same helpers (they live with the id builders).
export { definitionNameFromId, isBuiltinDefinitionId };

export const InputCode = {
  unreadable: 'ZT7001',
  invalidJson: 'ZT7002',
  notAPolicy: 'ZT7003',
  notAResource: 'ZT7004',
  unknownResourceType: 'ZT7005',
  memberNotFound: 'ZT7006',
  memberParameter: 'ZT7007',
  noProperties: 'ZT7008',
  emptyInput: 'ZT7009',
  parametersFile: 'ZT7010',
  policyFailed: 'ZT7011',
  usage: 'ZT7012',
  /** An --exemptions file is not an exemption document (generated/policyExemptions/). */
  notAnExemption: 'ZT7013',
  /** --compare-effect cannot change a member's effect (not a parameter, or not an allowed value). */
  compareEffect: 'ZT7014',
  /** A member cannot be previewed from Azure Resource Graph (its existence check needs a type it does not hold). */
  resourceGraph: 'ZT7015',
} as const;

export interface InputProblem {
  /** File as the user named it (relative to the working directory when inside it). */
  file: string;
  /** JSON path inside the file, e.g. $[3] or $.data[12]; absent when the whole file is the problem. */
  jsonPath?: string;
  code: string;
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

export interface LoadedDefinition {
  kind: 'definition';
  /** The definition's name (a custom name or a built-in GUID). */
  name: string;
  /** The document as `{ name, properties }` (a bare `{ if, then }` rule is wrapped). */
  document: JsonObject;
  file: string;
  jsonPath: string;
  /** Where it came from: a file the user passed, the generated/ tree next to an initiative, or the built-in catalog. */
  origin: 'input' | 'sibling' | 'builtin';
}

export interface LoadedInitiative {
  kind: 'initiative';
  name: string;
  document: JsonObject;
  file: string;
  jsonPath: string;
}

export interface LoadedPolicies {
  definitions: LoadedDefinition[];
  initiatives: LoadedInitiative[];
  problems: InputProblem[];
  /** Files read (for messages). */
  files: string[];
}

export interface ResourceEntry {
  resource: JsonObject;
  file: string;
  jsonPath: string;
  /**
   * The resource group and subscription as Azure Policy sees them (resourceGroup(), subscription()), when the
   * source knows them (Resource Graph's resourcecontainers); otherwise the evaluator derives them from the id.
   */
  context?: EvaluationContext;
}

export interface LoadedResources {
  resources: ResourceEntry[];
  problems: InputProblem[];
  files: string[];
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel.split(sep).join('/') : path.split(sep).join('/');
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every *.json file under `path` (or `path` itself), sorted so runs are reproducible. `extensions` widens the
 * set (`ztpolicy import` also reads EPAC's *.jsonc).
 */
export function listJsonFiles(path: string, problems: InputProblem[], extensions: readonly string[] = ['.json']): string[] {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch (error) {
    problems.push({
      file: displayPath(abs),
      code: InputCode.unreadable,
      severity: 'error',
      message: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
      hint: 'check the path',
    });
    return [];
  }
  if (st.isFile()) return [abs];
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: displayPath(dir), code: InputCode.unreadable, severity: 'error', message: `cannot list directory: ${(error as Error).message}` });
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && extensions.includes(extname(e.name).toLowerCase())) out.push(full);
    }
  };
  walk(abs);
  return out;
}

/**
 * Reads and parses a JSON file. Handles what exports really look like on disk: a UTF-8 BOM, and UTF-16LE from
 * Windows PowerShell 5 redirection (`az ... > file.json` writes UTF-16LE with a BOM there).
 */
export function readJsonFile(file: string, problems: InputProblem[]): { ok: true; value: unknown; bytes: number } | { ok: false } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (error) {
    problems.push({ file: displayPath(file), code: InputCode.unreadable, severity: 'error', message: `cannot read: ${(error as Error).message}` });
    return { ok: false };
  }
  let text: string;
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) text = buf.subarray(2).toString('utf16le');
  else text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, value: extname(file).toLowerCase() === '.jsonc' ? parseJsonc(text) : (JSON.parse(text) as unknown), bytes: buf.length };
  } catch (error) {
    problems.push({
      file: displayPath(file),
      code: InputCode.invalidJson,
      severity: 'error',
      message: `invalid JSON: ${describeJsonError(error as Error, text)}`,
      hint: text.trim() === '' ? 'the file is empty' : 'fix the JSON syntax (az CLI output with -o json is valid JSON; -o table or -o tsv is not)',
    });
    return { ok: false };
  }
}

/**
 * JSON with comments and trailing commas (EPAC's *.jsonc files). TypeScript's own tsconfig reader does exactly
 * this and is already a dependency; it is loaded only when a .jsonc file is read.
 */
function parseJsonc(text: string): unknown {
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  const r = ts.parseConfigFileTextToJson('input.jsonc', text);
  if (r.error) {
    const start = r.error.start ?? 0;
    const before = text.slice(0, start);
    throw new Error(`${ts.flattenDiagnosticMessageText(r.error.messageText, ' ')} (line ${before.split('\n').length} column ${start - before.lastIndexOf('\n')})`);
  }
  return r.config as unknown;
}

function describeJsonError(error: Error, text: string): string {
  const m = /at position (\d+)/.exec(error.message);
  if (!m || /line \d+ column \d+/.test(error.message)) return error.message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${error.message} (line ${line} column ${column})`;
}

// ---------------------------------------------------------------------------------------------------------
// Policies

function classifyPolicy(value: JsonObject): 'definition' | 'initiative' | 'rule' | undefined {
  const props = value.properties;
  if (isObject(props)) {
    if (isObject(props.policyRule)) return 'definition';
    if (Array.isArray(props.policyDefinitions)) return 'initiative';
  }
  if (isObject(value.policyRule)) return 'definition';
  if (Array.isArray(value.policyDefinitions)) return 'initiative';
  if (isObject(value.if) && isObject(value.then)) return 'rule';
  return undefined;
}

/** Normalises the shapes a definition comes in to `{ name, properties }`. */
function normalisePolicyDocument(value: JsonObject, kind: 'definition' | 'initiative' | 'rule', fallbackName: string): JsonObject {
  if (kind === 'rule') return { name: fallbackName, properties: { mode: 'All', policyRule: value } };
  const name = typeof value.name === 'string' && value.name ? value.name : fallbackName;
  if (isObject(value.properties)) return { ...value, name };
  // `az policy definition show` (older CLI) and some exports flatten the properties to the top level.
  const { name: _n, id: _i, type: _t, ...rest } = value;
  return { name, ...(typeof value.id === 'string' ? { id: value.id } : {}), properties: rest };
}

/** generated/manifest.json and similar index files are not policies; skip them quietly. */
function isManifest(value: unknown): boolean {
  return isObject(value) && 'schemaVersion' in value && Array.isArray(value.definitions) && !('properties' in value);
}

export function loadPolicies(paths: readonly string[]): LoadedPolicies {
  const result: LoadedPolicies = { definitions: [], initiatives: [], problems: [], files: [] };
  for (const path of paths) {
    for (const file of listJsonFiles(path, result.problems)) {
      result.files.push(file);
      const read = readJsonFile(file, result.problems);
      if (!read.ok) continue;
      if (isManifest(read.value)) continue;
      collectPolicies(read.value, file, result, 'input');
    }
  }
  return result;
}

/** Adds the policies in a parsed file (one object, an array, or an ARM list response) to `into`. */
export function collectPolicies(value: unknown, file: string, into: LoadedPolicies, origin: LoadedDefinition['origin']): void {
  const fallback = basename(file).replace(/\.json$/i, '').replace(/\.alz_policy_(set_)?definition$/, '');
  const visit = (v: unknown, jsonPath: string, top: boolean): void => {
    if (Array.isArray(v)) {
      v.forEach((el, i) => visit(el, `${jsonPath}[${i}]`, false));
      return;
    }
    if (isObject(v) && top && Array.isArray(v.value) && !('properties' in v)) {
      // An ARM list response: { value: [...], nextLink }
      v.value.forEach((el, i) => visit(el, `${jsonPath}.value[${i}]`, false));
      return;
    }
    const kind = isObject(v) ? classifyPolicy(v) : undefined;
    if (!isObject(v) || kind === undefined) {
      into.problems.push({
        file: displayPath(file),
        ...(jsonPath === '$' ? {} : { jsonPath }),
        code: InputCode.notAPolicy,
        severity: 'error',
        message: 'not a policy definition or initiative (expected properties.policyRule or properties.policyDefinitions)',
        hint: 'pass generated/ (or a file under it), a built-in definition file, or a policy rule { "if": ..., "then": ... }',
      });
      return;
    }
    const document = normalisePolicyDocument(v, kind, fallback);
    const name = document.name as string;
    if (kind === 'initiative') into.initiatives.push({ kind: 'initiative', name, document, file: displayPath(file), jsonPath });
    else into.definitions.push({ kind: 'definition', name, document, file: displayPath(file), jsonPath, origin });
  };
  visit(value, '$', true);
}

export interface ResolvedMember {
  referenceId: string;
  definition: LoadedDefinition;
  /** Parameter values for the member, resolved against the initiative's parameters. */
  parameters: Record<string, JsonValue>;
  groupNames: string[];
}

export interface ResolveOptions {
  /** Built-in definition document by GUID (the vendored built-in catalog). */
  builtin?: (name: string) => object | undefined;
  /**
   * Resolves a member parameter value that is a template expression other than a plain `[parameters('x')]`
   * (e.g. `[concat(parameters('a'), '-x')]`). Return undefined when it cannot.
   */
  evaluateExpression?: (expression: string, initiativeParameters: Record<string, JsonValue>) => JsonValue | undefined;
}

/**
 * Resolves an initiative's members. Custom members are found by the last id segment among the loaded
 * definitions, then in the generated tree next to the initiative file (`../policyDefinitions/**`); built-ins
 * (`/providers/Microsoft.Authorization/policyDefinitions/<guid>`) through the vendored built-in catalog.
 * Member parameter values `[parameters('x')]` take the initiative's assignment value or its default, the way
 * ARM resolves them when the initiative is assigned.
 */
export function resolveInitiative(
  initiative: LoadedInitiative,
  loaded: LoadedPolicies,
  assignmentParameters: Record<string, JsonValue>,
  options: ResolveOptions = {},
): { members: ResolvedMember[]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const props = initiative.document.properties as JsonObject;
  const declared = (isObject(props.parameters) ? props.parameters : {}) as Record<string, JsonObject>;
  const initiativeValues: Record<string, JsonValue> = {};
  for (const [name, decl] of Object.entries(declared)) {
    const key = Object.keys(assignmentParameters).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) setOwn(initiativeValues, name, assignmentParameters[key] as JsonValue);
    else if (isObject(decl) && 'defaultValue' in decl) setOwn(initiativeValues, name, decl.defaultValue as JsonValue);
  }
  const byName = new Map<string, LoadedDefinition>();
  for (const d of loaded.definitions) if (!byName.has(d.name.toLowerCase())) byName.set(d.name.toLowerCase(), d);
  let siblings: Map<string, LoadedDefinition> | undefined;
  const sibling = (name: string): LoadedDefinition | undefined => {
    if (!siblings) {
      siblings = new Map();
      const dir = join(dirname(resolve(initiative.file)), '..', 'policyDefinitions');
      const scratch: LoadedPolicies = { definitions: [], initiatives: [], problems: [], files: [] };
      try {
        if (statSync(dir).isDirectory()) for (const f of listJsonFiles(dir, scratch.problems)) {
          const read = readJsonFile(f, scratch.problems);
          if (read.ok) collectPolicies(read.value, f, scratch, 'sibling');
        }
      } catch {
        // no generated tree next to the initiative: members must come from the inputs or the built-ins
      }
      for (const d of scratch.definitions) if (!siblings.has(d.name.toLowerCase())) siblings.set(d.name.toLowerCase(), d);
    }
    return siblings.get(name.toLowerCase());
  };

  const refs = Array.isArray(props.policyDefinitions) ? props.policyDefinitions : [];
  const members: ResolvedMember[] = [];
  refs.forEach((ref, i) => {
    const jsonPath = `${initiative.jsonPath}.properties.policyDefinitions[${i}]`;
    if (!isObject(ref) || typeof ref.policyDefinitionId !== 'string') {
      problems.push({ file: initiative.file, jsonPath, code: InputCode.memberNotFound, severity: 'error', message: 'member has no policyDefinitionId' });
      return;
    }
    const id = ref.policyDefinitionId;
    const name = definitionNameFromId(id);
    const referenceId = typeof ref.policyDefinitionReferenceId === 'string' ? ref.policyDefinitionReferenceId : name;
    let definition = byName.get(name.toLowerCase());
    if (!definition && !isBuiltinDefinitionId(id)) definition = sibling(name);
    if (!definition && isBuiltinDefinitionId(id)) {
      const doc = options.builtin?.(name) as JsonObject | undefined;
      if (doc) definition = { kind: 'definition', name, document: normalisePolicyDocument(doc, 'definition', name), file: `built-in ${name}`, jsonPath: '$', origin: 'builtin' };
    }
    if (!definition) {
      problems.push({
        file: initiative.file,
        jsonPath: `${jsonPath}.policyDefinitionId`,
        code: InputCode.memberNotFound,
        severity: 'error',
        message: `member ${referenceId}: policy definition ${isBuiltinDefinitionId(id) ? 'built-in ' : ''}'${name}' not found; the member is skipped`,
        hint: isBuiltinDefinitionId(id)
          ? 'the built-in is not in the vendored catalog; pass its definition file with --policy'
          : 'pass the definition file (or the whole generated/ folder) with --policy',
      });
      return;
    }
    const parameters: Record<string, JsonValue> = {};
    const refParams = isObject(ref.parameters) ? ref.parameters : {};
    let unresolved = false;
    for (const [pName, wrapper] of Object.entries(refParams)) {
      const raw = isObject(wrapper) && 'value' in wrapper ? wrapper.value : wrapper;
      const resolved = resolveMemberValue(raw as JsonValue, initiativeValues, declared, options);
      if (resolved.ok) setOwn(parameters, pName, resolved.value);
      else {
        unresolved = true;
        problems.push({
          file: initiative.file,
          jsonPath: `${jsonPath}.parameters.${pName}.value`,
          code: InputCode.memberParameter,
          severity: 'error',
          message: `member ${referenceId}: ${resolved.message}; the member is skipped`,
          hint: resolved.hint,
        });
      }
    }
    // ARM refuses an assignment whose member parameters cannot be resolved, so there is nothing to preview.
    if (unresolved) return;
    const groupNames = Array.isArray(ref.groupNames) ? ref.groupNames.filter((g): g is string => typeof g === 'string') : [];
    members.push({ referenceId, definition, parameters, groupNames });
  });
  return { members, problems };
}

/** A whole-value `[parameters('name')]` reference (group 1: the name). */
export const PARAM_REF = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i;

function resolveMemberValue(
  raw: JsonValue,
  values: Record<string, JsonValue>,
  declared: Record<string, JsonObject>,
  options: ResolveOptions,
): { ok: true; value: JsonValue } | { ok: false; message: string; hint?: string } {
  if (typeof raw !== 'string' || !raw.startsWith('[') || raw.startsWith('[[')) {
    // '[[' escapes a literal leading bracket in ARM template language.
    return { ok: true, value: typeof raw === 'string' && raw.startsWith('[[') ? raw.slice(1) : raw };
  }
  const m = PARAM_REF.exec(raw);
  if (m) {
    const wanted = m[1] as string;
    const key = Object.keys(values).find((k) => k.toLowerCase() === wanted.toLowerCase());
    if (key !== undefined) return { ok: true, value: values[key] as JsonValue };
    const isDeclared = Object.keys(declared).some((k) => k.toLowerCase() === wanted.toLowerCase());
    return isDeclared
      ? { ok: false, message: `initiative parameter '${wanted}' has no default value`, hint: `give it a value in the --parameters file: { "${wanted}": { "value": ... } }` }
      : { ok: false, message: `refers to initiative parameter '${wanted}', which the initiative does not declare` };
  }
  const value = options.evaluateExpression?.(raw, values);
  if (value !== undefined) return { ok: true, value };
  return { ok: false, message: `cannot resolve the expression ${raw}` };
}

/**
 * Reads a --parameters file. Accepts the assignment shape `{ "p": { "value": v } }`, an ARM deployment
 * parameters file `{ "$schema": ..., "parameters": { "p": { "value": v } } }`, and plain `{ "p": v }`.
 */
export function loadParametersFile(file: string): { values: Record<string, JsonValue>; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const read = readJsonFile(resolve(file), problems);
  if (!read.ok) return { values: {}, problems };
  let obj = read.value;
  if (!isObject(obj)) {
    problems.push({ file: displayPath(resolve(file)), code: InputCode.parametersFile, severity: 'error', message: 'a parameters file must hold a JSON object', hint: 'write { "effect": { "value": "Audit" } }' });
    return { values: {}, problems };
  }
  if (isObject(obj.parameters) && ('$schema' in obj || 'contentVersion' in obj)) obj = obj.parameters;
  const values: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(obj as JsonObject)) {
    if (k === '$schema' || k === 'contentVersion') continue;
    // setOwn: a parameter named __proto__ stays a value, it does not become the prototype of the values object.
    setOwn(values, k, isObject(v) && 'value' in v && Object.keys(v).length === 1 ? (v.value as JsonValue) : v);
  }
  return { values, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Resources

export interface LoadResourcesOptions {
  /**
   * Resource types known to the alias catalog. A type it does not know is reported: as an error (and the
   * resource skipped) when a known type is a near miss (a typo such as storageAcounts), else as a warning (the
   * resource is still evaluated: real types without aliases exist, and type/name/location/tags conditions
   * still apply to them).
   */
  knownTypes?: { has(type: string): boolean; suggest(type: string): string | undefined };
  /** Called after each file with the running resource count (progress on stderr for large inputs). */
  onFile?: (file: string, resourcesSoFar: number, bytes: number) => void;
}

/** Top-level shapes that hold a list of resources, with the key that holds it. */
function resourceList(value: JsonObject): { key: string; list: JsonValue[] } | undefined {
  // `az graph query` prints { count, data, skip_token, total_records }; older versions and the REST API
  // (Resources POST) return { totalRecords, count, data } and, with resultFormat=table, { columns, rows }.
  if (Array.isArray(value.data) && !('type' in value)) return { key: 'data', list: value.data };
  // ARM list responses: { value: [...], nextLink }.
  if (Array.isArray(value.value) && !('type' in value)) return { key: 'value', list: value.value };
  // An ARM template: its resources (template expressions are not evaluated).
  if (Array.isArray(value.resources) && typeof value.$schema === 'string' && /deploymentTemplate/i.test(value.$schema)) return { key: 'resources', list: value.resources };
  return undefined;
}

const RESOURCE_TYPE = /^[A-Za-z0-9][A-Za-z0-9.-]*\/[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

function checkResource(value: unknown): string | undefined {
  if (!isObject(value)) return `expected a resource object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  if (typeof value.type !== 'string') return 'not a resource: it has no "type" (e.g. "Microsoft.Storage/storageAccounts")';
  if (!RESOURCE_TYPE.test(value.type)) return `not a resource type: "${value.type}" (expected Namespace/type, e.g. Microsoft.Storage/storageAccounts)`;
  if (typeof value.id !== 'string' && typeof value.name !== 'string') return 'not a resource: it has neither "id" nor "name"';
  return undefined;
}

/** The part of the evaluator's existence question (RelatedQuery) that a lookup over documents needs. */
export type RelatedQueryLike = Omit<RelatedQuery, 'resource'>;

function idScope(id: unknown): { subscription?: string; resourceGroup?: string } {
  if (typeof id !== 'string') return {};
  const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(id);
  return m ? { subscription: m[1]?.toLowerCase(), resourceGroup: m[2]?.toLowerCase() } : {};
}

/**
 * The resource or subscription an extension resource document belongs to (its id before the last
 * `/providers/`), or undefined for a resource that lives in a resource group. Extension resources
 * (Microsoft.Insights/diagnosticSettings, Microsoft.Security/assessments, subscription pricings, ...) are listed
 * by ARM under what they extend (GET {resourceId}/providers/Microsoft.Insights/diagnosticSettings), so the
 * existence check of a resource sees its own, never a neighbour's in the same resource group: the
 * diagnostic-settings built-ins (e.g. 98a2e215, 752154a7, 5fcf46f9) report each resource without its own setting,
 * and a subscription's activity-log check (2465583e) reads the subscription's settings only.
 */
function extendedScope(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const at = id.lastIndexOf('/providers/');
  if (at <= 0) return undefined;
  const scope = id.slice(0, at);
  if (/^\/subscriptions\/[^/]+$/.test(scope) || scope.includes('/providers/')) return scope;
  return undefined;
}

/**
 * Answers auditIfNotExists/deployIfNotExists existence lookups from a set of resource documents (an export, or
 * the related resources a test names): documents of `details.type` in the asked scope — children/extensions
 * of the evaluated resource (id under its id), its resource group, or its subscription — and with the asked
 * name when there is one (compared on the last name segment, since child names are written `parent/child` in
 * templates but returned as `child` by GET; a trailing `?` matches any name).
 */
export function relatedLookupFrom(documents: readonly JsonObject[]): (query: RelatedQueryLike) => JsonObject[] {
  const byType = new Map<string, JsonObject[]>();
  for (const d of documents) {
    if (typeof d.type !== 'string') continue;
    const t = d.type.toLowerCase();
    let list = byType.get(t);
    if (!list) byType.set(t, (list = []));
    list.push(d);
  }
  return (query) => {
    const candidates = byType.get(query.type.toLowerCase()) ?? [];
    const lastSegment = (n: string) => n.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
    const wantName = query.name !== undefined && !query.name.endsWith('?') ? lastSegment(query.name) : undefined;
    const sub = query.subscriptionId?.toLowerCase();
    const rg = query.resourceGroupName?.toLowerCase();
    const parent = query.resourceId?.toLowerCase();
    return candidates.filter((d) => {
      if (wantName !== undefined && lastSegment(String(d.name ?? d.id ?? '')) !== wantName) return false;
      const id = typeof d.id === 'string' ? d.id.toLowerCase() : undefined;
      const where = idScope(d.id);
      if (query.scope === 'resource') return parent !== undefined && id !== undefined && id.startsWith(`${parent}/`);
      const owner = extendedScope(id);
      if (owner !== undefined) return owner === parent;
      if (sub !== undefined && where.subscription !== undefined && where.subscription !== sub) return false;
      if (query.scope === 'resourceGroup' && rg !== undefined && where.resourceGroup !== undefined && where.resourceGroup !== rg) return false;
      return true;
    });
  };
}

/** Child resource types that ARM returns inline in their parent's GET (parent type, array, child type). */
const INLINE_CHILDREN: ReadonlyArray<{ parent: string; array: string; child: string; segment: string }> = [
  { parent: 'microsoft.network/virtualnetworks', array: 'subnets', child: 'Microsoft.Network/virtualNetworks/subnets', segment: 'subnets' },
  { parent: 'microsoft.network/networksecuritygroups', array: 'securityRules', child: 'Microsoft.Network/networkSecurityGroups/securityRules', segment: 'securityRules' },
  { parent: 'microsoft.network/routetables', array: 'routes', child: 'Microsoft.Network/routeTables/routes', segment: 'routes' },
];

/** Lower-cased types whose documents carry `childType` (lower-cased) inline: where --expand-children finds it. */
export function inlineParentsOf(childType: string): string[] {
  return INLINE_CHILDREN.filter((c) => c.child.toLowerCase() === childType).map((c) => c.parent);
}

/**
 * Adds the child resources a parent carries inline (a VNet's subnets, an NSG's security rules, a route table's
 * routes) as resources of their own. A compliance scan evaluates those children as separate resources (e.g.
 * built-in e71308d3 reports per subnet), while exports such as `az graph query` only have the parent rows. A
 * child already present in the input (same id) is not added twice.
 */
export function expandInlineChildren(entries: readonly ResourceEntry[]): ResourceEntry[] {
  const seen = new Set(entries.map((e) => (typeof e.resource.id === 'string' ? e.resource.id.toLowerCase() : '')));
  const out: ResourceEntry[] = [...entries];
  for (const e of entries) {
    const type = typeof e.resource.type === 'string' ? e.resource.type.toLowerCase() : '';
    const spec = INLINE_CHILDREN.find((c) => c.parent === type);
    const props = e.resource.properties;
    if (!spec || !isObject(props)) continue;
    const list = props[spec.array];
    if (!Array.isArray(list)) continue;
    list.forEach((child, i) => {
      if (!isObject(child) || typeof child.name !== 'string') return;
      const id = typeof child.id === 'string' ? child.id : typeof e.resource.id === 'string' ? `${e.resource.id}/${spec.segment}/${child.name}` : undefined;
      if (id === undefined || seen.has(id.toLowerCase())) return;
      seen.add(id.toLowerCase());
      const doc: JsonObject = { ...child, id, name: child.name, type: spec.child };
      out.push({ resource: doc, file: e.file, jsonPath: `${e.jsonPath}.properties.${spec.array}[${i}]` });
    });
  }
  return out;
}

/**
 * The resources one parsed export holds (one document, an array, an `az graph query` result, an ARM list, a
 * template's resources), each checked; bad elements become problems. Shared by the whole-file reader below and
 * the streaming reader (resource-stream.ts), which falls back to it for a large file that is not a list.
 */
export function* resourceEntriesIn(value: unknown, file: string, problems: InputProblem[], options: LoadResourcesOptions = {}): Generator<ResourceEntry> {
  const shown = displayPath(file);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const e = acceptResource(value[i], `$[${i}]`, shown, problems, options);
      if (e) yield e;
    }
    return;
  }
  const list = isObject(value) ? resourceList(value) : undefined;
  if (list) {
    for (let i = 0; i < list.list.length; i++) {
      const e = acceptResource(list.list[i], `$.${list.key}[${i}]`, shown, problems, options);
      if (e) yield e;
    }
  } else if (isObject(value) && Array.isArray(value.columns) && Array.isArray(value.rows)) {
    problems.push({
      file: shown,
      code: InputCode.notAResource,
      severity: 'error',
      message: 'a Resource Graph result in table format (columns/rows)',
      hint: 'rerun az graph query with -o json (objectArray result format)',
    });
  } else {
    const e = acceptResource(value, '$', shown, problems, options);
    if (e) yield e;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A subscription document that names no type, as the subscription's context (subscription() of the resources in
 * it), in the shape Resource Graph's resourcecontainers gives: Subscriptions - Get ({ id: "/subscriptions/<guid>",
 * subscriptionId, displayName, tenantId, state, tags }) and `az account show` / `az account list` ({ id: "<guid>",
 * name, tenantId, state, isDefault, cloudName or environmentName, user }, no tags). Only the context's fields are
 * kept: the signed-in user that az prints goes no further. Undefined for anything else.
 */
export function typelessSubscription(value: JsonObject): JsonObject | undefined {
  if ('type' in value || typeof value.tenantId !== 'string') return undefined;
  let subscriptionId: string;
  let displayName: unknown;
  const fromGet = typeof value.id === 'string' ? /^\/subscriptions\/([^/]+)$/i.exec(value.id) : null;
  if (fromGet && typeof value.subscriptionId === 'string' && value.subscriptionId.toLowerCase() === fromGet[1]!.toLowerCase()) {
    subscriptionId = value.subscriptionId;
    displayName = value.displayName;
  } else if (typeof value.id === 'string' && GUID.test(value.id) && typeof value.isDefault === 'boolean' && (typeof value.cloudName === 'string' || typeof value.environmentName === 'string')) {
    subscriptionId = value.id;
    displayName = value.name;
  } else {
    return undefined;
  }
  return {
    id: `/subscriptions/${subscriptionId}`,
    name: subscriptionId,
    type: 'Microsoft.Resources/subscriptions',
    subscriptionId,
    displayName: typeof displayName === 'string' ? displayName : '',
    tenantId: value.tenantId,
    // The Subscriptions - Get shape, as src/estate/resource-graph.ts builds it from a resourcecontainers row.
    ...(typeof value.state === 'string' ? { state: value.state } : {}),
    ...(isObject(value.subscriptionPolicies) ? { subscriptionPolicies: value.subscriptionPolicies } : {}),
    tags: isObject(value.tags) ? value.tags : {},
  };
}

/** One element of an export: the entry to evaluate, or undefined after reporting why it is not one. */
export function acceptResource(value: unknown, jsonPath: string, shown: string, problems: InputProblem[], options: LoadResourcesOptions): ResourceEntry | undefined {
  const subscription = isObject(value) ? typelessSubscription(value) : undefined;
  if (subscription) return { resource: subscription, file: shown, jsonPath };
  const bad = checkResource(value);
  if (bad) {
    problems.push({
      file: shown,
      ...(jsonPath === '$' ? {} : { jsonPath }),
      code: InputCode.notAResource,
      severity: 'error',
      message: bad,
      hint: 'pass ARM resource JSON: az resource show, az resource list -o json, or az graph query -o json output',
    });
    return undefined;
  }
  const resource = value as JsonObject;
  const type = resource.type as string;
  if (options.knownTypes && !options.knownTypes.has(type)) {
    const suggestion = options.knownTypes.suggest(type);
    problems.push({
      file: shown,
      ...(jsonPath === '$' ? {} : { jsonPath }),
      code: InputCode.unknownResourceType,
      severity: suggestion ? 'error' : 'warning',
      message: suggestion
        ? `unknown resource type "${type}"; the resource is skipped`
        : `resource type "${type}" is not in the alias catalog; only type, name, location and tags conditions can match it`,
      hint: suggestion ? `did you mean "${suggestion}"?` : 'check the spelling of "type" (Namespace/resourceType, as ARM returns it)',
    });
    if (suggestion) return undefined;
  }
  return { resource, file: shown, jsonPath };
}

/** Every resource of the given files and folders, read whole (see resource-stream.ts for exports of any size). */
export function loadResources(paths: readonly string[], options: LoadResourcesOptions = {}): LoadedResources {
  const result: LoadedResources = { resources: [], problems: [], files: [] };
  for (const path of paths) {
    for (const file of listJsonFiles(path, result.problems)) {
      result.files.push(file);
      const read = readJsonFile(file, result.problems);
      if (!read.ok) continue;
      for (const e of resourceEntriesIn(read.value, file, result.problems, options)) result.resources.push(e);
      options.onFile?.(file, result.resources.length, read.bytes);
    }
  }
  return result;
}
