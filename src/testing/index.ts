/**
 * Test helpers for policy authors (`ztpolicy/testing`): a control test reads like its intent.
 *
 *   import { expectPolicy, storageAccount, virtualMachine } from 'ztpolicy/testing';
 *   const policy = expectPolicy(minimumTls);                       // a Control, or any definition JSON
 *   policy.toDeny(storageAccount({ minimumTlsVersion: 'TLS1_0' }));
 *   policy.toBeCompliant(storageAccount());
 *   policy.toBeNotApplicable(virtualMachine());
 *   policy.withParameters({ effect: 'Audit' }).toAudit(storageAccount({ minimumTlsVersion: 'TLS1_1' }));
 *
 * Each assertion runs the offline evaluator and throws an Error whose message shows what was expected, what
 * the evaluator decided, the trace of conditions that decided it, and the resource — vitest, node:test, jest
 * or a plain script all report a thrown Error. Nothing here imports a test framework.
 */
import { getBuiltinDefinitionJson } from '../catalog/builtins.js';
import type { BuiltinPolicy } from '../catalog/types.js';
import { compileControl, isControl } from '../compiler/compile-control.js';
import type { Control } from '../dsl/control.js';
import { evaluatePolicy } from '../evaluator/index.js';
import type {
  EvaluationContext,
  EvaluationResult,
  EvaluatorOptions,
  ModifyOperationResult,
  PolicyDefinitionInput,
  RelatedLookup,
  RequestContextInput,
  AliasCatalogInput,
} from '../evaluator/types.js';
import { relatedLookupFrom, resolveInitiative, type LoadedDefinition } from '../io/evaluate-inputs.js';
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import { compileInitiative } from '../compiler/compile-initiative.js';
import type { Initiative } from '../dsl/initiative.js';

export * from './resources.js';

/**
 * What `expectPolicy` accepts: a control object, a typed built-in (`builtin.xyz` from the catalog: its vendored
 * definition is used), a compiled `{ document }`, or definition JSON.
 */
export type PolicyUnderTest = Control | BuiltinPolicy | { document: PolicyDefinitionInput } | PolicyDefinitionInput;

export interface PolicyTestOptions {
  /** Assignment parameter values ({ name: value }); declared defaults fill the rest. */
  parameters?: Record<string, unknown>;
  context?: EvaluationContext;
  requestContext?: RequestContextInput;
  apiVersion?: string;
  aliases?: AliasCatalogInput;
  /**
   * Related resources for auditIfNotExists/deployIfNotExists: a list of documents (matched by type, scope and
   * name like Azure's existence check) or a lookup function. Default: none exist.
   */
  related?: readonly object[] | RelatedLookup;
  evaluator?: EvaluatorOptions;
}

/** A modify/append operation the test expects; omitted keys are not compared. */
export type ExpectedOperation = Partial<Pick<ModifyOperationResult, 'operation' | 'field' | 'value'>>;

const compiledCache = new WeakMap<object, PolicyDefinitionInput>();

function toDefinition(policy: PolicyUnderTest): PolicyDefinitionInput {
  if (isControl(policy)) {
    const cached = compiledCache.get(policy);
    if (cached) return cached;
    const { document, diagnostics } = compileControl(policy);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      throw new Error(
        `control ${policy.controlId} (${policy.name}) does not compile:\n${errors.map((d) => `  ${d.code} ${d.message}${d.jsonPath ? ` at ${d.jsonPath}` : ''}`).join('\n')}`,
      );
    }
    const def = document as unknown as PolicyDefinitionInput;
    compiledCache.set(policy, def);
    return def;
  }
  if ((policy as { kind?: unknown }).kind === 'builtin-policy') {
    const guid = (policy as BuiltinPolicy).name;
    const doc = getBuiltinDefinitionJson(guid);
    if (!doc) throw new Error(`built-in policy ${guid} is not in the vendored catalog`);
    return doc as unknown as PolicyDefinitionInput;
  }
  if (typeof policy === 'object' && policy !== null && 'document' in policy && typeof (policy as { document: unknown }).document === 'object') {
    return (policy as { document: PolicyDefinitionInput }).document;
  }
  return policy as PolicyDefinitionInput;
}

