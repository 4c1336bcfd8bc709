/**
 * Compiles a policy definition once into closures and runs it against resources.
 *
 * compilePolicy(definition) checks the rule's shape (operators, count, expressions, parameters, effects) and
 * throws PolicyDefinitionError for a malformed rule. The returned CompiledPolicy evaluates one resource at a
 * time; aliases are resolved once per (resource type, API version) and cached. A runtime failure (a template
 * function error, an ordering type mismatch) turns into `{ effect: 'deny', error }`: Learn, "definition
 * structure policy rule": "a failed evaluation is an implicit deny".
 */
import { createHash } from 'node:crypto';
import { fold, normalizeLocation } from './case-fold.js';
import {
  aliasPathFor,
  EMPTY_ALIAS_SOURCE,
  type AliasSource,
  type EvaluatorResourceType,
} from './aliases.js';
import { EvaluationError, EvaluatorCode, ParameterValueError, PolicyDefinitionError } from './errors.js';
import { checkFunctions, isExpression, parseExpression, type ExprNode } from './expression-parser.js';
import {
  collect,
  countMembers,
  getAt,
  hasWildcard,
  lastWildcardEnd,
  parseField,
  parsePath,
  segmentsKey,
  type FieldSpec,
  type Segment,
} from './fields.js';
import { fnError, FUNCTIONS, type FunctionEnv } from './functions.js';
import { lookupOperator, OPERATOR_FNS, OPERATOR_SPELLING, preview, type OperatorName, type OperatorOptions } from './operators.js';
import type {
  ComplianceState,
  DefinitionParameter,
  EffectName,
  EvaluationContext,
  EvaluationResult,
  EvaluatorOptions,
  ExistenceCheck,
  ModifyOperationResult,
  PolicyDefinitionInput,
  RelatedLookup,
  RelatedQuery,
  RequestContextInput,
  TraceEntry,
} from './types.js';
import { TraceRecord } from './trace.js';
import { deepEqual, getProp, isObject, setOwn, typeName } from './values.js';

// ---------------------------------------------------------------- options

export interface ResolvedOptions extends OperatorOptions {
  readonly missingArrayCondition: boolean;
  readonly strictFunctions: boolean;
  readonly unknownAlias: 'heuristic' | 'missing';
  readonly applicability: boolean;
  readonly defaultMode: 'all' | 'indexed';
  readonly modifyAddExisting: 'skip' | 'deny';
  readonly opaqueHashFunctions: boolean;
  readonly strictParameters: boolean;
  readonly trace: boolean;
  readonly now: () => Date;
}

export function resolveOptions(o: EvaluatorOptions = {}): ResolvedOptions {
  const now = o.now;
  return {
    missingArrayCondition: o.missingArrayCondition ?? true,
    likeQuestionMark: o.likeQuestionMark ?? 'literal',
    numericEquality: o.numericEquality ?? 'string',
    orderingMismatch: o.orderingMismatch ?? 'error',
    dateOrdering: o.dateOrdering ?? true,
    strictFunctions: o.strictFunctions ?? false,
    unknownAlias: o.unknownAlias ?? 'heuristic',
    applicability: o.applicability ?? true,
    defaultMode: o.defaultMode ?? 'all',
    modifyAddExisting: o.modifyAddExisting ?? 'skip',
    opaqueHashFunctions: o.opaqueHashFunctions ?? false,
    strictParameters: o.strictParameters ?? true,
    trace: o.trace ?? true,
    now: typeof now === 'function' ? now : now instanceof Date ? () => now : () => new Date(),
  };
}

// ---------------------------------------------------------------- type context (aliases per type + api version)

interface Resolved {
  readonly segs: readonly Segment[];
  /** Canonical key of the path up to and including each `[*]`. */
  readonly wildKeys: readonly string[];
  /** Segment index just after each `[*]`. */
  readonly wildEnds: readonly number[];
  readonly heuristic: boolean;
}

/** null = the alias does not exist for this resource type (selects nothing). */
type Resolution = Resolved | null;

export class TypeContext {
  readonly cache = new Map<string, Resolution>();
  constructor(
    readonly typeLower: string,
    readonly info: EvaluatorResourceType | undefined,
    readonly apiVersion: string | undefined,
  ) {}
}

const typeContexts = new WeakMap<AliasSource, Map<string, TypeContext>>();

export function typeContextFor(source: AliasSource, type: string, apiVersion: string | undefined): TypeContext {
  let m = typeContexts.get(source);
  if (!m) typeContexts.set(source, (m = new Map()));
  // Keyed by the type as written (hot path: no folding); each spelling maps to the shared folded context.
  const key = apiVersion ? type + '|' + apiVersion : type;
  let t = m.get(key);
  if (!t) {
    const folded = fold(type) + '|' + (apiVersion ? fold(apiVersion) : '') + '|folded';
    t = m.get(folded);
    if (!t) m.set(folded, (t = new TypeContext(fold(type), type ? source.getType(type) : undefined, apiVersion)));
    m.set(key, t);
  }
  return t;
}

