/**
 * Conditions: allOf/anyOf/not and the leaf conditions on field and value with their operator (operators.ts).
 * Count conditions are in count.ts.
 */
import { fold, normalizeLocation } from './case-fold.js';
import { EvaluationError, EvaluatorCode } from './errors.js';
import { isExpression } from './expression-parser.js';
import { collect, getAt, hasWildcard, parseField, type FieldSpec, type Segment } from './fields.js';
import { OPERATOR_FNS, OPERATOR_SPELLING, lookupOperator, preview, type OperatorOptions } from './operators.js';
import { TraceRecord } from './trace.js';
import { isObject, typeName } from './values.js';
import { compileCount } from './count.js';
import { apiVersionField, baseFor, resolveSpec, specialValue, tagValue } from './operands.js';
import { type CompileCtx, type Cond, type Expr, type State, keyOf, shapeError } from './state.js';
import { compileValue } from './template-calls.js';

const LOGICAL = ['allof', 'anyof', 'not'];

export function compileCondition(node: unknown, c: CompileCtx, path: string): Cond {
  if (!isObject(node)) throw shapeError(path, `a condition must be an object, got ${typeName(node)}`);
  const keys = Object.keys(node);
  const logical = keys.filter((k) => LOGICAL.includes(k.toLowerCase()));
  if (logical.length) {
    if (keys.length !== 1) throw shapeError(path, `a logical operator (${logical[0]}) cannot share its object with other keys (${keys.join(', ')})`);
    const k = keys[0]!;
    const v = node[k];
    const lk = k.toLowerCase();
    if (lk === 'not') {
      const inner = compileCondition(v, c, `${path}.${k}`);
      return traced(path, (s) => !inner(s), 'not');
    }
    if (!Array.isArray(v)) throw shapeError(path, `${k} must be an array of conditions, got ${typeName(v)}`);
    // An empty allOf is vacuously true and an empty anyOf false (undocumented; the public suite expects it).
    const parts = v.map((x, i) => compileCondition(x, c, `${path}.${k}[${i}]`));
    // A11: short-circuit like regorus; untaken branches are not evaluated.
    if (lk === 'allof') {
      return traced(path, (s) => {
        for (const p of parts) if (!p(s)) return false;
        return true;
      }, 'allOf');
    }
    return traced(path, (s) => {
      for (const p of parts) if (p(s)) return true;
      return false;
    }, 'anyOf');
  }
  return compileLeaf(node, c, path);
}

function traced(path: string, f: Cond, label: string): Cond {
  return (s) => {
    const r = f(s);
    if (s.trace) s.trace.push(new TraceRecord(path, r, label));
    return r;
  };
}

