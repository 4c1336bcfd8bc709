/**
 * Library entry points: evaluatePolicy (compile + run, with compiled rules cached per definition object) and
 * compilePolicy (compile once, run many times).
 */
import { loadBundledAliases } from '../catalog/aliases.js';
import {
  aliasSourceFromCatalog,
  aliasSourceFromJson,
  layeredAliasSource,
  EMPTY_ALIAS_SOURCE,
  type AliasSource,
} from './aliases.js';
import { CompiledPolicy } from './compile.js';
import { resolveOptions } from './state.js';
import { EvaluatorCode, PolicyDefinitionError } from './errors.js';
import type { AliasCatalogInput, EvaluateInput, EvaluationResult, EvaluatorOptions, PolicyDefinitionInput } from './types.js';

export { CompiledPolicy } from './compile.js';
export type { RunInput } from './compile.js';

let bundled: AliasSource | undefined;

/** The alias catalog vendored with ztpolicy (src/catalog/data/aliases.json.gz), loaded once. */
export function bundledAliasSource(): AliasSource {
  return (bundled ??= aliasSourceFromCatalog(loadBundledAliases()));
}

function isAliasSource(v: unknown): v is AliasSource {
  return typeof v === 'object' && v !== null && typeof (v as AliasSource).getType === 'function' && typeof (v as AliasSource).findAlias === 'function';
}

const jsonSources = new WeakMap<object, AliasSource>();

/** Builds the alias source for an input catalog layered over the bundled one (the input wins). */
export function aliasSourceFor(aliases: AliasCatalogInput | undefined, options: EvaluatorOptions = {}): AliasSource {
  const useBundled = options.bundledAliases ?? true;
  if (aliases === undefined) return useBundled ? bundledAliasSource() : EMPTY_ALIAS_SOURCE;
  let own: AliasSource;
  if (isAliasSource(aliases)) own = aliases;
  else {
    const cached = jsonSources.get(aliases);
    own = cached ?? aliasSourceFromJson(aliases);
    if (!cached) jsonSources.set(aliases, own);
  }
  if (!useBundled) return own;
  let layered = layeredCache.get(own);
  if (!layered) layeredCache.set(own, (layered = layeredAliasSource([own, bundledAliasSource()])));
  return layered;
}
const layeredCache = new WeakMap<AliasSource, AliasSource>();

/** Evaluator options plus the alias catalog to layer over the bundled one. */
export type CompileOptions = EvaluatorOptions & { aliases?: AliasCatalogInput };

/**
 * Compiles a definition ({ name?, properties: { policyRule, parameters, mode } } or its properties) or a bare
 * policyRule ({ if, then }) once; run it with `.evaluate(resource, { parameters, context, related, apiVersion })`.
 * Throws PolicyDefinitionError (a ZtError with a code) when the rule is malformed: unknown operator, bad
 * expression, undeclared parameter, unknown effect.
 */
export function compilePolicy(definition: PolicyDefinitionInput | { if: unknown; then: unknown }, opts: CompileOptions = {}): CompiledPolicy {
  const { aliases, ...evaluatorOptions } = opts;
  const options = resolveOptions(evaluatorOptions);
  const source = aliasSourceFor(aliases, evaluatorOptions);
  const d = definition as Record<string, unknown>;
  const isBareRule = typeof d === 'object' && d !== null && ('if' in d || 'then' in d) && !('properties' in d) && !('policyRule' in d);
  return new CompiledPolicy(isBareRule ? { policyRule: d } : { definition: definition as PolicyDefinitionInput }, options, source);
}

/** definition object -> options key -> alias catalog object (or NO_CATALOG) -> compiled policy */
const cache = new WeakMap<object, CacheEntry>();
interface CacheEntry {
  /** Compiled with default options and the bundled catalog: the plain loop's case, one lookup away. */
  plain?: CompiledPolicy;
  byOptions?: Map<string, WeakMap<object, CompiledPolicy>>;
}
const NO_CATALOG = {};

/** Options as a cache key, or undefined when they hold a function (a clock) that cannot be keyed by value. */
function optionsKey(input: EvaluateInput): string | undefined {
  const options = input.options;
  const kind = input.definition ? '|def' : '|rule';
  if (options === undefined) return kind;
  if (typeof options.now === 'function') return undefined;
  // Keyed by the options object as well: a loop passes the same object every time (and does not mutate it).
  let key = optionKeys.get(options);
  if (key === undefined) optionKeys.set(options, (key = JSON.stringify(options)));
  return key + kind;
}
const optionKeys = new WeakMap<object, string>();

function build(input: EvaluateInput): CompiledPolicy {
  return new CompiledPolicy(
    input.definition ? { definition: input.definition } : { policyRule: input.policyRule },
    resolveOptions(input.options),
    aliasSourceFor(input.aliases, input.options),
  );
}

// No closure is created per call here: this runs for every (policy, resource) pair of a loop.
function compiledFor(src: object, input: EvaluateInput): CompiledPolicy {
  let entry = cache.get(src);
  if (!entry) cache.set(src, (entry = {}));
  // A definition object is either a definition or a rule for its caller, so `plain` needs no kind in its key.
  if (input.options === undefined && input.aliases === undefined && input.definition !== undefined) return (entry.plain ??= build(input));
  const key = optionsKey(input);
  if (key === undefined) return build(input);
  const byOptions = (entry.byOptions ??= new Map());
  let byCatalog = byOptions.get(key);
  if (!byCatalog) byOptions.set(key, (byCatalog = new WeakMap()));
  const catalogKey = (input.aliases ?? NO_CATALOG) as object;
  let compiled = byCatalog.get(catalogKey);
  if (!compiled) byCatalog.set(catalogKey, (compiled = build(input)));
  return compiled;
}

/**
 * Evaluates one policy against one resource, as Azure would for a create/update request (alias paths for
 * `apiVersion`) or a compliance scan (no apiVersion: the catalog's default paths).
 *
 * - Malformed definition -> throws PolicyDefinitionError (code ZT5001..ZT5006).
 * - Runtime failure -> { effect: 'deny', error: { code, message } } (Azure: implicit deny).
 * - effect is lower-case ('deny', 'auditifnotexists'); effectAsWritten keeps the spelling of the rule.
 *
 * The compiled rule is cached per definition object (and options object), so a loop over resources and policies
 * compiles each policy once; the trace is recorded cheaply and formatted only when read.
 */
export function evaluatePolicy(input: EvaluateInput): EvaluationResult {
  const src = (input.definition ?? input.policyRule) as object | undefined;
  if (src === undefined || src === null || typeof src !== 'object') {
    throw new PolicyDefinitionError(EvaluatorCode.ruleShape, 'evaluatePolicy needs a definition or a policyRule object', {
      hint: 'pass { definition } (a whole policy definition) or { policyRule: { if, then } }',
    });
  }
  // The input carries the run's fields under the same names (parameters, apiVersion, requestContext, context, related).
  return compiledFor(src, input).evaluate(input.resource, input);
}
