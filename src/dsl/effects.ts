/**
 * The `then` block: one builder per effect with typed `details` (Learn effect pages [E-*], policy-semantics.md §8).
 *
 * Each builder takes an optional effect parameter. Its allowedValues must be effects that can stand in for
 * this rule's effect with the same details (Learn "effect basics", interchangeable effects), e.g.
 * `deny(p.effect)` accepts Audit | Deny | Disabled, `deployIfNotExists(details, p.effect)` accepts
 * DeployIfNotExists | AuditIfNotExists | Disabled. Anything else is a type error (and a compile diagnostic).
 */
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import type { Condition } from './conditions.js';
import type { Expr } from './expressions.js';
import { makeFieldFn, type FieldFn, type FieldName, type TargetResourceType } from './fields.js';
import type { EffectName, EffectValue, ParamRef } from './parameters.js';

type Ci<E extends EffectName> = E | Lowercase<E>;

/** Effects that may replace each family's effect through an assignment parameter. */
export interface EffectFamilies {
  audit: Ci<'Audit' | 'Deny' | 'Disabled'>;
  deny: Ci<'Audit' | 'Deny' | 'Disabled'>;
  disabled: Ci<'Disabled'>;
  append: Ci<'Append' | 'Audit' | 'Deny' | 'Disabled'>;
  modify: Ci<'Modify' | 'Audit' | 'Disabled'>;
  auditIfNotExists: Ci<'AuditIfNotExists' | 'Disabled'>;
  deployIfNotExists: Ci<'DeployIfNotExists' | 'AuditIfNotExists' | 'Disabled'>;
  denyAction: Ci<'DenyAction' | 'Disabled'>;
  manual: Ci<'Manual' | 'Disabled'>;
}
export type EffectFamily = keyof EffectFamilies;

export const EFFECT_FAMILIES: { readonly [F in EffectFamily]: readonly EffectName[] } = {
  audit: ['Audit', 'Deny', 'Disabled'],
  deny: ['Audit', 'Deny', 'Disabled'],
  disabled: ['Disabled'],
  append: ['Append', 'Audit', 'Deny', 'Disabled'],
  modify: ['Modify', 'Audit', 'Disabled'],
  auditIfNotExists: ['AuditIfNotExists', 'Disabled'],
  deployIfNotExists: ['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'],
  denyAction: ['DenyAction', 'Disabled'],
  manual: ['Manual', 'Disabled'],
};

/** An effect parameter usable for family F: a String parameter whose allowedValues all fit F. */
export type EffectParam<F extends EffectFamily> = ParamRef<string, EffectFamilies[F], 'string'>;

