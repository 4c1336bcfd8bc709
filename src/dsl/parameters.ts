/**
 * Typed policy parameters. A declaration keeps the literal types of its allowedValues, so
 * - a rule can only reference declared parameters (`p.<name>` is typed by the declared keys), and
 * - an effect parameter carries its allowed effects, which the effect builders check against what the rule
 *   supports (e.g. 'DeployIfNotExists' in a deny rule does not compile).
 */
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import type { ParameterType } from '../model.js';
import { Expr, type ExprKind } from './expressions.js';

export interface ParameterMetadata {
  readonly displayName?: string;
  readonly description?: string;
  /** Portal picker only (e.g. 'location', 'Microsoft.Network/virtualNetworks'); no effect on evaluation. */
  readonly strongType?: string;
  /** Lets the portal create role assignments for a resource-id parameter during assignment. */
  readonly assignPermissions?: boolean;
  readonly deprecated?: boolean;
}

/** A declared parameter. `V` is the TypeScript type of a value an assignment (or an initiative) may pass. */
export interface ParameterSpec<T extends ParameterType = ParameterType, V = unknown> {
  readonly kind: 'parameter';
  readonly type: T;
  readonly allowedValues?: readonly V[];
  readonly defaultValue?: V;
  readonly metadata?: ParameterMetadata;
  /** JSON schema (object parameters only). */
  readonly schema?: JsonObject;
  /** Phantom: value type, for the checker only. */
  readonly __value?: V;
}

export type ParameterSpecs = { readonly [name: string]: ParameterSpec };

interface CommonOptions extends ParameterMetadata {
  readonly schema?: JsonObject;
}
interface Options<V> extends CommonOptions {
  readonly allowedValues?: readonly V[];
  readonly defaultValue?: NoInfer<V>;
}

interface ArrayOptions<V extends readonly JsonValue[]> extends CommonOptions {
  readonly allowedValues?: readonly (V | V[number])[];
  readonly defaultValue?: NoInfer<V>;
}

function make<T extends ParameterType, V>(type: T, o: Options<V> | undefined): ParameterSpec<T, V> {
  const metadata: ParameterMetadata = {};
  const m = metadata as Record<string, unknown>;
  if (o?.displayName !== undefined) m['displayName'] = o.displayName;
  if (o?.description !== undefined) m['description'] = o.description;
  if (o?.strongType !== undefined) m['strongType'] = o.strongType;
  if (o?.assignPermissions !== undefined) m['assignPermissions'] = o.assignPermissions;
  if (o?.deprecated !== undefined) m['deprecated'] = o.deprecated;
  const spec: { -readonly [K in keyof ParameterSpec<T, V>]: ParameterSpec<T, V>[K] } = { kind: 'parameter', type };
  if (o?.allowedValues !== undefined) spec.allowedValues = Object.freeze([...o.allowedValues]);
  if (o?.defaultValue !== undefined) spec.defaultValue = o.defaultValue;
  if (Object.keys(metadata).length > 0) spec.metadata = Object.freeze(metadata);
  if (o?.schema !== undefined) spec.schema = o.schema;
  return Object.freeze(spec);
}

/** Every effect name Azure Policy knows, in the casing the built-ins use. */
export type EffectName =
  | 'Audit'
  | 'Deny'
  | 'Disabled'
  | 'Append'
  | 'Modify'
  | 'AuditIfNotExists'
  | 'DeployIfNotExists'
  | 'DenyAction'
  | 'Manual';
export const EFFECT_NAMES: readonly EffectName[] = [
  'Audit', 'Deny', 'Disabled', 'Append', 'Modify', 'AuditIfNotExists', 'DeployIfNotExists', 'DenyAction', 'Manual',
];

/** Effect names are case-insensitive in Azure; the DSL accepts the built-in casing and all lower-case. */
export type EffectValue = EffectName | Lowercase<EffectName>;

/** Parameter declaration helpers: `param.string({...})`, `param.effect(['Audit', 'Deny', 'Disabled'], 'Deny')`. */
export const param = {
  string: <const V extends string = string>(o?: Options<V>) => make<'String', V>('String', o),
  /**
   * allowedValues of an Array parameter may list whole arrays or the allowed elements (Azure accepts both; 303
   * built-in parameters list elements, with a default that is an array of them).
   */
  array: <const V extends readonly JsonValue[] = readonly JsonValue[]>(o?: ArrayOptions<V>) => make<'Array', V>('Array', o as Options<V>),
  object: <const V extends { readonly [k: string]: JsonValue } = { readonly [k: string]: JsonValue }>(o?: Options<V>) =>
    make<'Object', V>('Object', o),
  boolean: (o?: Options<boolean>) => make<'Boolean', boolean>('Boolean', o),
  integer: <const V extends number = number>(o?: Options<V>) => make<'Integer', V>('Integer', o),
  float: <const V extends number = number>(o?: Options<V>) => make<'Float', V>('Float', o),
  /** ISO 8601 yyyy-MM-ddTHH:mm:ss.fffffffZ. */
  dateTime: (o?: Options<string>) => make<'DateTime', string>('DateTime', o),
  /**
   * The conventional `effect` parameter: a String with allowedValues (required, so the compiler and the type
   * checker know which effects an assignment may pick) and a default.
   */
  effect: <const V extends EffectValue>(allowedValues: readonly [V, ...V[]], defaultValue: NoInfer<V>, o?: CommonOptions) =>
    make<'String', V>('String', {
      displayName: 'Effect',
      description: 'Enable or disable the execution of the policy',
      ...o,
      allowedValues,
      defaultValue,
    }),
} as const;

type KindOf<T extends ParameterType> = T extends 'String' | 'DateTime'
  ? 'string'
  : T extends 'Integer' | 'Float'
    ? 'number'
    : T extends 'Boolean'
      ? 'boolean'
      : T extends 'Array'
        ? 'array'
        : 'object';

/** `[parameters('name')]`: an expression that also remembers the parameter's name and value type. */
export class ParamRef<N extends string = string, V = unknown, K extends ExprKind = ExprKind> extends Expr<K> {
  declare readonly __paramValue: V;
  constructor(readonly paramName: N) {
    super({ t: 'call', name: 'parameters', args: [{ t: 'lit', value: paramName }] });
  }
}

export type ParamRefOf<N extends string, S extends ParameterSpec> =
  S extends ParameterSpec<infer T, infer V> ? ParamRef<N, V, KindOf<T>> : never;

/** The `p` object a rule receives: one typed reference per declared parameter. */
export type ParamRefs<P extends ParameterSpecs> = { readonly [N in keyof P & string]: ParamRefOf<N, P[N]> };

export function paramRefs<P extends ParameterSpecs>(specs: P): ParamRefs<P> {
  const out: Record<string, ParamRef> = {};
  for (const name of Object.keys(specs)) out[name] = new ParamRef(name);
  return Object.freeze(out) as unknown as ParamRefs<P>;
}

/** Value type of a declared parameter, for initiatives passing values to members. */
export type ParamValue<S extends ParameterSpec> = S extends ParameterSpec<ParameterType, infer V> ? V : never;