function policyLabel(def: PolicyDefinitionInput): string {
  const props = def.properties ?? {};
  const meta = (props.metadata ?? {}) as { ztpolicy?: { controlId?: string } };
  const id = meta.ztpolicy?.controlId;
  const name = def.name ?? (typeof props.displayName === 'string' ? props.displayName : 'policy');
  return id ? `${id} (${name})` : String(name);
}

function resourceLabel(resource: unknown): string {
  const r = resource as { type?: unknown; name?: unknown; id?: unknown };
  return `${String(r?.type ?? 'resource')} '${String(r?.name ?? r?.id ?? '?')}'`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n  ... (${text.length - max} more characters)`;
}

/** The failure message: expectation, decision, trace, resource. */
export function explain(expectation: string, definition: PolicyDefinitionInput, resource: unknown, result: EvaluationResult): string {
  const lines = [
    `expected ${policyLabel(definition)} ${expectation} ${resourceLabel(resource)}`,
    `but the evaluator decided: effect=${result.effect ?? 'none'} compliance=${result.compliance} applicable=${result.applicable} matched=${result.matched}` +
      (result.declaredEffect ? ` (rule declares ${result.declaredEffect})` : ''),
  ];
  if (result.error) lines.push(`evaluation error ${result.error.code}: ${result.error.message}`);
  if (result.details !== undefined) lines.push(`details: ${truncate(JSON.stringify(result.details), 1500)}`);
  if (result.trace.length > 0) {
    lines.push('trace (which conditions decided):');
    for (const t of result.trace) lines.push(`  ${t.result ? 'true ' : 'false'}  ${t.path}: ${t.detail}`);
  } else {
    lines.push('trace: (empty)');
  }
  if (result.warnings.length > 0) lines.push(`warnings:\n${result.warnings.map((w) => `  ${w}`).join('\n')}`);
  lines.push(`resource:\n${truncate(JSON.stringify(resource, null, 2), 4000)}`);
  return lines.join('\n');
}

function operationsOf(result: EvaluationResult): ModifyOperationResult[] {
  const d = result.details as { operations?: unknown } | unknown[] | undefined;
  if (Array.isArray(d)) return d as ModifyOperationResult[];
  if (d && typeof d === 'object' && Array.isArray((d as { operations?: unknown }).operations)) return (d as { operations: ModifyOperationResult[] }).operations;
  return [];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export class PolicyExpectation {
  constructor(
    private readonly definition: PolicyDefinitionInput,
    private readonly options: PolicyTestOptions = {},
  ) {}

  /** A copy with these assignment parameter values (merged over the current ones). */
  withParameters(parameters: Record<string, unknown>): PolicyExpectation {
    return new PolicyExpectation(this.definition, { ...this.options, parameters: { ...this.options.parameters, ...parameters } });
  }

  /** A copy with this evaluation context (resource group, subscription, ...). */
  withContext(context: EvaluationContext): PolicyExpectation {
    return new PolicyExpectation(this.definition, { ...this.options, context });
  }

  /** A copy whose existence checks see these related resources. */
  withRelated(related: readonly object[] | RelatedLookup): PolicyExpectation {
    return new PolicyExpectation(this.definition, { ...this.options, related });
  }

  /** Runs the evaluator (no assertion). */
  evaluate(resource: object, overrides: PolicyTestOptions = {}): EvaluationResult {
    const o = { ...this.options, ...overrides };
    const related: RelatedLookup =
      typeof o.related === 'function' ? o.related : ((q) => relatedLookupFrom((o.related ?? []) as JsonObject[])(q)) as RelatedLookup;
    return evaluatePolicy({
      definition: this.definition,
      resource,
      related,
      ...(o.parameters ? { parameters: o.parameters } : {}),
      ...(o.context ? { context: o.context } : {}),
      ...(o.requestContext ? { requestContext: o.requestContext } : {}),
      ...(o.apiVersion ? { apiVersion: o.apiVersion } : {}),
      ...(o.aliases ? { aliases: o.aliases } : {}),
      ...(o.evaluator ? { options: o.evaluator } : {}),
    });
  }

  /**
   * Runs the evaluator and throws when `ok` does not hold. An evaluation error fails every assertion except
   * toDenyOnEvaluationError: Azure turns a failed evaluation into an implicit deny (errors.ts), so without this
   * a rule that merely errors would pass toDeny, and a broken control would look like a working guardrail.
   */
  private check(expectation: string, resource: object, ok: (r: EvaluationResult) => boolean, overrides?: PolicyTestOptions): EvaluationResult {
    const result = this.evaluate(resource, overrides);
    if (result.error) {
      throw new Error(
        `${explain(expectation, this.definition, resource, result)}
` +
          'the rule failed to evaluate, so no effect assertion holds (Azure would deny the request implicitly); ' +
          'fix the rule or the resource, or assert the failure with toDenyOnEvaluationError',
      );
    }
    if (!ok(result)) throw new Error(explain(expectation, this.definition, resource, result));
    return result;
  }

  /** The request would be denied by the rule's deny effect (an evaluation error fails this; see toDenyOnEvaluationError). */
  toDeny(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to deny', resource, (r) => r.effect === 'deny', options);
  }

  /**
   * The evaluation fails (a template function error, a type mismatch) and Azure therefore denies the request
   * implicitly (Learn, definition structure: "a failed evaluation is an implicit deny"). `code` (e.g. 'ZT5101')
   * pins which failure.
   */
  toDenyOnEvaluationError(resource: object, code?: string, options?: PolicyTestOptions): EvaluationResult {
    const expectation = `to fail evaluating${code ? ` with ${code}` : ''} (implicit deny)`;
    const result = this.evaluate(resource, options);
    if (!result.error || result.effect !== 'deny' || (code !== undefined && result.error.code !== code)) {
      throw new Error(explain(expectation, this.definition, resource, result));
    }
    return result;
  }

  /**
   * The request would go through: the policy applies and its effect is anything but deny (audit, modify and a
   * compliant resource included). A resource the policy does not apply to fails this unless
   * `orNotApplicable: true` is given, so a typo in a type condition cannot pass for an allowed request.
   */
  toAllow(resource: object, options?: PolicyTestOptions & { orNotApplicable?: boolean }): EvaluationResult {
    const { orNotApplicable = false, ...rest } = options ?? {};
    return this.check(
      orNotApplicable ? 'to allow (or not apply to)' : 'to allow',
      resource,
      (r) => r.effect !== 'deny' && (r.applicable || orNotApplicable),
      rest,
    );
  }

  /** The resource is applicable and compliant (the rule does not match, or the existence check is satisfied). */
  toBeCompliant(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to find compliant', resource, (r) => r.compliance === 'Compliant', options);
  }

  /** The resource is applicable and non-compliant, whatever the effect (useful with effect parameters). */
  toBeNonCompliant(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to find non-compliant', resource, (r) => r.compliance === 'NonCompliant', options);
  }

  /** The policy does not apply to the resource (mode, or the type/name/kind conditions exclude it). */
  toBeNotApplicable(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to be not applicable to', resource, (r) => r.compliance === 'NotApplicable', options);
  }

  toAudit(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to audit', resource, (r) => r.effect === 'audit', options);
  }

  /** Modify applies; when `operations` are given each must be among the evaluator's operations (subset match). */
  toModify(resource: object, operations?: readonly ExpectedOperation[], options?: PolicyTestOptions): EvaluationResult {
    const want = operations ?? [];
    return this.check(
      `to modify${want.length ? ` with ${JSON.stringify(want)}` : ''}`,
      resource,
      (r) =>
        r.effect === 'modify' &&
        want.every((w) =>
          operationsOf(r).some(
            (op) =>
              (w.operation === undefined || op.operation.toLowerCase() === w.operation.toLowerCase()) &&
              (w.field === undefined || op.field.toLowerCase() === w.field.toLowerCase()) &&
              (!('value' in w) || sameJson(op.value, w.value)),
          ),
        ),
      options,
    );
  }

  toAppend(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to append to', resource, (r) => r.effect === 'append', options);
  }

  /** auditIfNotExists applies: the `if` matched and no related resource satisfied the existence condition. */
  toAuditIfNotExists(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to audit (related resource missing)', resource, (r) => r.effect === 'auditifnotexists' && r.compliance === 'NonCompliant', options);
  }

  /** deployIfNotExists applies: the `if` matched and no related resource satisfied the existence condition. */
  toDeployIfNotExists(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to deploy (remediate) for', resource, (r) => r.effect === 'deployifnotexists' && r.compliance === 'NonCompliant', options);
  }

  toDenyAction(resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check('to deny the action on', resource, (r) => r.effect === 'denyaction', options);
  }

  /** Any effect by name, case-insensitive ('Deny', 'auditIfNotExists', ...). */
  toHaveEffect(effect: string, resource: object, options?: PolicyTestOptions): EvaluationResult {
    return this.check(`to have effect ${effect} on`, resource, (r) => r.effect === effect.toLowerCase(), options);
  }
}

const initiativeCache = new WeakMap<Initiative, JsonObject>();

function compiledInitiative(initiative: Initiative): JsonObject {
  const cached = initiativeCache.get(initiative);
  if (cached) return cached;
  const { document, diagnostics } = compileInitiative(initiative);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`initiative ${initiative.name} does not compile:\n${errors.map((d) => `  ${d.code} ${d.message}${d.jsonPath ? ` at ${d.jsonPath}` : ''}`).join('\n')}`);
  }
  const doc = document as unknown as JsonObject;
  initiativeCache.set(initiative, doc);
  return doc;
}

export interface MemberTestOptions {
  /** Assignment parameter values of the initiative ({ name: value }); its defaults fill the rest. */
  parameters?: Record<string, JsonValue>;
  /** The member's policyDefinitionReferenceId, when the initiative holds the same definition more than once. */
  referenceId?: string;
}

/**
 * Starts an expectation on one member of an initiative *as assigned*: the member's definition (the compiled
 * control, or the vendored built-in) with the parameter values the initiative passes it, `[parameters('x')]`
 * resolved against the initiative's assignment values and defaults the way ARM resolves them. This tests what the
 * initiative does, not only what the definition can do:
 *
 *   expectMember(storage, builtin.storageAccountsShouldPreventSharedKeyAccess).toAudit(storageAccount({ allowSharedKeyAccess: true }));
 *
 * Throws when the initiative does not compile, holds no such member (or several and no referenceId is given), or a
 * member parameter has no value (an initiative parameter without default that `parameters` does not set).
 */
export function expectMember(initiative: Initiative, target: Control | BuiltinPolicy, options: MemberTestOptions = {}): PolicyExpectation {
  const document = compiledInitiative(initiative);
  const definitions: LoadedDefinition[] = [];
  if (isControl(target)) {
    definitions.push({ kind: 'definition', name: target.name, document: toDefinition(target) as unknown as JsonObject, file: target.name, jsonPath: '$', origin: 'input' });
  }
  const { members, problems } = resolveInitiative(
    { kind: 'initiative', name: initiative.name, document, file: `initiative ${initiative.name}`, jsonPath: '$' },
    { definitions, initiatives: [], problems: [], files: [] },
    options.parameters ?? {},
    { builtin: (guid) => getBuiltinDefinitionJson(guid) },
  );
  const name = target.name.toLowerCase();
  const refs = ((document['properties'] as JsonObject)['policyDefinitions'] as JsonObject[]).filter(
    (r) => String(r['policyDefinitionId']).toLowerCase().endsWith(`/${name}`) && (options.referenceId === undefined || r['policyDefinitionReferenceId'] === options.referenceId),
  );
  const label = `${isControl(target) ? target.name : `built-in ${target.displayName} (${target.name})`} in initiative ${initiative.name}`;
  if (refs.length === 0) throw new Error(`${label}: no such member${options.referenceId ? ` with reference id ${options.referenceId}` : ''}`);
  if (refs.length > 1) {
    throw new Error(`${label}: ${refs.length} members (${refs.map((r) => String(r['policyDefinitionReferenceId'])).join(', ')}); pass referenceId`);
  }
  const refId = String(refs[0]!['policyDefinitionReferenceId']);
  const m = members.find((x) => x.referenceId === refId);
  if (!m) {
    const why = problems.filter((p) => p.message.includes(refId)).map((p) => p.message).join('; ');
    throw new Error(`${label}: member ${refId} cannot be resolved: ${why || 'unknown reason'}`);
  }
  return new PolicyExpectation(m.definition.document as unknown as PolicyDefinitionInput, { parameters: m.parameters });
}

/** Starts an expectation on a control (compiled on the fly, once) or on policy definition JSON. */
export function expectPolicy(policy: PolicyUnderTest, options: PolicyTestOptions = {}): PolicyExpectation {
  return new PolicyExpectation(toDefinition(policy), options);
}
