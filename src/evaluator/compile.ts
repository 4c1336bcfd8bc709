/**
 * Compiles a policy definition once into closures and runs it against resources: the CompiledPolicy class
 * (parameters, mode, the if/then run, effects applied, existence checks). Its parts live by job:
 *
 *   state.ts           options, alias resolution per (type, API version), evaluation and compile state
 *   conditions.ts      allOf/anyOf/not, field and value conditions with their operator (operators.ts)
 *   count.ts           field count and value count
 *   operands.ts        special fields, tags, aliases and paths, field() and current()
 *   template-calls.ts  "[...]" expressions: parameters(), resourceGroup() & co, every template function
 *   effects.ts         effect names, the then block and its details, the result object
 *   applicability.ts   mode, type/name/kind applicability, the types a rule can match
 *   parameters.ts      assignment values checked like Azure checks an assignment
 *   trace.ts           trace records, formatted when read
 *
 * compilePolicy(definition) checks the rule's shape (operators, count, expressions, parameters, effects) and
 * throws PolicyDefinitionError for a malformed rule. The returned CompiledPolicy evaluates one resource at a
 * time; aliases are resolved once per (resource type, API version) and cached. A runtime failure (a template
 * function error, an ordering type mismatch) turns into `{ effect: 'deny', error }`: Learn, "definition
 * structure policy rule": "a failed evaluation is an implicit deny".
 */
import type { AliasSource } from './aliases.js';
import { fold } from './case-fold.js';
import { EvaluationError, EvaluatorCode, ParameterValueError, PolicyDefinitionError } from './errors.js';
import { preview } from './operators.js';
import { TraceRecord } from './trace.js';
import type { ComplianceState, DefinitionParameter, EffectName, EvaluationContext, EvaluationResult, ExistenceCheck, ModifyOperationResult, PolicyDefinitionInput, RelatedLookup, RelatedQuery, RequestContextInput, TraceEntry } from './types.js';
import { deepEqual, getProp, isObject, typeName } from './values.js';
import { compileApplicability, hasLocationField, modeApplies, requiredTypes } from './applicability.js';
import { compileCondition } from './conditions.js';
import { type CompiledThen, type Out, compileThen, effectNamed, evalDetails, hitResult, makeResult } from './effects.js';
import { currentFieldValue } from './operands.js';
import { checkAllowed, checkType } from './parameters.js';
import { type CompileCtx, type Cond, type ResolvedOptions, type ResourceRef, type Run, type State, keyOf, shapeError, typeContextFor } from './state.js';
import { contextClock, ctxOf } from './template-calls.js';

export interface CompileInput {
  definition?: PolicyDefinitionInput;
  policyRule?: unknown;
}

export interface RunInput {
  parameters?: Record<string, unknown> | undefined;
  apiVersion?: string | undefined;
  requestContext?: RequestContextInput | undefined;
  context?: EvaluationContext | undefined;
  related?: RelatedLookup | undefined;
  /** Overrides the compiled policy's trace option for this call. */
  trace?: boolean;
}

export class CompiledPolicy {
  /** 'all' | 'indexed' */
  readonly mode: 'all' | 'indexed';
  /** Literal effect, when the rule does not take it from a parameter. */
  readonly literalEffect: EffectName | undefined;
  /** Resource types (lower-case) the rule can match, or undefined for any. */
  readonly resourceTypes: readonly string[] | undefined;
  private readonly typeSet: ReadonlySet<string> | undefined;
  readonly name: string | undefined;
  readonly declared: ReadonlyMap<string, { name: string; decl: DefinitionParameter }> | undefined;
  private readonly cond: Cond;
  private readonly appl: Cond | undefined;
  /** The rule has a `location` field condition: Learn (applicability) makes it not applicable to subscriptions. */
  private readonly hasLocationCondition: boolean;
  private readonly then: CompiledThen;
  private paramCache = new WeakMap<object, Run['params']>();
  private emptyParams: Run['params'] | undefined;