/** Full role definition id, as roleDefinitionIds requires. */
export type RoleDefinitionId = `/providers/Microsoft.Authorization/roleDefinitions/${string}`;
export function roleDefinitionId(guid: string): RoleDefinitionId {
  return `/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}
/** Built-in roles the Zero Trust controls use (zero-trust-controls.md §0, role GUID table). */
export const roles = {
  owner: roleDefinitionId('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'),
  contributor: roleDefinitionId('b24988ac-6180-42a0-ab88-20f7382dd24c'),
  securityAdmin: roleDefinitionId('fb1c8493-542b-48eb-b624-b4c8fea62acd'),
  storageAccountContributor: roleDefinitionId('17d1049b-9a84-46fb-8f53-869881c3d3ab'),
  networkContributor: roleDefinitionId('4d97b98b-1d4f-4787-a291-c67834d212e7'),
  virtualMachineContributor: roleDefinitionId('9980e02c-c2be-4d73-94e8-173b1dc7cf3c'),
  monitoringContributor: roleDefinitionId('749f88d5-cbae-40b8-bcfc-e573ddc772fa'),
  logAnalyticsContributor: roleDefinitionId('92aaf0da-9dab-42b6-94a3-d43ce8d16293'),
  managedIdentityContributor: roleDefinitionId('e40ec5ca-96e0-45a2-b4ff-59039f2c2b59'),
  managedIdentityOperator: roleDefinitionId('f1a07417-d97a-45cb-824c-7a7467783830'),
} as const;

type Str = string | Expr<'string' | 'unknown'>;
/** A value that may hold expressions at any depth (the compiler renders nested Expr as "[...]" strings). */
type Val = JsonValue | Expr | { readonly [key: string]: Val } | readonly Val[];

// ---- details shapes (data kept by the control; the compiler renders them) ----

export interface AppendItem {
  readonly field: string;
  readonly value: Val;
}

export interface ModifyOperation {
  readonly operation: 'add' | 'addOrReplace' | 'remove';
  readonly field: string;
  readonly value?: Val;
  /** Expression string -> bool; may not use field(), resourceGroup(), subscription() ([E-MODIFY]). */
  readonly condition?: Expr<'boolean' | 'unknown'> | `[${string}]`;
}

export interface ModifyDetails {
  readonly roleDefinitionIds: readonly RoleDefinitionId[];
  /** Default deny ([E-MODIFY]); the 2020-10-01 schema lists audit | deny. */
  readonly conflictEffect?: 'audit' | 'deny' | Expr<'string' | 'unknown'>;
  readonly operations: readonly ModifyOperation[];
}

export type EvaluationDelay = 'AfterProvisioning' | 'AfterProvisioningSuccess' | 'AfterProvisioningFailure' | `PT${string}`;

export interface IfNotExistsDetails {
  readonly type: string;
  readonly name?: Str;
  readonly resourceGroupName?: Str;
  readonly existenceScope?: 'resourceGroup' | 'subscription';
  readonly evaluationDelay?: EvaluationDelay;
  readonly existenceCondition?: Condition;
}

export interface DeploymentSpec {
  /** Required when deploymentScope is subscription ([E-DINE]). */
  readonly location?: string;
  readonly properties: {
    readonly mode: 'incremental' | 'Incremental';
    /** The ARM template. Its own "[...]" expressions are ARM's, not the policy's: emitted as written. */
    readonly template: JsonObject;
    /** Values may be policy expressions (`field('name')`, `p.x`), evaluated by Policy before deploying. */
    readonly parameters?: { readonly [name: string]: { readonly value: Val } };
  };
}

export interface DeployDetails extends IfNotExistsDetails {
  readonly roleDefinitionIds: readonly RoleDefinitionId[];
  readonly deploymentScope?: 'resourceGroup' | 'subscription';
  readonly deployment: DeploymentSpec;
}

export interface DenyActionDetails {
  readonly actionNames: readonly ['delete'];
  readonly cascadeBehaviors?: { readonly resourceGroup?: 'deny' | 'allow' };
}

export interface ManualDetails {
  readonly defaultState?: 'Compliant' | 'NonCompliant' | 'Unknown';
}

export type EffectDetails =
  | { readonly family: 'audit' | 'deny' | 'disabled' }
  | { readonly family: 'append'; readonly details: readonly AppendItem[] }
  | { readonly family: 'modify'; readonly details: ModifyDetails }
  | { readonly family: 'auditIfNotExists'; readonly details: IfNotExistsDetails }
  | { readonly family: 'deployIfNotExists'; readonly details: DeployDetails }
  | { readonly family: 'denyAction'; readonly details: DenyActionDetails }
  | { readonly family: 'manual'; readonly details?: ManualDetails };

/** The `then` block of a rule. `effect` is the fixed effect or the effect parameter. */
export type Effect = EffectDetails & {
  readonly kind: 'effect';
  readonly effect: EffectValue | ParamRef;
};

/** The casing the 2020-10-01 policyDefinition schema's effect enum uses for fixed effects. */
export const FIXED_EFFECT: { readonly [F in EffectFamily]: string } = {
  audit: 'audit',
  deny: 'deny',
  disabled: 'disabled',
  append: 'append',
  modify: 'modify',
  auditIfNotExists: 'auditIfNotExists',
  deployIfNotExists: 'deployIfNotExists',
  denyAction: 'denyAction',
  manual: 'manual',
};

function effect<F extends EffectFamily>(family: F, param: ParamRef | undefined, rest: object): Effect {
  return Object.freeze({ kind: 'effect', family, effect: param ?? FIXED_EFFECT[family], ...rest }) as Effect;
}

export function audit(effectParam?: EffectParam<'audit'>): Effect {
  return effect('audit', effectParam, {});
}
export function deny(effectParam?: EffectParam<'deny'>): Effect {
  return effect('deny', effectParam, {});
}
export function disabled(): Effect {
  return effect('disabled', undefined, {});
}

/** Typed per resource type T: the field names must be fields of the rule's resource type. */
// `in out` on resource-type parameters: declared invariance, see fields.ts (type-checking cost).
export interface TypedAppendItem<in out T extends TargetResourceType> {
  readonly field: FieldName<T>;
  readonly value: Val;
}
export interface TypedModifyOperation<in out T extends TargetResourceType> extends Omit<ModifyOperation, 'field'> {
  /** tags, tags['x'], identity.type (VM/VMSS only) or a Modifiable alias of the rule's resource type. */
  readonly field: FieldName<T>;
}

/** Effects whose details refer to the rule's resource type. The rule context binds T. */
export interface TypedEffects<in out T extends TargetResourceType> {
  append(details: readonly [TypedAppendItem<T>, ...TypedAppendItem<T>[]], effectParam?: EffectParam<'append'>): Effect;
  modify(
    details: Omit<ModifyDetails, 'operations'> & {
      readonly operations: readonly [TypedModifyOperation<T>, ...TypedModifyOperation<T>[]];
    },
    effectParam?: EffectParam<'modify'>,
  ): Effect;
}

export function makeTypedEffects<T extends TargetResourceType>(): TypedEffects<T> {
  return {
    append: (details, effectParam) => effect('append', effectParam, { details: Object.freeze([...details]) }),
    modify: (details, effectParam) => effect('modify', effectParam, { details: Object.freeze({ ...details }) }),
  };
}

/** Details of auditIfNotExists, typed by the related resource type D. */
export interface IfNotExistsSpec<in out D extends TargetResourceType> {
  /** The related resource type whose existence is checked. */
  readonly type: D;
  /** Exact name; must be field('name') / field('fullName') when `type` is the rule's own type ([E-AINE]). */
  readonly name?: Str;
  readonly resourceGroupName?: Str;
  readonly existenceScope?: 'resourceGroup' | 'subscription';
  readonly evaluationDelay?: EvaluationDelay;
  /**
   * Evaluated against each related resource: field names are the related type's (`related`); the `field()`
   * function of the outer rule context still reads the evaluated resource.
   */
  readonly existenceCondition?: (related: FieldFn<D>) => Condition;
}

export interface DeploySpec<in out D extends TargetResourceType> extends IfNotExistsSpec<D> {
  readonly roleDefinitionIds: readonly [RoleDefinitionId, ...RoleDefinitionId[]];
  readonly deploymentScope?: 'resourceGroup' | 'subscription';
  readonly deployment: DeploymentSpec;
}

function ifNotExists<D extends TargetResourceType>(spec: IfNotExistsSpec<D>): IfNotExistsDetails {
  const { existenceCondition, ...rest } = spec;
  return Object.freeze({
    ...rest,
    ...(existenceCondition === undefined ? {} : { existenceCondition: existenceCondition(makeFieldFn<D>()) }),
  });
}

export function auditIfNotExists<const D extends TargetResourceType>(
  spec: IfNotExistsSpec<D>,
  effectParam?: EffectParam<'auditIfNotExists'>,
): Effect {
  return effect('auditIfNotExists', effectParam, { details: ifNotExists(spec) });
}

export function deployIfNotExists<const D extends TargetResourceType>(
  spec: DeploySpec<D>,
  effectParam?: EffectParam<'deployIfNotExists'>,
): Effect {
  const { roleDefinitionIds, deploymentScope, deployment, ...rest } = spec;
  const details: DeployDetails = {
    ...ifNotExists(rest),
    roleDefinitionIds: Object.freeze([...roleDefinitionIds]),
    ...(deploymentScope === undefined ? {} : { deploymentScope }),
    deployment,
  };
  return effect('deployIfNotExists', effectParam, { details: Object.freeze(details) });
}

/** Blocks DELETE of matching resources ([E-DACT]); cascadeBehaviors.resourceGroup defaults to deny. */
export function denyAction(details: DenyActionDetails, effectParam?: EffectParam<'denyAction'>): Effect {
  return effect('denyAction', effectParam, { details: Object.freeze({ ...details }) });
}

/** Compliance set by attestation; defaultState Unknown unless given ([E-MAN]). */
export function manual(details?: ManualDetails, effectParam?: EffectParam<'manual'>): Effect {
  return effect('manual', effectParam, details === undefined ? {} : { details: Object.freeze({ ...details }) });
}

export function isEffect(x: unknown): x is Effect {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'effect';
}