function makeResolved(segs: Segment[], heuristic: boolean): Resolved {
  const wildKeys: string[] = [];
  const wildEnds: number[] = [];
  segs.forEach((s, i) => {
    if (s.k === 'wild') {
      wildKeys.push(segmentsKey(segs, i + 1));
      wildEnds.push(i + 1);
    }
  });
  return { segs, wildKeys, wildEnds, heuristic };
}

function resolveFieldIn(spec: FieldSpec & { kind: 'alias' | 'path' }, t: TypeContext, opts: ResolvedOptions): Resolution {
  const key = spec.key;
  // The type context is shared by every policy using this catalog; the unknown-alias choice is part of the key.
  const cacheKey = opts.unknownAlias === 'missing' ? '\u0000' + key : key;
  const hit = t.cache.get(cacheKey);
  if (hit !== undefined || t.cache.has(cacheKey)) return hit ?? null;
  let r: Resolution;
  if (spec.kind === 'path') {
    r = makeResolved([...spec.segments], false);
  } else {
    const entry = t.info?.aliases.get(key);
    if (entry) r = makeResolved(parsePath(aliasPathFor(entry, t.apiVersion)), false);
    else if (opts.unknownAlias === 'heuristic' && t.typeLower && key.startsWith(t.typeLower + '/') && !key.slice(t.typeLower.length + 1).includes('/')) {
      // Not in the catalog but named after this very type: the usual shape is properties.<rest>.
      r = makeResolved(parsePath('properties.' + spec.text.slice(t.typeLower.length + 1)), true);
    } else r = null;
  }
  t.cache.set(cacheKey, r);
  return r;
}

// ---------------------------------------------------------------- evaluation state

interface ResourceRef {
  readonly doc: Record<string, unknown>;
  readonly tctx: TypeContext;
}

interface Scope {
  readonly kind: 'field' | 'value';
  /** field count: canonical key of the counted path; value count: lower-case index name ('default' when unnamed). */
  readonly key: string;
  readonly fieldLower: string;
  readonly member: unknown;
  readonly doc: Record<string, unknown>;
}

interface Run {
  readonly params: ReadonlyMap<string, { value: unknown } | { missing: true; name: string }>;
  /** Built on first use of resourceGroup()/subscription()/policy()/requestContext() or an existence check. */
  ctxCache: ResolvedContext | undefined;
  readonly ctxInput: { doc: Record<string, unknown>; run: RunInput; name: string | undefined };
  readonly env: FunctionEnv;
  readonly opts: ResolvedOptions;
  readonly warnings: string[];
  readonly aliases: AliasSource;
  readonly apiVersion: string | undefined;
}

interface State {
  res: ResourceRef;
  fnRes: ResourceRef;
  scopes: Scope[];
  readonly run: Run;
  readonly trace: TraceEntry[] | undefined;
}

interface ResolvedContext {
  readonly resourceGroup: Record<string, unknown>;
  readonly subscription: Record<string, unknown>;
  readonly policy: Record<string, unknown>;
  readonly requestContext: Record<string, unknown>;
}

type Cond = (s: State) => boolean;
type Expr = (s: State) => unknown;

// ---------------------------------------------------------------- compile context

interface CompileCtx {
  readonly opts: ResolvedOptions;
  /** Declared parameters (lower-case name -> declaration), or undefined when only a policyRule was given. */
  readonly declared: ReadonlyMap<string, { name: string; decl: DefinitionParameter }> | undefined;
  readonly aliases: AliasSource;
  /** Nesting: count scopes open at this point (for current()). */
  countDepth: number;
  /** Inside a modify operation condition: field()/resourceGroup()/subscription() are not allowed. */
  noResourceFunctions: boolean;
  exprCount: number;
}

function shapeError(path: string, message: string, hint?: string): PolicyDefinitionError {
  return new PolicyDefinitionError(EvaluatorCode.ruleShape, `${message} (at ${path})`, { jsonPath: path, ...(hint ? { hint } : {}) });
}

/** Case-insensitive key lookup on a rule object (Azure accepts AllOf/allof alike). */
function keyOf(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const f = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === f);
}

// ---------------------------------------------------------------- expressions

function compileValue(v: unknown, c: CompileCtx, path: string): Expr {
  if (typeof v === 'string') {
    if (!isExpression(v)) {
      const lit = v.startsWith('[[') ? v.slice(1) : v;
      return () => lit;
    }
    let ast: ExprNode;
    try {
      ast = parseExpression(v);
      checkFunctions(ast, { strict: c.opts.strictFunctions });
    } catch (e) {
      if (e instanceof PolicyDefinitionError) throw new PolicyDefinitionError(e.code, `${e.message} (at ${path})`, { jsonPath: path, ...(e.hint ? { hint: e.hint } : {}) });
      throw e;
    }
    return compileExpr(ast, c, path);
  }
  if (Array.isArray(v)) {
    if (!containsExpression(v)) return () => v;
    const items = v.map((x, i) => compileValue(x, c, `${path}[${i}]`));
    return (s) => items.map((f) => f(s));
  }
  if (isObject(v)) {
    if (!containsExpression(v)) return () => v;
    const entries = Object.entries(v).map(([k, x]) => [k, compileValue(x, c, `${path}.${k}`)] as const);
    return (s) => {
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) setOwn(out, k, f(s));
      return out;
    };
  }
  return () => v;
}

