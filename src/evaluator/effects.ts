/**
 * Effects and their details: the effect names, the `then` block compiled (append list, modify operations,
 * existence condition, deployment), and the result object every evaluation returns.
 */
import { EvaluatorCode, PolicyDefinitionError } from './errors.js';
import { isExpression } from './expression-parser.js';
import { preview } from './operators.js';
import type { ComplianceState, EffectName, EvaluationResult, TraceEntry } from './types.js';
import { isObject, setOwn, typeName } from './values.js';
import { compileCondition } from './conditions.js';
import { type CompileCtx, type Cond, type Expr, type State, keyOf, shapeError } from './state.js';
import { compileValue } from './template-calls.js';

const EFFECTS: Record<string, EffectName> = {
  audit: 'audit',
  deny: 'deny',
  append: 'append',
  modify: 'modify',
  auditifnotexists: 'auditifnotexists',
  deployifnotexists: 'deployifnotexists',
  denyaction: 'denyaction',
  // Not on the Learn effect pages, but built-ins use it (the Azure Policy linter names it): audit an action.
  auditaction: 'auditaction',
  manual: 'manual',
  disabled: 'disabled',
  mutate: 'mutate',
  addtonetworkgroup: 'addtonetworkgroup',
};

export interface CompiledThen {
  effect: Expr;
  literalEffect: EffectName | undefined;
  appendList?: { field: string; value: Expr }[];
  details?: Record<string, Expr>;
  operations?: { operation: 'add' | 'addOrReplace' | 'remove'; field: string; value?: Expr; condition?: { text: string; f: Expr } }[];
  existenceCondition?: Cond;
  deployment?: Expr;
}

/** The canonical effect for a spelling, or undefined; own keys only (an effect named "constructor" is unknown). */
export function effectNamed(spelling: string): EffectName | undefined {
  // Memoized per spelling: the effect is evaluated for every resource, and there are only a few spellings.
  let hit = effectSpellings.get(spelling);
  if (hit === undefined) {
    const key = spelling.toLowerCase();
    hit = Object.prototype.hasOwnProperty.call(EFFECTS, key) ? EFFECTS[key]! : null;
    if (effectSpellings.size < 1000) effectSpellings.set(spelling, hit);
  }
  return hit ?? undefined;
}

const effectSpellings = new Map<string, EffectName | null>();

const OPERATION_NAMES: Record<string, 'add' | 'addOrReplace' | 'remove'> = { add: 'add', addorreplace: 'addOrReplace', remove: 'remove' };

export function compileThen(then: unknown, c: CompileCtx, path: string): CompiledThen {
  if (!isObject(then)) throw shapeError(path, `then must be an object, got ${typeName(then)}`);
  const ek = keyOf(then, 'effect');
  if (ek === undefined) throw shapeError(path, 'then.effect is required');
  const e = then[ek];
  if (typeof e !== 'string') throw shapeError(`${path}.${ek}`, `effect must be a string, got ${typeName(e)}`);
  let literalEffect: EffectName | undefined;
  if (!isExpression(e)) {
    literalEffect = effectNamed(e);
    if (!literalEffect) throw shapeError(`${path}.${ek}`, `unknown effect '${e}'`, `effects: ${Object.values(EFFECTS).join(', ')}`);
  }
  const out: CompiledThen = { effect: compileValue(e, c, `${path}.${ek}`), literalEffect };
  const dk = keyOf(then, 'details');
  if (dk === undefined) return out;
  const details = then[dk];
  const dpath = `${path}.${dk}`;
  if (Array.isArray(details)) {
    out.appendList = details.map((d, i) => {
      if (!isObject(d) || typeof d['field'] !== 'string' || !('value' in d)) {
        throw shapeError(`${dpath}[${i}]`, 'append details entries are { "field": ..., "value": ... }');
      }
      return { field: d['field'], value: compileValue(d['value'], c, `${dpath}[${i}].value`) };
    });
    return out;
  }
  if (!isObject(details)) throw shapeError(dpath, `details must be an object or (append) an array, got ${typeName(details)}`);
  out.details = {};
  for (const [k, v] of Object.entries(details)) {
    const lk = k.toLowerCase();
    if (lk === 'existencecondition') {
      out.existenceCondition = compileCondition(v, c, `${dpath}.${k}`);
    } else if (lk === 'operations') {
      if (!Array.isArray(v)) throw shapeError(`${dpath}.${k}`, 'modify operations must be an array');
      out.operations = v.map((op, i) => compileOperation(op, c, `${dpath}.${k}[${i}]`));
    } else if (lk === 'deployment') {
      out.deployment = compileDeployment(v, c, `${dpath}.${k}`);
    } else {
      setOwn(out.details, k, compileValue(v, c, `${dpath}.${k}`));
    }
  }
  return out;
}

