/** Field count and value count conditions (Learn, policy rule, "Count"), with their `where` scopes. */
import { fold } from './case-fold.js';
import { EvaluationError, EvaluatorCode } from './errors.js';
import { isExpression } from './expression-parser.js';
import { countMembers, lastWildcardEnd, parseField, segmentsKey } from './fields.js';
import { OPERATOR_FNS, OPERATOR_SPELLING, type OperatorName } from './operators.js';
import { TraceRecord } from './trace.js';
import { isObject, typeName } from './values.js';
import { compileCondition } from './conditions.js';
import { baseFor, resolveSpec } from './operands.js';
import { type CompileCtx, type Cond, type Expr, keyOf, shapeError, type State } from './state.js';
import { compileValue } from './template-calls.js';

export function compileCount(spec: unknown, c: CompileCtx, path: string, op: OperatorName, target: Expr, condPath: string): Cond {
  if (!isObject(spec)) throw shapeError(path, `count must be an object, got ${typeName(spec)}`);
  const fk = keyOf(spec, 'field');
  const vk = keyOf(spec, 'value');
  const nk = keyOf(spec, 'name');
  const wk = keyOf(spec, 'where');
  const extra = Object.keys(spec).filter((k) => k !== fk && k !== vk && k !== nk && k !== wk);
  if (extra.length) throw shapeError(path, `unknown key(s) in count: ${extra.join(', ')}`);
  if ((fk === undefined) === (vk === undefined)) throw shapeError(path, 'count needs exactly one of field or value');
  if (nk !== undefined && fk !== undefined) throw shapeError(path, 'count.name is only allowed with count.value');
  // Learn: an unnamed value count's index is called "default" (current('default') or current()).
  let indexName = 'default';
  if (nk !== undefined) {
    const n = spec[nk];
    if (typeof n !== 'string' || !/^[A-Za-z0-9]+$/.test(n)) throw shapeError(`${path}.${nk}`, 'count.name must be letters and digits');
    indexName = fold(n);
  }
  if (op === 'exists') throw shapeError(condPath, 'count cannot be compared with exists');
  const opFn = OPERATOR_FNS[op];
  const spelled = OPERATOR_SPELLING[op];
  c.countDepth++;
  const where = wk !== undefined ? compileCondition(spec[wk], c, `${path}.${wk}`) : undefined;
  c.countDepth--;

  if (vk !== undefined) {
    const arr = compileValue(spec[vk], c, `${path}.${vk}`);
    return (s) => {
      const members = arr(s);
      if (!Array.isArray(members)) throw new EvaluationError(EvaluatorCode.typeMismatch, `count.value must be an array, got ${typeName(members)} (at ${path})`);
      const n = where ? countWhere(s, members, where, 'value', indexName, '') : members.length;
      const r = target(s);
      const out = opFn(n, r, s.run.opts);
      if (s.trace) s.trace.push(new TraceRecord(condPath, out, 'count of value =', n, spelled, r));
      return out;
    };
  }

  const rawField = spec[fk!];
  if (typeof rawField !== 'string') throw shapeError(`${path}.${fk}`, 'count.field must be a string');
  if (!isExpression(rawField) && !rawField.includes('[*]')) {
    throw shapeError(`${path}.${fk}`, `count.field must be an array alias with [*], got '${rawField}'`);
  }
  const fieldExpr = isExpression(rawField) ? compileValue(rawField, c, `${path}.${fk}`) : undefined;
  const staticSpec = fieldExpr ? undefined : parseField(rawField);
  const staticLower = fieldExpr ? undefined : fold(rawField);
  const staticSubject = `count of '${rawField}' =`;
  return (s) => {
    const text = fieldExpr ? String(fieldExpr(s)) : rawField;
    const fspec = staticSpec ?? parseField(text);
    let members: unknown[] = [];
    let key = '';
    if (fspec.kind === 'alias' || fspec.kind === 'path') {
      const res = resolveSpec(fspec, s.res, s);
      if (res) {
        const b = baseFor(res, s, s.res.doc);
        members = countMembers(b.node, res.segs, b.start);
        key = segmentsKey(res.segs, lastWildcardEnd(res.segs));
      }
    }
    const n = where ? countWhere(s, members, where, 'field', key, staticLower ?? fold(text)) : members.length;
    const r = target(s);
    const out = opFn(n, r, s.run.opts);
    if (s.trace) s.trace.push(new TraceRecord(condPath, out, fieldExpr ? `count of '${text}' =` : staticSubject, n, spelled, r));
    return out;
  };
}

/** How many members meet `where`, each evaluated inside its own count scope (what current() and the field reads see). */
function countWhere(s: State, members: readonly unknown[], where: Cond, kind: 'field' | 'value', key: string, fieldLower: string): number {
  let n = 0;
  for (const member of members) {
    s.scopes.push({ kind, key, fieldLower, member, doc: s.res.doc });
    try {
      if (where(s)) n++;
    } finally {
      s.scopes.pop();
    }
  }
  return n;
}