function containsExpression(v: unknown): boolean {
  if (typeof v === 'string') return v.startsWith('[');
  if (Array.isArray(v)) return v.some(containsExpression);
  if (isObject(v)) return Object.values(v).some(containsExpression);
  return false;
}

function literalArg(node: ExprNode | undefined): string | undefined {
  return node && node.kind === 'literal' && typeof node.value === 'string' ? node.value : undefined;
}

function compileExpr(node: ExprNode, c: CompileCtx, path: string): Expr {
  switch (node.kind) {
    case 'literal': {
      const v = node.value;
      return () => v;
    }
    case 'member': {
      const obj = compileExpr(node.object, c, path);
      const prop = node.property;
      return (s) => member(obj(s), prop);
    }
    case 'index': {
      const obj = compileExpr(node.object, c, path);
      const idx = compileExpr(node.index, c, path);
      return (s) => {
        const o = obj(s);
        const i = idx(s);
        if (Array.isArray(o)) {
          if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= o.length) {
            throw new EvaluationError(EvaluatorCode.functionFailed, `index ${preview(i)} is out of range for an array of ${o.length}`);
          }
          return o[i];
        }
        if (typeof i === 'string') return member(o, i);
        throw new EvaluationError(EvaluatorCode.functionFailed, `cannot index ${typeName(o)} with ${typeName(i)}`);
      };
    }
    case 'call':
      return compileCall(node, c, path);
  }
}

function member(o: unknown, prop: string): unknown {
  if (isObject(o)) {
    const v = getProp(o, prop);
    if (v === undefined) {
      throw new EvaluationError(EvaluatorCode.functionFailed, `the language expression property '${prop}' doesn't exist`, {
        hint: 'guard optional properties with tryGet() or coalesce()',
      });
    }
    return v;
  }
  throw new EvaluationError(EvaluatorCode.functionFailed, `cannot read property '${prop}' of ${typeName(o)}`);
}

function compileCall(node: ExprNode & { kind: 'call' }, c: CompileCtx, path: string): Expr {
  const name = node.name.toLowerCase();
  const args = node.args;
  switch (name) {
    case 'parameters': {
      if (args.length !== 1) throw shapeError(path, 'parameters() takes one argument');
      const lit = literalArg(args[0]);
      if (lit !== undefined) {
        const key = fold(lit);
        if (c.declared && !c.declared.has(key)) {
          throw new PolicyDefinitionError(EvaluatorCode.parameter, `parameter '${lit}' is referenced but not declared (at ${path})`, {
            jsonPath: path,
            hint: `declare it under properties.parameters.${lit}`,
          });
        }
        return (s) => paramValue(s, key, lit);
      }
      const arg = compileExpr(args[0]!, c, path);
      return (s) => {
        const n = arg(s);
        if (typeof n !== 'string') throw fnError('parameters', 'argument must be a string');
        return paramValue(s, fold(n), n);
      };
    }
    case 'field': {
      if (c.noResourceFunctions) throw shapeError(path, 'field() is not allowed in a modify operation condition (Learn, modify effect)');
      if (args.length !== 1) throw shapeError(path, 'field() takes one argument');
      const lit = literalArg(args[0]);
      if (lit !== undefined) {
        const spec = parseField(lit);
        return (s) => fieldFunction(spec, s);
      }
      const arg = compileExpr(args[0]!, c, path);
      return (s) => {
        const n = arg(s);
        if (typeof n !== 'string') throw fnError('field', 'argument must be a string');
        return fieldFunction(parseField(n), s);
      };
    }
    case 'current': {
      if (c.countDepth === 0) throw shapeError(path, 'current() is only allowed inside count.where');
      if (args.length > 1) throw shapeError(path, 'current() takes at most one argument');
      const lit = args.length === 1 ? literalArg(args[0]) : '';
      if (lit === undefined) throw shapeError(path, 'current() takes a literal index name or alias');
      const spec = lit ? parseField(lit) : undefined;
      return (s) => currentValue(s, lit, spec);
    }
    case 'resourcegroup':
    case 'subscription':
    case 'requestcontext':
    case 'policy': {
      if (c.noResourceFunctions && (name === 'resourcegroup' || name === 'subscription')) {
        throw shapeError(path, `${node.name}() is not allowed in a modify operation condition (Learn, modify effect)`);
      }
      if (args.length !== 0) throw shapeError(path, `${node.name}() takes no arguments`);
      const key = name === 'resourcegroup' ? 'resourceGroup' : name === 'requestcontext' ? 'requestContext' : name;
      return (s) => ctxOf(s.run)[key as keyof ResolvedContext];
    }
    case 'if': {
      if (args.length !== 3) throw shapeError(path, 'if() takes three arguments');
      const [cond, a, b] = args.map((x) => compileExpr(x, c, path)) as [Expr, Expr, Expr];
      // Lazy: only the taken branch runs (Learn recommends if() to guard expressions that could fail).
      return (s) => {
        const v = cond(s);
        if (typeof v !== 'boolean') throw fnError('if', `condition must be a boolean, got ${typeName(v)}`);
        return v ? a(s) : b(s);
      };
    }
    case 'guid':
    case 'uniquestring': {
      if (c.opts.opaqueHashFunctions) {
        const compiled = args.map((x) => compileExpr(x, c, path));
        return (s) => {
          const w = `${node.name}() is evaluated as an opaque stand-in: its value differs from the one ARM computes`;
          if (!s.run.warnings.includes(w)) s.run.warnings.push(w);
          return opaqueHash(name, compiled.map((f) => f(s)));
        };
      }
      throw new PolicyDefinitionError(EvaluatorCode.unknownFunction, `${node.name}() is not supported by the offline evaluator (at ${path})`, {
        jsonPath: path,
        hint: 'its hash algorithm is internal to ARM; set the evaluator option opaqueHashFunctions to evaluate it as a stand-in value',
      });
    }
    default: {
      const fn = FUNCTIONS[name];
      if (!fn) throw new PolicyDefinitionError(EvaluatorCode.unknownFunction, `unknown template function ${node.name}() (at ${path})`, { jsonPath: path });
      const compiled = args.map((x) => compileExpr(x, c, path));
      if (compiled.every((_, i) => args[i]!.kind === 'literal') && name !== 'utcnow') {
        // Constant-fold pure functions of literals once (errors surface at evaluation, as in Azure).
        let cached: { v: unknown } | undefined;
        return (s) => {
          if (!cached) cached = { v: fn(compiled.map((f) => f(s)), s.run.env) };
          return cached.v;
        };
      }
      return (s) => fn(compiled.map((f) => f(s)), s.run.env);
    }
  }
}