  constructor(
    input: CompileInput,
    readonly options: ResolvedOptions,
    readonly aliases: AliasSource,
  ) {
    const { rule, parameters, mode, name } = unpackDefinition(input, options);
    this.mode = mode;
    this.name = name;
    this.declared = parameters;
    const c: CompileCtx = { opts: options, declared: parameters, aliases, countDepth: 0, noResourceFunctions: false, exprCount: 0 };
    const ifKey = keyOf(rule, 'if');
    const thenKey = keyOf(rule, 'then');
    if (ifKey === undefined) throw shapeError('policyRule', 'policyRule.if is required');
    if (thenKey === undefined) throw shapeError('policyRule', 'policyRule.then is required');
    const extra = Object.keys(rule).filter((k) => k !== ifKey && k !== thenKey);
    if (extra.length) throw shapeError('policyRule', `unknown key(s) in policyRule: ${extra.join(', ')}`);
    this.cond = compileCondition(rule[ifKey], c, 'if');
    this.then = compileThen(rule[thenKey], c, 'then');
    this.literalEffect = this.then.literalEffect;
    this.appl = compileApplicability(rule[ifKey], c);
    this.hasLocationCondition = hasLocationField(rule[ifKey]);
    this.resourceTypes = requiredTypes(rule[ifKey]);
    this.typeSet = this.resourceTypes ? new Set(this.resourceTypes) : undefined;
  }

  /**
   * Checks assignment parameter values against the declared parameters the way Azure checks an assignment
   * (required value, allowedValues, type) and throws ParameterValueError (ZT5007/ZT5008/ZT5009) when Azure would
   * refuse it. Cached per parameters object, so calling it before a loop costs nothing in the loop.
   */
  checkParameters(values?: Record<string, unknown>): void {
    this.paramsFor(values);
  }

  /** Resolved values; built (and checked) once per parameters object: a WeakMap keeps the hot path a lookup. */
  private paramsFor(values: Record<string, unknown> | undefined): Run['params'] {
    if (!values) return (this.emptyParams ??= this.buildParams(undefined));
    let p = this.paramCache.get(values);
    if (!p) this.paramCache.set(values, (p = this.buildParams(values)));
    return p;
  }

  private buildParams(values: Record<string, unknown> | undefined): Run['params'] {
    const out = new Map<string, { value: unknown } | { missing: true; name: string }>();
    const given = new Map<string, unknown>();
    for (const [k, v] of Object.entries(values ?? {})) given.set(fold(k), v);
    if (!this.declared) {
      for (const [k, v] of given) out.set(k, { value: v });
      return out;
    }
    const strict = this.options.strictParameters;
    const missing: string[] = [];
    for (const [k, { name, decl }] of this.declared) {
      if (given.has(k)) {
        let v = given.get(k);
        // ARM parameter files wrap values: { "p": { "value": ... } }.
        if (isObject(v) && Object.keys(v).length === 1 && 'value' in v && fold(decl.type ?? '') !== 'object') v = v['value'];
        if (strict) checkType(name, decl, v);
        checkAllowed(name, decl, v);
        out.set(k, { value: v });
      } else if (decl.defaultValue !== undefined) out.set(k, { value: decl.defaultValue });
      else {
        out.set(k, { missing: true, name });
        missing.push(name);
      }
    }
    // Semantics note §2 (evaluator contract): assignment value -> defaultValue -> error. Azure refuses to create
    // an assignment that leaves a parameter without defaultValue unset, whether or not the rule would read it
    // for a given resource (e.g. only inside an existenceCondition), so strict mode reports it up front.
    if (strict && missing.length > 0) {
      const list = missing.map((m) => `'${m}'`).join(', ');
      throw new ParameterValueError(
        EvaluatorCode.parameterMissing,
        `${missing.length === 1 ? 'parameter' : 'parameters'} ${list} ${missing.length === 1 ? 'has' : 'have'} no value and no defaultValue; Azure refuses such an assignment`,
        missing,
        { hint: `pass a value in parameters (e.g. { ${missing.map((m) => `"${m}": ...`).join(', ')} }) or declare a defaultValue in the definition` },
      );
    }
    return out;
  }

