/**
 * `defineControl({...})`: one Zero Trust control, as data. Calling it has no side effects (no registry):
 * definitions/<unit>/<name>.ts default-exports the returned object and the compiler turns it into a policy
 * definition. The rule callback runs once, here, with a context typed by the control's resource type and
 * parameters, so the stored control is plain frozen data.
 */
import type { JsonObject } from '../compiler/canonical-json.js';
import type { ArticleStep, Principle, Unit } from '../model.js';
import { count, countValue, type Condition } from './conditions.js';
import type { Effect } from './effects.js';
import { makeTypedEffects, type TypedEffects } from './effects.js';
import { makeFieldFn, type FieldFn, type TargetResourceType } from './fields.js';
import { paramRefs, type ParamRefOf, type ParamRefs, type ParameterSpecs } from './parameters.js';

/**
 * Resource Manager modes and the resource-provider modes (Learn "definition structure basics", Mode).
 * Provider modes are evaluated by the RP and mostly reserved for built-ins; the offline evaluator reports
 * them as unsupported.
 */
export type PolicyMode =
  | 'All'
  | 'Indexed'
  | 'Microsoft.KeyVault.Data'
  | 'Microsoft.Kubernetes.Data'
  | 'Microsoft.Network.Data'
  | 'Microsoft.ManagedHSM.Data'
  | 'Microsoft.DataFactory.Data'
  | 'Microsoft.MachineLearningServices.v2.Data';
export const POLICY_MODES: readonly PolicyMode[] = [
  'All', 'Indexed', 'Microsoft.KeyVault.Data', 'Microsoft.Kubernetes.Data', 'Microsoft.Network.Data',
  'Microsoft.ManagedHSM.Data', 'Microsoft.DataFactory.Data', 'Microsoft.MachineLearningServices.v2.Data',
];

export interface PolicyRule {
  readonly if: Condition;
  readonly then: Effect;
}

/** What the rule callback receives. */
// `in out`: declared invariance, so tsc does not compute variance through FieldName (see fields.ts, type-checking cost).
export interface RuleContext<in out T extends TargetResourceType, in out P extends ParameterSpecs> extends TypedEffects<T> {
  /** A field of the evaluated resource: an alias of `resourceType` or a special field (type, name, tags...). */
  readonly field: FieldFn<T>;
  /** Typed references to the declared parameters: `p.effect` renders `[parameters('effect')]`. */
  readonly p: ParamRefs<P>;
  /** Same as `p[name]`, spelled like the template function. */
  readonly parameters: <N extends keyof P & string>(name: N) => ParamRefOf<N, P[N]>;
  readonly count: typeof count;
  readonly countValue: typeof countValue;
}

export interface ControlSpec<in out T extends TargetResourceType, in out P extends ParameterSpecs> {
  /** Policy definition name = file name, carries the control id: 'zt-stg-02-minimum-tls'. */
  readonly name: string;
  /** 'ZT-STG-02' */
  readonly controlId: string;
  readonly displayName: string;
  readonly description: string;
  readonly principle: Principle;
  /** The article step the control implements (zero-trust-controls.md, e.g. 1 or [2, 6]). */
  readonly step?: ArticleStep;
  readonly unit: Unit;
  /** Semantic version of the definition (properties.version and metadata.version). */
  readonly version: string;
  /** Portal category, e.g. 'Storage'. */
  readonly category: string;
  readonly mode: PolicyMode;
  /** The primary resource type the rule targets: types the `field` names the rule may use. */
  readonly resourceType: T;
  readonly parameters?: P;
  readonly rule: (ctx: RuleContext<T, P>) => PolicyRule;
  /** How to fix a non-compliant resource (emitted in metadata.ztpolicy.remediation and the docs). */
  readonly remediation: string;
  /** Why the control exists (the Zero Trust reasoning). */
  readonly reason?: string;
  /**
   * More metadata, emitted as written (e.g. `source` and `alzCloudEnvironments` of an imported Azure Landing
   * Zones policy). `version`, `category` and `ztpolicy` are the compiler's and cannot be set here.
   */
  readonly metadata?: JsonObject;
  /**
   * Set by `ztpolicy import`: the control keeps the name it has in Azure (e.g. 'Deny-Sql-minTLS'), so the
   * assignments and initiatives that point at it keep working. Azure's name rules still apply; the house rules
   * (lower-case kebab-case, a ZT-<UNIT>-<nn> control id the name starts with) do not.
   */
  readonly imported?: boolean;
}

export interface Control<T extends TargetResourceType = TargetResourceType, P extends ParameterSpecs = ParameterSpecs> {
  readonly kind: 'control';
  readonly name: string;
  readonly controlId: string;
  readonly displayName: string;
  readonly description: string;
  readonly principle: Principle;
  readonly step?: ArticleStep;
  readonly unit: Unit;
  readonly version: string;
  readonly category: string;
  readonly mode: PolicyMode;
  readonly resourceType: T;
  readonly parameters: P;
  readonly rule: PolicyRule;
  readonly remediation: string;
  readonly reason?: string;
  readonly metadata?: JsonObject;
  readonly imported?: boolean;
}

export function defineControl<const T extends TargetResourceType, const P extends ParameterSpecs = {}>(
  spec: ControlSpec<T, P>,
): Control<T, P> {
  const parameters = Object.freeze({ ...(spec.parameters ?? {}) }) as P;
  const p = paramRefs(parameters);
  const ctx: RuleContext<T, P> = {
    field: makeFieldFn<T>(),
    p,
    parameters: (name) => p[name],
    count,
    countValue,
    ...makeTypedEffects<T>(),
  };
  const rule = spec.rule(ctx);
  const control: Control<T, P> = {
    kind: 'control',
    name: spec.name,
    controlId: spec.controlId,
    displayName: spec.displayName,
    description: spec.description,
    principle: spec.principle,
    ...(spec.step === undefined ? {} : { step: Object.freeze(spec.step) as ArticleStep }),
    unit: spec.unit,
    version: spec.version,
    category: spec.category,
    mode: spec.mode,
    resourceType: spec.resourceType,
    parameters,
    rule: Object.freeze({ if: rule.if, then: rule.then }),
    remediation: spec.remediation,
    ...(spec.reason === undefined ? {} : { reason: spec.reason }),
    ...(spec.metadata === undefined ? {} : { metadata: Object.freeze({ ...spec.metadata }) }),
    ...(spec.imported === true ? { imported: true } : {}),
  };
  return Object.freeze(control);
}