function ctxOf(run: Run): ResolvedContext {
  return (run.ctxCache ??= resolveContext(run.ctxInput.doc, run.ctxInput.run, run.ctxInput.name));
}

/**
 * Deterministic stand-in for guid()/uniqueString(): same shape (UUID / 13 lower-case base32 characters), same
 * value for the same arguments, but not ARM's value (its hash is internal to ARM).
 */
function opaqueHash(name: string, args: unknown[]): string {
  const h = createHash('sha256').update(name + '\u0000' + JSON.stringify(args)).digest();
  if (name === 'guid') {
    const x = h.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
  }
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  for (let i = 0; i < 13; i++) out += alphabet[h[i]! % 32];
  return out;
}

function paramValue(s: State, key: string, name: string): unknown {
  const p = s.run.params.get(key);
  if (!p) {
    throw new PolicyDefinitionError(EvaluatorCode.parameter, `parameter '${name}' has no value`, {
      hint: 'pass it in parameters or declare a defaultValue',
    });
  }
  if ('missing' in p) {
    // Only reachable with strictParameters: false (strict mode refuses the parameters object up front).
    throw new ParameterValueError(EvaluatorCode.parameterMissing, `parameter '${p.name}' has no value and no defaultValue`, [p.name], {
      hint: `pass parameters: { ${p.name}: ... } or declare a defaultValue`,
    });
  }
  return p.value;
}

// ---------------------------------------------------------------- fields

function specialValue(which: string, doc: Record<string, unknown>): unknown {
  switch (which) {
    case 'name': {
      const n = getProp(doc, 'name');
      // ARM template child resources write name "parent/child"; the name field is the last segment.
      return typeof n === 'string' && n.includes('/') ? n.slice(n.lastIndexOf('/') + 1) : n;
    }
    case 'fullname': {
      const n = getProp(doc, 'name');
      // Documents that carry fullName themselves (ARG-style exports) are taken at their word.
      if (n === undefined) return getProp(doc, 'fullName');
      if (typeof n === 'string' && n.includes('/')) return n;
      const id = getProp(doc, 'id');
      if (typeof id === 'string') {
        const names = namesFromId(id);
        if (names.length > 1) return names.join('/');
      }
      return n;
    }
    default:
      return getProp(doc, which);
  }
}

/**
 * `field: apiVersion`: not a Learn special field; ARM template resources carry their apiVersion, and for a
 * request the engine knows it. Reads the document's apiVersion, else the request's (as regorus does).
 */
function apiVersionField(s: State, doc: Record<string, unknown>): unknown {
  const own = getProp(doc, 'apiVersion');
  if (own !== undefined) return own;
  return s.run.apiVersion;
}