  /** Evaluates one resource. Throws PolicyDefinitionError for problems of the definition or its parameters. */
  evaluate(resourceInput: unknown, run: RunInput = {}): EvaluationResult {
    if (!isObject(resourceInput)) {
      throw new PolicyDefinitionError(EvaluatorCode.ruleShape, `a resource must be a JSON object, got ${typeName(resourceInput)}`, {
        hint: 'pass the ARM resource document as GET returns it',
      });
    }
    const doc = resourceInput;
    const opts = this.options;
    const type = getProp(doc, 'type');
    const typeStr = typeof type === 'string' ? type : '';
    // An ARM template resource names its request API version; a GET document does not (then: default paths).
    const ownApi = run.apiVersion === undefined ? getProp(doc, 'apiVersion') : undefined;
    const apiVersion = run.apiVersion ?? (typeof ownApi === 'string' ? ownApi : undefined);
    const tctx = typeContextFor(this.aliases, typeStr, apiVersion);
    const trace: TraceEntry[] | undefined = (run.trace ?? opts.trace) ? [] : undefined;
    const warnings: string[] = [];
    // Results share one frozen empty array when there is nothing to report (keeps the hot path allocation-free).
    const base: Out = { trace, warnings };
    // Parameters first (cached per parameters object): an assignment Azure would refuse has no results at all,
    // not even NotApplicable ones.
    const params = this.paramsFor(run.parameters);

    // Mode (Learn, definition basics): Indexed evaluates only types supporting tags and location.
    if (opts.applicability && (!modeApplies(this.mode, typeStr, doc, tctx) || (this.hasLocationCondition && tctx.typeLower === 'microsoft.resources/subscriptions'))) {
      trace?.push({ path: 'mode', result: false, detail: `mode ${this.mode} does not evaluate ${typeStr || 'this resource'}` });
      return makeResult(undefined, undefined, this.literalEffect, undefined, false, false, 'NotApplicable', base);
    }

    const runState: Run = {
      params,
      ctxCache: undefined,
      ctxInput: { doc, run: apiVersion === run.apiVersion ? run : { ...run, apiVersion }, name: this.name },
      env: contextClock(run.context, opts),
      opts,
      warnings,
      aliases: this.aliases,
      apiVersion,
    };
    const ref: ResourceRef = { doc, tctx };
    const s: State = { res: ref, fnRes: ref, scopes: [], run: runState, trace };
    let effectWritten: string | undefined;
    // The rule can only match the types in resourceTypes (every match requires one of them), and for any other type
    // Learn's type-based applicability gives NotApplicable: the type condition that excludes it is evaluated by the
    // applicability check too. So the conditions need not run; in a plain evaluatePolicy loop over many policies
    // most pairs are of this kind (issue 10).
    const typeExcluded = opts.applicability && this.typeSet !== undefined && !this.typeSet.has(tctx.typeLower);
    try {
      let matched = false;
      if (typeExcluded) trace?.push(new TraceRecord('if', false, 'type', typeStr, 'is not one of the types the rule can match', this.resourceTypes));
      else matched = this.cond(s);
      const effectValue = this.then.effect(s);
      if (typeof effectValue !== 'string') throw new EvaluationError(EvaluatorCode.badEffect, `effect must be a string, got ${typeName(effectValue)}`);
      effectWritten = effectValue;
      const effect = effectNamed(effectValue);
      if (!effect) throw new EvaluationError(EvaluatorCode.badEffect, `unknown effect '${effectValue}'`);
      if (!matched) {
        let applicable = !typeExcluded;
        if (applicable && opts.applicability && this.appl && effect !== 'auditifnotexists' && effect !== 'deployifnotexists') {
          const t2: State = s.trace ? { res: s.res, fnRes: s.fnRes, scopes: [], run: s.run, trace: undefined } : s;
          applicable = this.appl(t2);
        }
        // Learn (applicability): auditIfNotExists/deployIfNotExists apply only when the whole `if` is true.
        if (effect === 'auditifnotexists' || effect === 'deployifnotexists') applicable = false;
        const compliance: ComplianceState = applicable ? 'Compliant' : 'NotApplicable';
        return makeResult(undefined, effectValue, effect, undefined, false, applicable, compliance, base);
      }
      return this.applyEffect(effect, effectValue, s, run, base);
    } catch (e) {
      if (e instanceof EvaluationError) {
        trace?.push({ path: 'error', result: true, detail: e.message });
        const r = makeResult('deny', effectWritten, this.literalEffect, undefined, false, true, 'Error', base);
        r.error = { code: e.code, message: e.message };
        return r;
      }
      throw e;
    }
  }