export function compileLeaf(node: Record<string, unknown>, c: CompileCtx, path: string): Cond {
  const fieldKey = keyOf(node, 'field');
  const valueKey = keyOf(node, 'value');
  const countKey = keyOf(node, 'count');
  const operands = [fieldKey, valueKey, countKey].filter((k): k is string => k !== undefined);
  if (operands.length !== 1) {
    throw shapeError(
      path,
      operands.length ? `a condition has exactly one of field, value, count (found ${operands.join(', ')})` : `unknown condition: expected field, value, count, allOf, anyOf or not (keys: ${Object.keys(node).join(', ') || 'none'})`,
    );
  }
  const opKeys = Object.keys(node).filter((k) => k !== operands[0]);
  if (opKeys.length !== 1) {
    throw shapeError(path, opKeys.length ? `a condition has exactly one operator (found ${opKeys.join(', ')})` : `condition on ${operands[0]} has no operator`);
  }
  const opKey = opKeys[0]!;
  const op = lookupOperator(opKey);
  if (!op) throw shapeError(path, `unknown operator '${opKey}'`, `operators: ${Object.values(OPERATOR_SPELLING).join(', ')}`);
  if (op === 'exists') {
    const t = node[opKey];
    if (typeof t !== 'boolean' && !(typeof t === 'string' && (/^(true|false)$/i.test(t) || isExpression(t)))) {
      throw shapeError(`${path}.${opKey}`, `exists takes true or false, got ${preview(t)}`);
    }
  }
  if ((op === 'in' || op === 'notin') && !Array.isArray(node[opKey]) && !(typeof node[opKey] === 'string' && isExpression(node[opKey] as string))) {
    // Learn (arrays page): in/notIn take an array, literal or parameter; anything else fails at creation.
    throw shapeError(`${path}.${opKey}`, `${opKey} takes an array, got ${preview(node[opKey])}`);
  }
  const target = compileValue(node[opKey], c, `${path}.${opKey}`);
  const opFn = OPERATOR_FNS[op];
  const spelled = OPERATOR_SPELLING[op];

  if (countKey) return compileCount(node[countKey], c, `${path}.${countKey}`, op, target, path);

  if (valueKey) {
    const val = compileValue(node[valueKey], c, `${path}.${valueKey}`);
    return (s) => {
      const l = val(s);
      const r = target(s);
      const out = opFn(l, r, s.run.opts);
      if (s.trace) s.trace.push(new TraceRecord(path, out, 'value', l, spelled, r));
      return out;
    };
  }

  // field
  const rawField = node[fieldKey!];
  if (typeof rawField !== 'string') throw shapeError(`${path}.${fieldKey}`, `field must be a string, got ${typeName(rawField)}`);
  if (isExpression(rawField)) {
    const fieldExpr = compileValue(rawField, c, `${path}.${fieldKey}`);
    const specs = new Map<string, FieldSpec>();
    return (s) => {
      const name = fieldExpr(s);
      if (typeof name !== 'string') throw new EvaluationError(EvaluatorCode.functionFailed, `field expression must produce a string, got ${typeName(name)}`);
      let spec = specs.get(name);
      if (!spec) specs.set(name, (spec = parseField(name)));
      return fieldCondition(spec, `field '${name}' =`, s, opFn, target, spelled, path);
    };
  }
  const spec = parseField(rawField);
  const subject = `field '${rawField}' =`;
  return (s) => fieldCondition(spec, subject, s, opFn, target, spelled, path);
}

function normalizeLoc(v: unknown): unknown {
  if (typeof v === 'string') return normalizeLocation(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? normalizeLocation(x) : x));
  return v;
}

function fieldCondition(
  spec: FieldSpec,
  /** Trace subject, e.g. field 'location' = */
  subject: string,
  s: State,
  opFn: (l: unknown, r: unknown, o: OperatorOptions) => boolean,
  target: Expr,
  spelled: string,
  path: string,
): boolean {
  const doc = s.res.doc;
  let r = target(s);
  let out: boolean;
  let shown: unknown;
  if (spec.kind === 'special') {
    let l = specialValue(spec.which, doc);
    if (spec.which === 'location') {
      // Learn: location fields are normalized ("East US 2" equals "eastus2"); both sides (A17).
      l = normalizeLoc(l);
      r = normalizeLoc(r);
    }
    shown = l;
    out = opFn(l, r, s.run.opts);
  } else if (spec.kind === 'tag') {
    const l = tagValue(doc, spec.tag);
    shown = l;
    out = opFn(l, r, s.run.opts);
  } else {
    const res = resolveSpec(spec, s.res, s);
    if (!res) {
      if (spec.text.includes('[*]')) {
        shown = [];
        out = s.run.opts.missingArrayCondition;
      } else {
        shown = undefined;
        out = opFn(undefined, r, s.run.opts);
      }
    } else {
      const b = baseFor(res, s, doc);
      if (hasWildcard(res.segs, b.start)) {
        const values: unknown[] = [];
        collect(b.node, res.segs, b.start, values);
        shown = values;
        if (values.length === 0) {
          out = s.run.opts.missingArrayCondition || arrayPresent(b.node, res.segs, b.start);
        } else {
          // Implicit "for all": every selected value must satisfy the operator (Learn, arrays page).
          out = true;
          for (const v of values) {
            if (!opFn(v, r, s.run.opts)) {
              out = false;
              break;
            }
          }
        }
      } else {
        let l = getAt(b.node, res.segs, b.start);
        if (l === undefined && b.start === 0 && res.segs.length === 1 && spec.kind === 'path' && fold(spec.text) === 'apiversion') l = apiVersionField(s, doc);
        shown = l;
        out = opFn(l, r, s.run.opts);
      }
    }
  }
  if (s.trace) s.trace.push(new TraceRecord(path, out, subject, shown, spelled, r));
  return out;
}

function arrayPresent(root: unknown, segs: readonly Segment[], start: number): boolean {
  let i = start;
  while (i < segs.length && segs[i]!.k !== 'wild') i++;
  return Array.isArray(getAt(root, segs.slice(0, i), start));
}