function compileOperation(op: unknown, c: CompileCtx, path: string): NonNullable<CompiledThen['operations']>[number] {
  if (!isObject(op)) throw shapeError(path, 'a modify operation must be an object');
  const opText = String(op['operation'] ?? '').toLowerCase();
  const name = Object.prototype.hasOwnProperty.call(OPERATION_NAMES, opText) ? OPERATION_NAMES[opText] : undefined;
  if (!name) throw shapeError(`${path}.operation`, `operation must be add, addOrReplace or remove, got ${preview(op['operation'])}`);
  const field = op['field'];
  if (typeof field !== 'string') throw shapeError(`${path}.field`, 'operation field must be a string');
  if (name !== 'remove' && !('value' in op)) throw shapeError(path, `${name} needs a value`);
  if (!isExpression(field) && field.includes('/')) {
    // Learn, modify effect: only aliases marked Modifiable may be modified.
    const alias = c.aliases.findAlias(field);
    if (alias && alias.modifiable === false) {
      throw new PolicyDefinitionError(EvaluatorCode.ruleShape, `alias ${field} is not modifiable and cannot be used in a modify operation (at ${path}.field)`, {
        jsonPath: `${path}.field`,
        hint: 'use an alias whose metadata attributes include Modifiable (Get-AzPolicyAlias | where Attributes -eq Modifiable)',
      });
    }
  }
  const result: NonNullable<CompiledThen['operations']>[number] = { operation: name, field };
  if ('value' in op) result.value = compileValue(op['value'], c, `${path}.value`);
  if (op['condition'] !== undefined) {
    const text = op['condition'];
    if (typeof text !== 'string' && typeof text !== 'boolean') throw shapeError(`${path}.condition`, 'condition must be a boolean expression string');
    const prev = c.noResourceFunctions;
    // Learn (modify effect) forbids field()/resourceGroup()/subscription() in an operation condition, but the public
    // conformance suite uses field() there; the evaluator accepts it and leaves the rejection to authoring checks.
    c.noResourceFunctions = false;
    result.condition = { text: String(text), f: compileValue(text, c, `${path}.condition`) };
    c.noResourceFunctions = prev;
  }
  return result;
}

/** DINE deployment: only properties.parameters values are policy expressions; the template is ARM's. */
function compileDeployment(v: unknown, c: CompileCtx, path: string): Expr {
  if (!isObject(v)) return () => v;
  const props = v['properties'];
  if (!isObject(props) || !isObject(props['parameters'])) return () => v;
  const params = compileValue(props['parameters'], c, `${path}.properties.parameters`);
  return (s) => ({ ...v, properties: { ...props, parameters: params(s) } });
}

/** The effect applies: matched, applicable, NonCompliant unless said otherwise. */
export function hitResult(effect: EffectName, written: string, base: Out, details: unknown, compliance: ComplianceState = 'NonCompliant'): EvaluationResult {
  return makeResult(effect, written, effect, details, true, true, compliance, base);
}

/** The effect's details other than existenceCondition/operations/deployment, evaluated for this resource. */
export function evalDetails(t: CompiledThen, s: State): Record<string, unknown> | undefined {
  if (!t.details) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(t.details)) setOwn(out, k, t.details[k]!(s));
  return out;
}

const NO_TRACE: readonly never[] = Object.freeze([]);

export interface Out {
  trace: TraceEntry[] | undefined;
  warnings: string[];
}

/** One shape for every result (fast property access; no spreads on the hot path). */
export function makeResult(
  effect: EffectName | undefined,
  effectAsWritten: string | undefined,
  declaredEffect: EffectName | undefined,
  details: unknown,
  matched: boolean,
  applicable: boolean,
  compliance: ComplianceState,
  out: Out,
): EvaluationResult {
  return {
    effect,
    effectAsWritten,
    declaredEffect,
    details,
    matched,
    applicable,
    compliance,
    // Untraced results share one frozen empty array.
    trace: out.trace ?? (NO_TRACE as unknown as TraceEntry[]),
    warnings: out.warnings.length ? out.warnings : (NO_TRACE as unknown as string[]),
    error: undefined,
  };
}