  private applyEffect(effect: EffectName, written: string, s: State, run: RunInput, base: Out): EvaluationResult {
    // Module functions rather than closures: this runs for every matched resource.
    const t = this.then;
    switch (effect) {
      case 'disabled':
        // Learn (disabled effect): the rule is not evaluated; default state Compliant.
        return makeResult(undefined, written, effect, undefined, true, true, 'Compliant', base);
      case 'append': {
        const list = t.appendList?.map((d) => ({ field: d.field, value: d.value(s) }));
        // Learn (append effect): appending over an existing, different value of a non-[*] field acts as deny.
        for (const d of list ?? []) {
          if (d.field.includes('[*]')) continue;
          const current = currentFieldValue(d.field, s);
          if (current !== undefined && !deepEqual(current, d.value)) {
            s.trace?.push({ path: 'then.details', result: true, detail: `append would change ${d.field} from ${preview(current)} to ${preview(d.value)}: acts as deny` });
            return makeResult('deny', written, effect, { conflict: { field: d.field, current, value: d.value }, append: list }, true, true, 'NonCompliant', base);
          }
        }
        return hitResult(effect, written, base, list);
      }
      case 'modify': {
        if (t.operations?.some((op) => fold(op.field) === 'identity.type')) {
          // Learn (modify effect): identity.type can be modified on VMs and VM scale sets only; elsewhere the
          // policy is not applicable.
          const type = s.res.tctx.typeLower;
          if (type !== 'microsoft.compute/virtualmachines' && type !== 'microsoft.compute/virtualmachinescalesets') {
            return makeResult(undefined, written, effect, undefined, true, false, 'NotApplicable', base);
          }
        }
        const d = evalDetails(t, s) ?? {};
        if (t.operations) {
          const ops: ModifyOperationResult[] = [];
          const skipped: ModifyOperationResult[] = [];
          for (const op of t.operations) {
            const o: ModifyOperationResult = { operation: op.operation, field: op.field };
            if (op.value) o.value = op.value(s);
            if (op.condition) {
              o.condition = op.condition.text;
              const cv = op.condition.f(s);
              if (cv !== true && !(typeof cv === 'string' && cv.toLowerCase() === 'true')) {
                skipped.push(o);
                continue;
              }
            }
            if (op.operation === 'add' && !op.field.includes('[*]')) {
              // A13: `add` over an existing, different value: Learn says add "behaves similar to append" but not
              // whether it overwrites; default skip (value kept) with a warning, option modifyAddExisting: 'deny'.
              const current = currentFieldValue(op.field, s);
              if (current !== undefined && !deepEqual(current, o.value)) {
                if (s.run.opts.modifyAddExisting === 'deny') {
                  return makeResult('deny', written, effect, { conflict: { field: op.field, current, value: o.value }, operations: ops }, true, true, 'NonCompliant', base);
                }
                s.run.warnings.push(`modify add on ${op.field} skipped: it already has the value ${preview(current)}`);
                skipped.push(o);
                continue;
              }
            }
            ops.push(o);
          }
          d['operations'] = ops;
          if (skipped.length) d['skippedOperations'] = skipped;
        }
        if (t.details && d['conflictEffect'] === undefined) d['conflictEffect'] = 'deny';
        return hitResult(effect, written, base, t.details || t.operations ? d : undefined);
      }
      case 'auditifnotexists':
      case 'deployifnotexists': {
        const d = evalDetails(t, s) ?? {};
        if (t.deployment) d['deployment'] = t.deployment(s);
        const check = this.existence(d, s, run);
        d['existenceCheck'] = check;
        if (check.checked && check.satisfiedBy !== null) {
          s.trace?.push({ path: 'then.details.existenceCondition', result: true, detail: `related resource #${check.satisfiedBy} satisfies the existence condition` });
          return makeResult(undefined, written, effect, d, true, true, 'Compliant', base);
        }
        return hitResult(effect, written, base, d, check.checked ? 'NonCompliant' : 'Unknown');
      }
      case 'manual': {
        const d = evalDetails(t, s);
        const state = String(d?.['defaultState'] ?? 'Unknown').toLowerCase();
        return hitResult(effect, written, base, d, state === 'compliant' ? 'Compliant' : state === 'noncompliant' || state === 'non-compliant' ? 'NonCompliant' : 'Unknown');
      }
      default:
        return hitResult(effect, written, base, evalDetails(t, s));
    }
  }