/** Resource names along an ARM id after the last /providers/ segment (parent/child names). */
function namesFromId(id: string): string[] {
  const parts = id.split('/').filter(Boolean);
  let i = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  if (i === -1) return [];
  const rest = parts.slice(i + 2); // skip "providers" and the namespace
  const names: string[] = [];
  for (let j = 1; j < rest.length; j += 2) names.push(rest[j]!);
  return names;
}

function tagValue(doc: Record<string, unknown>, tag: string): unknown {
  const tags = getProp(doc, 'tags');
  // A10: tag names are case-insensitive in ARM.
  return isObject(tags) ? getProp(tags, tag) : undefined;
}

interface Base {
  node: unknown;
  start: number;
}

/** Where a path starts: the innermost count scope it lies under, else the resource root. */
function baseFor(r: Resolved, s: State, doc: Record<string, unknown>): Base {
  if (r.wildKeys.length && s.scopes.length) {
    for (let i = s.scopes.length - 1; i >= 0; i--) {
      const sc = s.scopes[i]!;
      if (sc.kind !== 'field' || sc.doc !== doc) continue;
      for (let j = r.wildKeys.length - 1; j >= 0; j--) {
        if (r.wildKeys[j] === sc.key) return { node: sc.member, start: r.wildEnds[j]! };
      }
    }
  }
  return { node: doc, start: 0 };
}

function resolveSpec(spec: FieldSpec & { kind: 'alias' | 'path' }, ref: ResourceRef, s: State): Resolution {
  const r = resolveFieldIn(spec, ref.tctx, s.run.opts);
  if (r?.heuristic && s.run.warnings.length < 50) {
    const w = `alias ${spec.text} is not in the alias catalog for ${ref.tctx.typeLower || '(no type)'}; read as ${segmentsKey(r.segs).slice(1)}`;
    if (!s.run.warnings.includes(w)) s.run.warnings.push(w);
  }
  return r;
}

/** `[field('x')]`: missing non-array -> "" (Learn, arrays page); [*] -> array of selected values. */
function fieldFunction(spec: FieldSpec, s: State): unknown {
  const doc = s.fnRes.doc;
  if (spec.kind === 'special') {
    const v = specialValue(spec.which, doc);
    return v === undefined ? '' : v;
  }
  if (spec.kind === 'tag') {
    const v = tagValue(doc, spec.tag);
    return v === undefined ? '' : v;
  }
  const r = resolveSpec(spec, s.fnRes, s);
  if (!r) return spec.text.includes('[*]') ? [] : '';
  const b = baseFor(r, s, doc);
  if (r.wildKeys.length) {
    if (hasWildcard(r.segs, b.start)) {
      const out: unknown[] = [];
      collect(b.node, r.segs, b.start, out);
      return out.filter((x) => x !== undefined);
    }
    // Inside count.where the counted alias is a one-element array (Learn, arrays page).
    const v = getAt(b.node, r.segs, b.start);
    return v === undefined ? [] : [v];
  }
  const v = getAt(b.node, r.segs, b.start);
  return v === undefined ? '' : v;
}

/** Value a modify/append field currently has on the evaluated resource (undefined when absent). */
function currentFieldValue(field: string, s: State): unknown {
  const spec = parseField(field);
  const doc = s.res.doc;
  if (spec.kind === 'special') return specialValue(spec.which, doc);
  if (spec.kind === 'tag') return tagValue(doc, spec.tag);
  const r = resolveSpec(spec, s.res, s);
  return r ? getAt(doc, r.segs, 0) : undefined;
}

function currentValue(s: State, name: string, spec: FieldSpec | undefined): unknown {
  if (!s.scopes.length) throw fnError('current', 'used outside count.where');
  if (!name) return s.scopes[s.scopes.length - 1]!.member;
  const lower = fold(name);
  for (let i = s.scopes.length - 1; i >= 0; i--) {
    const sc = s.scopes[i]!;
    if (sc.kind === 'value') {
      if (sc.key === lower) return sc.member;
      continue;
    }
    if (sc.fieldLower === lower) return sc.member;
    if (spec && (spec.kind === 'alias' || spec.kind === 'path')) {
      const r = resolveSpec(spec, s.res, s);
      if (!r) continue;
      const j = r.wildKeys.indexOf(sc.key);
      if (j === -1) continue;
      const start = r.wildEnds[j]!;
      if (hasWildcard(r.segs, start)) {
        const out: unknown[] = [];
        collect(sc.member, r.segs, start, out);
        return out.filter((x) => x !== undefined);
      }
      const v = getAt(sc.member, r.segs, start);
      return v === undefined ? null : v;
    }
  }
  throw fnError('current', `no count named or counting '${name}' encloses this expression`);
}

// ---------------------------------------------------------------- conditions

const LOGICAL = ['allof', 'anyof', 'not'];

