/**
 * Policy rule validation against the official Azure Policy rule schema (draft-04,
 * schemas/2020-10-01/policyDefinition.json from Azure/azure-resource-manager-schemas, vendored in ./schemas with
 * its provenance in ./schemas/SOURCES.md). Pure: takes the parsed schema documents, returns a validator that
 * turns ajv errors into Diagnostics. Loading the files is src/io/schemas.ts's job.
 *
 * The 2020-10-01 schema is the newest one Microsoft publishes and it lags the documented language. Rather than
 * edit the vendored files (they stay byte-identical to upstream, see SOURCES.md), a short list of OVERLAYS is
 * applied in memory before compiling. Each one names the documented behaviour it reflects; every other rule of
 * the official schema applies unchanged.
 */
import AjvDraft04Module from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from '../errors.js';
import { jsonPathChild } from '../compiler/canonical-json.js';
import { diagnostic } from './codes.js';

/** The `id` URLs of the schema documents, as their absolute `$ref`s spell them. */
export const POLICY_RULE_SCHEMA_ID = 'https://schema.management.azure.com/schemas/2020-10-01/policyDefinition.json#';
export const COMMON_DEFINITIONS_SCHEMA_ID = 'https://schema.management.azure.com/schemas/common/definitions.json#';
export const DEPLOYMENTS_SCHEMA_ID =
  'https://schema.management.azure.com/schemas/2018-05-01/Microsoft.Resources.Deployments.json#';

/** Files (relative to the schema directory) the validator needs; the URL prefix maps 1:1 onto this layout. */
export const SCHEMA_FILES = [
  '2020-10-01/policyDefinition.json',
  'common/definitions.json',
  '2018-05-01/Microsoft.Resources.Deployments.json',
  // The ARM resource schema of the api-version the publisher uses (src/model.ts): the rest of the PUT body.
  '2024-05-01/Microsoft.Authorization.json',
] as const;

const AUTHORIZATION_SCHEMA_ID = 'https://schema.management.azure.com/schemas/2024-05-01/Microsoft.Authorization.json';

export const SCHEMA_URL_PREFIX = 'https://schema.management.azure.com/schemas/';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type SchemaObject = { [k: string]: Json };

export interface Overlay {
  id: string;
  why: string;
  apply: (policySchema: SchemaObject) => void;
}

function obj(v: Json | undefined, where: string): SchemaObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`schema overlay: ${where} is not an object`);
  return v;
}

/** Every string enum, also in case variants: ARM compares enum-like values case-insensitively. */
function caseVariants(values: Json[]): Json[] {
  const out: Json[] = [];
  const add = (v: Json) => {
    if (!out.includes(v)) out.push(v);
  };
  for (const v of values) {
    add(v);
    if (typeof v === 'string' && v.length > 0) {
      add(v.toLowerCase());
      add(v[0]!.toUpperCase() + v.slice(1));
      add(v[0]!.toLowerCase() + v.slice(1));
    }
  }
  return out;
}

function widenEnums(node: Json): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(widenEnums);
    return;
  }
  const e = node['enum'];
  if (Array.isArray(e) && e.every((x) => typeof x === 'string')) node['enum'] = caseVariants(e);
  for (const v of Object.values(node)) widenEnums(v);
}

export const OVERLAYS: readonly Overlay[] = [
  {
    id: 'effects-documented-since-2020',
    why:
      'Learn "Azure Policy definitions effect basics" lists denyAction (2023) and the modify conflictEffect ' +
      '"disabled"; the 2020-10-01 enum predates them.',
    apply: (s) => {
      const then = obj(obj(s['properties'], 'properties')['then'], 'then');
      const effect = obj(obj(then['properties'], 'then.properties')['effect'], 'effect');
      const first = obj((effect['oneOf'] as Json[])[0], 'effect.oneOf[0]');
      (first['enum'] as Json[]).push('denyAction');
      const defs = obj(s['definitions'], 'definitions');
      const conflict = obj(obj(obj(defs['modifyDetails'], 'modifyDetails')['properties'], 'p')['conflictEffect'], 'ce');
      (obj((conflict['oneOf'] as Json[])[0], 'ce.oneOf[0]')['enum'] as Json[]).push('disabled');
    },
  },
  {
    id: 'deny-action-details',
    why:
      'denyAction details are { actionNames: ["delete"], cascadeBehaviors: { resourceGroup: allow|deny } } ' +
      '(Learn "denyAction effect"); the 2020-10-01 details oneOf has no branch for them.',
    apply: (s) => {
      const defs = obj(s['definitions'], 'definitions');
      defs['denyActionDetails'] = {
        type: 'object',
        properties: {
          actionNames: { type: 'array', items: { type: 'string', enum: ['delete'] }, minItems: 1 },
          cascadeBehaviors: {
            type: 'object',
            properties: { resourceGroup: { type: 'string', enum: ['allow', 'deny'] } },
            additionalProperties: false,
          },
        },
        required: ['actionNames'],
        additionalProperties: false,
      };
      const then = obj(obj(s['properties'], 'properties')['then'], 'then');
      const details = obj(obj(then['properties'], 'then.properties')['details'], 'details');
      (details['oneOf'] as Json[]).push({ $ref: '#/definitions/denyActionDetails' });
    },
  },
  {
    id: 'boolean-equality-operands',
    why:
      'equals/notEquals compare string-coerced values, so boolean operands are valid (Learn "policy rule": ' +
      'boolean false equals "false"); built-ins use them. The schema allows only number|string.',
    apply: (s) => {
      const defs = obj(s['definitions'], 'definitions');
      const cond = obj(defs['condition'], 'condition');
      const operators = obj((cond['allOf'] as Json[])[1], 'condition.allOf[1]')['oneOf'] as Json[];
      for (const branch of operators) {
        const props = obj(obj(branch, 'branch')['properties'], 'branch.properties');
        for (const op of ['equals', 'notEquals']) {
          const p = props[op];
          if (p !== undefined) obj(p, op)['type'] = ['number', 'string', 'boolean'];
        }
      }
    },
  },
  {
    id: 'case-insensitive-enums',
    why:
      'ARM treats enum-like values case-insensitively; built-ins write "incremental", "Subscription", ' +
      '"Deny". The schema spells one casing only.',
    apply: (s) => widenEnums(s),
  },
];

