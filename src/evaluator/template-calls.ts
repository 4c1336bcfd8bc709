/**
 * Template expressions ("[concat(...)]") compiled to closures: member and index access, parameters(), field(),
 * current(), the context functions resourceGroup()/subscription()/policy()/requestContext() and what they return,
 * guid()/uniqueString() stand-ins, and every other function of functions.ts.
 */
import { createHash } from 'node:crypto';
import { EMPTY_ALIAS_SOURCE } from './aliases.js';
import { fold } from './case-fold.js';
import { EvaluationError, EvaluatorCode, ParameterValueError, PolicyDefinitionError } from './errors.js';
import { checkFunctions, isExpression, parseExpression, type ExprNode } from './expression-parser.js';
import { parseField } from './fields.js';
import { FUNCTIONS, fnError, type FunctionEnv } from './functions.js';
import { preview } from './operators.js';
import type { EvaluationContext, EvaluatorOptions } from './types.js';
import { getProp, isObject, setOwn, typeName } from './values.js';
import type { RunInput } from './compile.js';
import { currentValue, fieldFunction } from './operands.js';
import { type CompileCtx, type Expr, type ResolvedContext, type ResolvedOptions, type ResourceRef, type Run, type State, TypeContext, resolveOptions, shapeError } from './state.js';

export function compileValue(v: unknown, c: CompileCtx, path: string): Expr {
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

/**
 * Tag dictionaries of resourceGroup() and subscription(): reading a tag they do not have gives null, not an error.
 * Evidence: the built-in "Inherit a tag from the resource group" (cd3aa116) first compares the resource's tag with
 * `resourceGroup().tags[parameters('tagName')]` and only then guards `value: [that] notEquals ""`; Learn's "Pattern:
 * the value operator" explains that guard as "If the tag name ... on the parent resource group exists, the
 * conditional evaluates to true", on the same page that says a failed template function is an implicit deny. The
 * built-in is assigned in many tenants without denying every resource of an untagged group, so the missing tag
 * reads as empty. Any other missing property stays an error, as in ARM templates (tryGet() exists to avoid it).
 */
const lenientTags = new WeakSet<object>();

export function member(o: unknown, prop: string): unknown {
  if (isObject(o)) {
    const v = getProp(o, prop);
    if (v === undefined && lenientTags.has(o)) return null;
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

export function ctxOf(run: Run): ResolvedContext {
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

const ZERO_SUB = '00000000-0000-0000-0000-000000000000';

/** A context that pins utcNow (context.utcNow) makes utcNow() return that timestamp as given. */
const defaultEnvs = new WeakMap<ResolvedOptions, FunctionEnv>();

export function contextClock(context: EvaluationContext | undefined, opts: ResolvedOptions): FunctionEnv {
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
    tags: {},
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
  for (const tags of [resourceGroup['tags'], subscription['tags']]) if (isObject(tags)) lenientTags.add(tags);
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