function compileCondition(node: unknown, c: CompileCtx, path: string): Cond {
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

function compileLeaf(node: Record<string, unknown>, c: CompileCtx, path: string): Cond {
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

function compileCount(spec: unknown, c: CompileCtx, path: string, op: OperatorName, target: Expr, condPath: string): Cond {
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
      let n = 0;
      if (!where) n = members.length;
      else {
        for (const m of members) {
          s.scopes.push({ kind: 'value', key: indexName, fieldLower: '', member: m, doc: s.res.doc });
          try {
            if (where(s)) n++;
          } finally {
            s.scopes.pop();
          }
        }
      }
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
    let n = 0;
    if (!where) n = members.length;
    else {
      const fieldLower = staticLower ?? fold(text);
      for (const m of members) {
        s.scopes.push({ kind: 'field', key, fieldLower, member: m, doc: s.res.doc });
        try {
          if (where(s)) n++;
        } finally {
          s.scopes.pop();
        }
      }
    }
    const r = target(s);
    const out = opFn(n, r, s.run.opts);
    if (s.trace) s.trace.push(new TraceRecord(condPath, out, fieldExpr ? `count of '${text}' =` : staticSubject, n, spelled, r));
    return out;
  };
}

// ---------------------------------------------------------------- applicability (Learn, "What is applicability")

type ApplKind = 'type' | 'name' | 'kind' | 'other';

function leafKind(node: Record<string, unknown>): ApplKind {
  const fk = keyOf(node, 'field');
  if (fk === undefined) return 'other';
  const f = node[fk];
  if (typeof f !== 'string') return 'other';
  const l = f.toLowerCase();
  return l === 'type' || l === 'name' || l === 'kind' ? l : 'other';
}

function collectKinds(node: unknown, out: Set<ApplKind>): void {
  if (!isObject(node)) return;
  for (const k of Object.keys(node)) {
    const lk = k.toLowerCase();
    if (lk === 'allof' || lk === 'anyof') {
      const v = node[k];
      if (Array.isArray(v)) for (const x of v) collectKinds(x, out);
      return;
    }
    if (lk === 'not') return collectKinds(node[k], out);
  }
  out.add(leafKind(node));
}

/**
 * Builds the applicability test: only type/name/kind conditions are evaluated, every other condition counts
 * as true (false under `not`). Learn's special cases: with no type condition every resource is applicable;
 * with type and no other conditions only type counts.
 */
function compileApplicability(ifNode: unknown, c: CompileCtx): Cond | undefined {
  const kinds = new Set<ApplKind>();
  collectKinds(ifNode, kinds);
  if (!kinds.has('type')) return undefined;
  const counting = new Set<ApplKind>(['type']);
  if (kinds.has('other')) {
    counting.add('name');
    counting.add('kind');
  }
  const build = (node: unknown, negated: boolean, path: string): Cond => {
    if (!isObject(node)) return () => !negated;
    for (const k of Object.keys(node)) {
      const lk = k.toLowerCase();
      if (lk === 'allof' || lk === 'anyof') {
        const parts = (node[k] as unknown[]).map((x, i) => build(x, negated, `${path}.${k}[${i}]`));
        return lk === 'allof' ? (s) => parts.every((p) => p(s)) : (s) => parts.some((p) => p(s));
      }
      if (lk === 'not') {
        const inner = build(node[k], !negated, `${path}.${k}`);
        return (s) => !inner(s);
      }
    }
    if (!counting.has(leafKind(node))) return () => !negated;
    const leaf = compileLeaf(node, c, path);
    return (s) => {
      try {
        return leaf(s);
      } catch {
        return !negated;
      }
    };
  };
  return build(ifNode, false, 'if');
}

function hasLocationField(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasLocationField);
  if (!isObject(node)) return false;
  for (const [k, v] of Object.entries(node)) {
    if (k.toLowerCase() === 'field' && typeof v === 'string' && v.toLowerCase() === 'location') return true;
    if (typeof v === 'object' && hasLocationField(v)) return true;
  }
  return false;
}

/**
 * Resource types a rule can match, from literal `type` equals/in conditions that every match requires; undefined
 * when the rule may match any type. Used by the policy index.
 */