export interface SchemaDocuments {
  /** Parsed documents keyed by the path of SCHEMA_FILES. */
  [file: string]: unknown;
}

export interface RuleValidator {
  /** Diagnostics for one policyRule; jsonPath is prefixed with `basePath` (default $.properties.policyRule). */
  validate(rule: unknown, options?: { file?: string; basePath?: string }): Diagnostic[];
  /** Diagnostics for the `properties` of a policy definition PUT body (ARM resource schema 2024-05-01). */
  validateDefinitionProperties(properties: unknown, options?: { file?: string }): Diagnostic[];
  /** Diagnostics for the `properties` of a policy set definition PUT body (ARM resource schema 2024-05-01). */
  validateSetProperties(properties: unknown, options?: { file?: string }): Diagnostic[];
}

/**
 * ARM resource schemas are generated from the REST specs and offer alternatives as `oneOf: [{}, expression]`
 * (any value, or a template expression). The alternatives overlap, so a strict oneOf rejects every value that
 * IS an expression (e.g. a member parameter "[parameters('effect')]"); the intent is "either", read as anyOf.
 */
function oneOfToAnyOf(node: Json): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(oneOfToAnyOf);
    return;
  }
  if (Array.isArray(node['oneOf'])) {
    node['anyOf'] = node['oneOf'];
    delete node['oneOf'];
  }
  for (const v of Object.values(node)) oneOfToAnyOf(v);
}

type AjvInstance = {
  addSchema(schema: unknown, key?: string): AjvInstance;
  compile(schema: unknown): ValidateFunction;
};

// ajv-draft-04 is CommonJS (`module.exports = Ajv` plus `exports.default = Ajv`): take whichever is the class.
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as new (
  opts: Record<string, unknown>,
) => AjvInstance;

/** Compiles the validator once from the three schema documents (clones them; the inputs are not modified). */
export function createRuleValidator(docs: SchemaDocuments): RuleValidator {
  const clone = (f: string) => {
    const d = docs[f];
    if (d === undefined) throw new Error(`schema document ${f} missing`);
    return structuredClone(d) as SchemaObject;
  };
  const policy = clone('2020-10-01/policyDefinition.json');
  const common = clone('common/definitions.json');
  const deployments = clone('2018-05-01/Microsoft.Resources.Deployments.json');
  for (const o of OVERLAYS) o.apply(policy);
  widenEnums(deployments);
  // strict: false because the vendored schemas use draft-04 keywords and descriptions ajv's strict mode rejects.
  const authorization = clone('2024-05-01/Microsoft.Authorization.json');
  oneOfToAnyOf(authorization);
  widenEnums(authorization);
  const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema(common);
  ajv.addSchema(deployments);
  ajv.addSchema(authorization);
  const fn = ajv.compile(policy);
  const defProps = ajv.compile({ $ref: `${AUTHORIZATION_SCHEMA_ID}#/definitions/PolicyDefinitionProperties` });
  const setProps = ajv.compile({ $ref: `${AUTHORIZATION_SCHEMA_ID}#/definitions/PolicySetDefinitionProperties` });
  const check = (v: ValidateFunction, value: unknown, file: string | undefined) =>
    v(value) ? [] : explain(v.errors ?? [], value, '$.properties', file, 'ZT2003', 'properties do not match the ARM resource schema (Microsoft.Authorization 2024-05-01)');
  return {
    validate(rule, options = {}) {
      if (fn(rule)) return [];
      return explain(fn.errors ?? [], rule, options.basePath ?? '$.properties.policyRule', options.file);
    },
    validateDefinitionProperties: (properties, options = {}) => check(defProps, properties, options.file),
    validateSetProperties: (properties, options = {}) => check(setProps, properties, options.file),
  };
}

