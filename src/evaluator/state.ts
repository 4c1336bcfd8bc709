/**
 * What compiled conditions share: resolved evaluator options, alias resolution per (resource type, API version),
 * the per-evaluation state (the resource, count scopes, parameters, context) and the compile context.
 */
import { aliasPathFor, type AliasSource, type EvaluatorResourceType } from './aliases.js';
import { fold } from './case-fold.js';
import { EvaluatorCode, PolicyDefinitionError } from './errors.js';
import { parsePath, segmentsKey, type FieldSpec, type Segment } from './fields.js';
import type { FunctionEnv } from './functions.js';
import type { OperatorOptions } from './operators.js';
import type { DefinitionParameter, EvaluatorOptions, TraceEntry } from './types.js';
import type { RunInput } from './compile.js';

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

export interface Resolved {
  readonly segs: readonly Segment[];
  /** Canonical key of the path up to and including each `[*]`. */
  readonly wildKeys: readonly string[];
  /** Segment index just after each `[*]`. */
  readonly wildEnds: readonly number[];
  readonly heuristic: boolean;
}

/** null = the alias does not exist for this resource type (selects nothing). */
export type Resolution = Resolved | null;

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

export function resolveFieldIn(spec: FieldSpec & { kind: 'alias' | 'path' }, t: TypeContext, opts: ResolvedOptions): Resolution {
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

export interface ResourceRef {
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

export interface Run {
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

export interface State {
  res: ResourceRef;
  fnRes: ResourceRef;
  scopes: Scope[];
  readonly run: Run;
  readonly trace: TraceEntry[] | undefined;
}

export interface ResolvedContext {
  readonly resourceGroup: Record<string, unknown>;
  readonly subscription: Record<string, unknown>;
  readonly policy: Record<string, unknown>;
  readonly requestContext: Record<string, unknown>;
}

export type Cond = (s: State) => boolean;

export type Expr = (s: State) => unknown;

export interface CompileCtx {
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

export function shapeError(path: string, message: string, hint?: string): PolicyDefinitionError {
  return new PolicyDefinitionError(EvaluatorCode.ruleShape, `${message} (at ${path})`, { jsonPath: path, ...(hint ? { hint } : {}) });
}

/** Case-insensitive key lookup on a rule object (Azure accepts AllOf/allof alike). */
export function keyOf(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const f = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === f);
}