export function requiredTypes(node: unknown): string[] | undefined {
  if (!isObject(node)) return undefined;
  const keys = Object.keys(node);
  const lk = keys.map((k) => k.toLowerCase());
  if (lk.length === 1 && lk[0] === 'allof' && Array.isArray(node[keys[0]!])) {
    let best: string[] | undefined;
    for (const x of node[keys[0]!] as unknown[]) {
      const t = requiredTypes(x);
      if (t && (!best || t.length < best.length)) best = t;
    }
    return best;
  }
  if (lk.length === 1 && lk[0] === 'anyof' && Array.isArray(node[keys[0]!])) {
    const all = new Set<string>();
    for (const x of node[keys[0]!] as unknown[]) {
      const t = requiredTypes(x);
      if (!t) return undefined;
      for (const y of t) all.add(y);
    }
    return [...all];
  }
  const fk = keyOf(node, 'field');
  if (fk === undefined || typeof node[fk] !== 'string' || (node[fk] as string).toLowerCase() !== 'type') return undefined;
  const eqKey = keyOf(node, 'equals');
  if (eqKey !== undefined && typeof node[eqKey] === 'string' && !isExpression(node[eqKey] as string)) return [fold(node[eqKey] as string)];
  const inKey = keyOf(node, 'in');
  if (inKey !== undefined && Array.isArray(node[inKey]) && (node[inKey] as unknown[]).every((x) => typeof x === 'string' && !isExpression(x))) {
    return (node[inKey] as string[]).map(fold);
  }
  return undefined;
}

// ---------------------------------------------------------------- effects

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

interface CompiledThen {
  effect: Expr;
  literalEffect: EffectName | undefined;
  appendList?: { field: string; value: Expr }[];
  details?: Record<string, Expr>;
  operations?: { operation: 'add' | 'addOrReplace' | 'remove'; field: string; value?: Expr; condition?: { text: string; f: Expr } }[];
  existenceCondition?: Cond;
  deployment?: Expr;
}

