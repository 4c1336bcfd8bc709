/**
 * Request bodies validated against the REST specs in ../shared/azure/rest-specs (Azure/azure-rest-api-specs,
 * MIT): the swagger `definitions` of each PUT/PATCH body, with their cross-file `$ref`s, compiled by ajv
 * (draft-04, the dialect swagger 2.0 schemas follow).
 *
 * Adjustments, each mirroring how ARM reads a body rather than the letter of swagger:
 * - enums compare case-insensitively (ARM accepts `string` for `String`; built-ins use lower case), and
 *   enums marked `x-ms-enum.modelAsString: true` are extensible, so they are not enforced here (the
 *   handlers check the values that matter);
 * - `null` values are dropped before validation (ARM treats an explicit null as absent; `x-nullable`);
 * - a bare `type: object` (no properties) means any JSON value, as AutoRest reads it;
 * - formats (uuid, date-time, int32) are not checked; read-only properties are ignored, as ARM does.
 * A failure is 400 InvalidRequestContent, ARM's code for a body it cannot deserialize.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import AjvModule from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { badRequest } from './arm-error.js';
import { isObject } from './util.js';

// ajv-draft-04 is CommonJS with `exports.default = Ajv`: under NodeNext the default import is the module object.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;

const AUTH = 'resources/resource-manager/Microsoft.Authorization';

/** `<namespace>/<type>` + method -> [spec file under specification/, definition name]. */
const BODY_SCHEMAS: Readonly<Record<string, readonly [string, string]>> = {
  'PUT microsoft.authorization/policydefinitions': [`${AUTH}/stable/2024-05-01/policyDefinitions.json`, 'PolicyDefinition'],
  'PUT microsoft.authorization/policysetdefinitions': [`${AUTH}/stable/2024-05-01/policySetDefinitions.json`, 'PolicySetDefinition'],
  'PUT microsoft.authorization/policyassignments': [`${AUTH}/stable/2024-05-01/policyAssignments.json`, 'PolicyAssignment'],
  'PATCH microsoft.authorization/policyassignments': [`${AUTH}/stable/2024-05-01/policyAssignments.json`, 'PolicyAssignmentUpdate'],
  'PUT microsoft.authorization/policyexemptions': [`${AUTH}/preview/2022-07-01-preview/policyExemptions.json`, 'PolicyExemption'],
  'PUT microsoft.authorization/roleassignments': ['authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json', 'RoleAssignmentCreateParameters'],
  'PUT microsoft.security/pricings': ['security/resource-manager/Microsoft.Security/stable/2024-01-01/pricings.json', 'Pricing'],
  'PUT microsoft.policyinsights/remediations': ['policyinsights/resource-manager/Microsoft.PolicyInsights/stable/2024-10-01/remediations.json', 'Remediation'],
};

export class SpecValidator {
  private readonly ajv;
  private readonly loaded = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly specRoot: string) {
    this.ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false, validateSchema: false });
    this.ajv.addKeyword({
      keyword: 'enumCi',
      type: 'string',
      schemaType: 'array',
      validate: (allowed: unknown[], data: string) => allowed.some((a) => typeof a === 'string' && a.toLowerCase() === data.toLowerCase()),
      errors: false,
    });
  }

  /** Loads a spec file and, transitively, every file it references. */
  private load(file: string): string {
    const abs = path.resolve(file);
    const id = pathToFileURL(abs).href;
    if (this.loaded.has(abs)) return id;
    this.loaded.add(abs);
    // Only `definitions` matter for bodies; `paths` would drag in x-ms-examples files whose `id` members
    // ajv would read as schema ids.
    const spec = JSON.parse(readFileSync(abs, 'utf8')) as { definitions?: unknown };
    const json = { definitions: adapt(spec.definitions ?? {}) } as Record<string, unknown>;
    const refs = new Set<string>();
    collectFileRefs(json, refs);
    this.ajv.addSchema({ ...json, id }, id);
    for (const r of refs) this.load(path.resolve(path.dirname(abs), r));
    return id;
  }

  validator(key: string): ValidateFunction | undefined {
    const target = BODY_SCHEMAS[key];
    if (!target) return undefined;
    let v = this.compiled.get(key);
    if (!v) {
      const id = this.load(path.join(this.specRoot, target[0]));
      v = this.ajv.compile({ $ref: `${id}#/definitions/${target[1]}` });
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Throws 400 InvalidRequestContent when `body` does not match the spec schema of `method type`. */
  check(method: string, type: string, body: unknown): void {
    if (body === undefined) return;
    const v = this.validator(`${method} ${type}`);
    if (!v) return;
    if (v(withoutNulls(body))) return;
    const e = v.errors?.[0] as ErrorObject | undefined;
    const where = e ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)' : '(body)';
    const what = e ? describe(e) : 'does not match the schema';
    throw badRequest('InvalidRequestContent', `The request content was invalid and could not be deserialized: '${where}' ${what} (${BODY_SCHEMAS[`${method} ${type}`]![1]} in the REST spec).`);
  }
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return `is missing required member '${String((e.params as { missingProperty?: string }).missingProperty)}'`;
  if (e.keyword === 'enumCi') return 'has a value outside the allowed values';
  return e.message ?? 'is invalid';
}

/** Case-insensitive closed enums, no enforcement of extensible (modelAsString) enums. */
function adapt(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adapt);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' ? v : adapt(v);
  // Swagger writes "any value" as a bare `type: object` (allowedValues items, defaultValue, policyRule,
  // metadata): AutoRest maps it to `any`, and ARM takes any JSON there.
  if (out.type === 'object' && out.properties === undefined && out.additionalProperties === undefined && out.allOf === undefined) delete out.type;
  if (Array.isArray(out.enum) && out.enum.every((x) => typeof x === 'string')) {
    const ext = out['x-ms-enum'];
    const extensible = isObject(ext) && ext.modelAsString === true;
    if (!extensible) out.enumCi = out.enum;
    delete out.enum;
  }
  return out;
}

function collectFileRefs(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) collectFileRefs(x, out);
    return;
  }
  if (!isObject(node)) return;
  const ref = node.$ref;
  if (typeof ref === 'string' && !ref.startsWith('#')) out.add(ref.split('#')[0]!);
  for (const v of Object.values(node)) collectFileRefs(v, out);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

const validators = new Map<string, SpecValidator>();

/** One validator per spec folder per process (compiling the schemas costs a few hundred ms). */
export function specValidator(specRoot: string): SpecValidator {
  const key = path.resolve(specRoot);
  let v = validators.get(key);
  if (!v) {
    v = new SpecValidator(key);
    validators.set(key, v);
  }
  return v;
}