/** `/if/allOf/0/field` -> `$.properties.policyRule.if.allOf[0].field` */
export function pointerToJsonPath(pointer: string, base: string): string {
  let out = base;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    // A JSON Pointer does not say whether a segment is an array index; all-digit segments are (no policy key is).
    out = /^\d+$/.test(seg) ? `${out}[${seg}]` : jsonPathChild(out, seg);
  }
  return out;
}

/** Keys a condition node may legitimately carry (operands, operators, logical operators). */
const CONDITION_KEYS = new Set([
  'source', 'field', 'value', 'count', 'where', 'name', 'allOf', 'anyOf', 'not',
  'equals', 'notEquals', 'like', 'notLike', 'contains', 'notContains', 'in', 'notIn', 'containsKey',
  'notContainsKey', 'match', 'matchInsensitively', 'notMatch', 'notMatchInsensitively', 'exists', 'greater',
  'less', 'greaterOrEquals', 'lessOrEquals',
]);

function depth(e: ErrorObject): number {
  return e.instancePath === '' ? 0 : e.instancePath.split('/').length - 1;
}

/**
 * ajv reports every failed oneOf branch; the useful error is the deepest one (the place the author got wrong).
 * One diagnostic per distinct deepest location, with the branch errors there merged into one sentence.
 */
function explain(
  errors: readonly ErrorObject[],
  rule: unknown,
  base: string,
  file: string | undefined,
  code = 'ZT2001',
  lead = 'policy rule does not match the official policy rule schema',
): Diagnostic[] {
  const meaningful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'allOf' && e.keyword !== 'anyOf');
  const pool = meaningful.length > 0 ? meaningful : [...errors];
  // Group by the closest condition/effect node: keep errors whose path is not a strict prefix of a deeper error's.
  const deepest = pool.filter(
    (e) => !pool.some((o) => o !== e && depth(o) > depth(e) && o.instancePath.startsWith(`${e.instancePath}/`)),
  );
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of deepest) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: Diagnostic[] = [];
  for (const [pointer, list] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const missing = list.filter((e) => e.keyword === 'required').map((e) => String((e.params as Record<string, unknown>)['missingProperty']));
    const value = valueAt(rule, pointer);
    let messages: string[];
    if (missing.length > 1) {
      const known = [...new Set(missing)];
      // A misspelled operator or operand shows up as "needs one of ...": name the key that is wrong instead.
      const unknown: string[] = [];
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value)) {
          if (CONDITION_KEYS.has(key)) continue;
          const sameButCase = [...CONDITION_KEYS].find((k) => k.toLowerCase() === key.toLowerCase());
          const best = closest(key, known);
          unknown.push(
            `unknown property "${key}"${sameButCase ? ` (write "${sameButCase}": the DSL emits canonical casing)` : distance(key, best) <= 3 ? ` (did you mean "${best}"?)` : ''}`,
          );
        }
      }
      const others = list
        .filter((e) => e.keyword !== 'required')
        .filter((e) => !(e.keyword === 'additionalProperties' && CONDITION_KEYS.has(String((e.params as Record<string, unknown>)['additionalProperty']))))
        .map((e) => describe(e));
      messages = unknown.length > 0 ? unknown : [...new Set([`needs one of the properties ${known.join(', ')}`, ...others])];
    } else {
      messages = [...new Set(list.map((e) => describe(e)))];
    }
    const shown = value === undefined ? '' : ` (found ${preview(value)})`;
    out.push(
      diagnostic(code, {
        file,
        jsonPath: pointerToJsonPath(pointer, base),
        message: `${lead}: ${messages.slice(0, 4).join('; or ')}${shown}`,
      }),
    );
  }
  return out;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `needs property "${String(p['missingProperty'])}"`;
    case 'additionalProperties':
      return `property "${String(p['additionalProperty'])}" is not allowed here`;
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[]).filter((v, i, a) => a.findIndex((w) => String(w).toLowerCase() === String(v).toLowerCase()) === i).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be of type ${Array.isArray(p['type']) ? (p['type'] as string[]).join(' or ') : String(p['type'])}`;
    case 'pattern':
      return String(p['pattern']).startsWith('^\\[')
        ? 'must be a template expression "[...]"'
        : `must match ${String(p['pattern'])}`;
    case 'minItems':
      return `needs at least ${String(p['limit'])} item(s)`;
    default:
      return e.message ?? e.keyword;
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