/** The canonical effect for a spelling, or undefined; own keys only (an effect named "constructor" is unknown). */
function effectNamed(spelling: string): EffectName | undefined {
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

function compileThen(then: unknown, c: CompileCtx, path: string): CompiledThen {
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

// ---------------------------------------------------------------- the compiled policy

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

/**
 * Learn (parameters): allowedValues is checked case-sensitively when the assignment is created; an Array
 * parameter's allowedValues list the allowed elements.
 */
function checkAllowed(name: string, decl: DefinitionParameter, value: unknown): void {
  const allowed = decl.allowedValues;
  if (!Array.isArray(allowed) || allowed.length === 0) return;
  const isArrayParam = fold(decl.type ?? '') === 'array';
  const items = isArrayParam && Array.isArray(value) && !allowed.some((a) => Array.isArray(a)) ? value : [value];
  for (const item of items) {
    // Case-sensitive JSON deep equality: semantics note §2 ([PAR] DOC: "allowedValues is checked
    // case-sensitively at assignment time"), so 'deny' is refused when only 'Deny' is allowed.
    if (!allowed.some((a) => deepEqual(a, item))) {
      throw new ParameterValueError(EvaluatorCode.parameterNotAllowed, `parameter '${name}': ${preview(item)} is not one of its allowedValues ${preview(allowed)}`, [name], {
        hint: `Azure refuses such an assignment; pass one of ${preview(allowed)} (compared case-sensitively)`,
      });
    }
  }
}

/**
 * Semantics note §2 ([PAR]): parameter types are string, array, object, boolean, integer, float, dateTime, written
 * in any case. Azure validates an assignment value against the declared type; this is the cheap JSON-level check
 * (a dateTime is a string Date.parse reads; a float accepts any JSON number, an integer only whole numbers).
 * null and unknown type names are not checked (what ARM does with them is not documented).
 */
function checkType(name: string, decl: DefinitionParameter, value: unknown): void {
  if (value === null || value === undefined || typeof decl.type !== 'string') return;
  let ok: boolean;
  switch (fold(decl.type)) {
    case 'string':
      ok = typeof value === 'string';
      break;
    case 'integer':
      ok = typeof value === 'number' && Number.isInteger(value);
      break;
    case 'float':
      ok = typeof value === 'number' && Number.isFinite(value);
      break;
    case 'boolean':
      ok = typeof value === 'boolean';
      break;
    case 'array':
      ok = Array.isArray(value);
      break;
    case 'object':
      ok = isObject(value);
      break;
    case 'datetime':
      ok = typeof value === 'string' && !Number.isNaN(Date.parse(value));
      break;
    default:
      return;
  }
  if (!ok) {
    throw new ParameterValueError(EvaluatorCode.parameterType, `parameter '${name}' is declared ${decl.type} but its value ${preview(value)} is ${typeName(value)}`, [name], {
      hint: `Azure refuses such an assignment; pass a ${decl.type} value for '${name}'`,
    });
  }
}

function modeApplies(mode: 'all' | 'indexed', type: string, doc: Record<string, unknown>, t: TypeContext): boolean {
  const lower = t.typeLower;
  if (lower.startsWith('microsoft.resources/')) {
    // Learn (applicability): Microsoft.Resources/* other than subscriptions and resource groups is not evaluated.
    const isContainer = lower === 'microsoft.resources/subscriptions' || lower === 'microsoft.resources/resourcegroups' || lower === 'microsoft.resources/subscriptions/resourcegroups';
    if (!isContainer) return false;
    return mode === 'all';
  }
  if (mode === 'all') return true;
  const caps = t.info?.capabilities;
  if (caps !== undefined) {
    const l = caps.toLowerCase();
    return l.includes('supportstags') && l.includes('supportslocation');
  }
  // Unknown type: a document that carries location or tags (or no type at all) is taken as taggable/located.
  return !type || getProp(doc, 'location') !== undefined || getProp(doc, 'tags') !== undefined;
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

/** The effect applies: matched, applicable, NonCompliant unless said otherwise. */
function hitResult(effect: EffectName, written: string, base: Out, details: unknown, compliance: ComplianceState = 'NonCompliant'): EvaluationResult {
  return makeResult(effect, written, effect, details, true, true, compliance, base);
}

/** The effect's details other than existenceCondition/operations/deployment, evaluated for this resource. */
function evalDetails(t: CompiledThen, s: State): Record<string, unknown> | undefined {
  if (!t.details) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(t.details)) setOwn(out, k, t.details[k]!(s));
  return out;
}

const ZERO_SUB = '00000000-0000-0000-0000-000000000000';
const NO_TRACE: readonly never[] = Object.freeze([]);

interface Out {
  trace: TraceEntry[] | undefined;
  warnings: string[];
}

/** One shape for every result (fast property access; no spreads on the hot path). */
function makeResult(
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

/** A context that pins utcNow (context.utcNow) makes utcNow() return that timestamp as given. */
const defaultEnvs = new WeakMap<ResolvedOptions, FunctionEnv>();

function contextClock(context: EvaluationContext | undefined, opts: ResolvedOptions): FunctionEnv {
  const pinned = context?.utcNow;
  if (typeof pinned !== 'string') {
    let env = defaultEnvs.get(opts);
    if (!env) defaultEnvs.set(opts, (env = { now: opts.now }));
    return env;
  }
  const d = new Date(pinned);
  return { now: () => d, nowText: pinned };
}

/** resourceGroup()/subscription()/policy()/requestContext() values, defaulted from the resource id. */
function resolveContext(doc: Record<string, unknown>, run: RunInput, definitionName: string | undefined): ResolvedContext {
  const id = getProp(doc, 'id');
  const m = typeof id === 'string' ? /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(id) : null;
  const subId = m?.[1] ?? ZERO_SUB;
  const rgName = m?.[2];
  const given = run.context ?? {};
  const location = getProp(doc, 'location');
  const resourceGroup: Record<string, unknown> = {
    id: `/subscriptions/${subId}/resourceGroups/${rgName ?? ''}`,
    name: rgName ?? '',
    type: 'Microsoft.Resources/resourceGroups',
    // Unknown offline: the resource's own location stands in (pass context.resourceGroup for the real one).
    location: typeof location === 'string' ? location : '',
    // ARM returns managedBy only for managed resource groups; built-ins read it unguarded, so it is present (null).
    managedBy: null,
    tags: {},
    properties: { provisioningState: 'Succeeded' },
    ...(given.resourceGroup ?? {}),
  };
  const subscription: Record<string, unknown> = {
    id: `/subscriptions/${given.subscription?.subscriptionId ?? subId}`,
    subscriptionId: subId,
    displayName: '',
    tenantId: '',
    ...(given.subscription ?? {}),
  };
  const policy: Record<string, unknown> = {
    assignmentId: '',
    definitionId: definitionName ? `/providers/Microsoft.Authorization/policyDefinitions/${definitionName}` : '',
    setDefinitionId: '',
    definitionReferenceId: '',
    ...(given.policy ?? {}),
  };
  const requestContext: Record<string, unknown> = {
    apiVersion: run.apiVersion ?? '',
    identity: {},
    ...(given.requestContext ?? {}),
    ...(run.requestContext ?? {}),
  };
  return { resourceGroup, subscription, policy, requestContext };
}

/**
 * Calls one template function on already-evaluated arguments (outside any resource), through the same code
 * path the compiled rules use. For tests and tooling; context functions (field, parameters, current …) are not
 * available here.
 */
export function evaluateTemplateFunction(name: string, args: readonly unknown[], options: EvaluatorOptions = {}): unknown {
  const opts = resolveOptions(options);
  const c: CompileCtx = { opts, declared: undefined, aliases: EMPTY_ALIAS_SOURCE, countDepth: 0, noResourceFunctions: false, exprCount: 0 };
  const node = { kind: 'call', name, args: args.map((value) => ({ kind: 'literal', value })), pos: 0 } as unknown as ExprNode & { kind: 'call' };
  const f = compileCall(node, c, name);
  const doc: Record<string, unknown> = {};
  const ref: ResourceRef = { doc, tctx: new TypeContext('', undefined, undefined) };
  const run: Run = {
    params: new Map(),
    ctxCache: undefined,
    ctxInput: { doc, run: {}, name: undefined },
    env: { now: opts.now },
    opts,
    warnings: [],
    aliases: EMPTY_ALIAS_SOURCE,
    apiVersion: undefined,
  };
  return f({ res: ref, fnRes: ref, scopes: [], run, trace: undefined });
}