  private existence(d: Record<string, unknown>, s: State, run: RunInput): ExistenceCheck {
    const doc = s.res.doc;
    const relType = typeof d['type'] === 'string' ? d['type'] : typeof getProp(doc, 'type') === 'string' ? (getProp(doc, 'type') as string) : '';
    const ownType = String(getProp(doc, 'type') ?? '');
    const scopeText = String(d['existenceScope'] ?? '').toLowerCase();
    const isChild = ownType !== '' && fold(relType).startsWith(fold(ownType) + '/');
    const query: RelatedQuery = {
      type: relType,
      scope: isChild ? 'resource' : scopeText === 'subscription' ? 'subscription' : 'resourceGroup',
      resource: doc,
      ...(typeof d['name'] === 'string' ? { name: d['name'] } : {}),
      ...(typeof d['resourceGroupName'] === 'string'
        ? { resourceGroupName: d['resourceGroupName'] }
        : typeof ctxOf(s.run).resourceGroup['name'] === 'string' && ctxOf(s.run).resourceGroup['name']
          ? { resourceGroupName: ctxOf(s.run).resourceGroup['name'] as string }
          : {}),
      ...(typeof ctxOf(s.run).subscription['subscriptionId'] === 'string' ? { subscriptionId: ctxOf(s.run).subscription['subscriptionId'] as string } : {}),
      ...(typeof getProp(doc, 'id') === 'string' ? { resourceId: getProp(doc, 'id') as string } : {}),
    };
    if (!run.related) return { checked: false, query, candidates: 0, satisfiedBy: null };
    const answer = run.related(query);
    const list = Array.isArray(answer) ? answer : answer ? [answer] : [];
    const cond = this.then.existenceCondition;
    for (let i = 0; i < list.length; i++) {
      const rel = list[i];
      if (!isObject(rel)) continue;
      if (!cond) return { checked: true, query, candidates: list.length, satisfiedBy: i };
      // Plain field conditions read the related resource; field() still reads the `if` resource (Learn).
      const relType2 = getProp(rel, 'type');
      const relRef: ResourceRef = { doc: rel, tctx: typeContextFor(this.aliases, typeof relType2 === 'string' ? relType2 : relType, undefined) };
      const s2: State = { res: relRef, fnRes: s.fnRes, scopes: [], run: s.run, trace: s.trace };
      if (cond(s2)) return { checked: true, query, candidates: list.length, satisfiedBy: i };
    }
    return { checked: true, query, candidates: list.length, satisfiedBy: null };
  }
}

function unpackDefinition(
  input: CompileInput,
  opts: ResolvedOptions,
): { rule: Record<string, unknown>; parameters: CompiledPolicy['declared']; mode: 'all' | 'indexed'; name: string | undefined } {
  let rule: unknown = input.policyRule;
  let declared: Record<string, DefinitionParameter> | undefined;
  let modeText: unknown;
  let name: string | undefined;
  if (input.definition !== undefined) {
    const d = input.definition as unknown;
    if (!isObject(d)) throw shapeError('definition', `a policy definition must be an object, got ${typeName(d)}`);
    const props = isObject(d['properties']) ? d['properties'] : d;
    rule = props['policyRule'] ?? rule;
    if (rule === undefined) throw shapeError('definition.properties', 'the definition has no policyRule');
    const p = props['parameters'];
    if (p !== undefined && !isObject(p)) throw shapeError('definition.properties.parameters', 'parameters must be an object');
    declared = (p as Record<string, DefinitionParameter> | undefined) ?? {};
    modeText = props['mode'];
    if (typeof d['name'] === 'string') name = d['name'];
  }
  if (!isObject(rule)) throw shapeError('policyRule', `policyRule must be an object, got ${typeName(rule)}`);
  let mode: 'all' | 'indexed' = opts.defaultMode;
  if (modeText !== undefined && modeText !== null) {
    const m = String(modeText).toLowerCase();
    if (m === 'all') mode = 'all';
    else if (m === 'indexed') mode = 'indexed';
    else {
      throw new PolicyDefinitionError(EvaluatorCode.unsupportedMode, `mode '${String(modeText)}' is not supported offline`, {
        hint: 'resource provider modes (Microsoft.Kubernetes.Data, …) are evaluated by the resource provider',
      });
    }
  }
  let parameters: CompiledPolicy['declared'];
  if (declared) {
    const m = new Map<string, { name: string; decl: DefinitionParameter }>();
    for (const [k, v] of Object.entries(declared)) m.set(fold(k), { name: k, decl: isObject(v) ? (v as DefinitionParameter) : {} });
    parameters = m;
  }
  return { rule, parameters, mode, name };
}
