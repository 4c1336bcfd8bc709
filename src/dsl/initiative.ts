/**
 * `defineInitiative({...})`: a policy set built from control objects and typed built-ins (never name strings),
 * so renaming a control or passing a wrong parameter to a member is a type error, not a failed publish.
 *
 * Member parameter values are typed from the member's declared parameters: a literal of the allowed type,
 * a raw "[...]" expression, or a reference to an initiative parameter (`p.x`, rendered
 * "[parameters('x')]") whose allowed values fit the member's.
 */
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import type { BuiltinParameter, BuiltinParameterValue, BuiltinPolicy } from '../catalog/types.js';
import type { ArticleStep, Principle, Unit } from '../model.js';
import type { Control } from './control.js';
import type { ControlCatalog } from './control-catalog.js';
import type { ExprKind } from './expressions.js';
import { paramRefs, type ParamRef, type ParamRefs, type ParamValue, type ParameterSpec, type ParameterSpecs } from './parameters.js';

type Expression = `[${string}]`;

/** A value passed to a member parameter whose values are V. */
export type MemberValue<V> = V | Expression | ParamRef<string, V, ExprKind>;

type ControlParams<C> = C extends Control<infer _T, infer P> ? P : never;

export type ControlMemberParameters<P extends ParameterSpecs> = {
  readonly [N in keyof P]?: MemberValue<ParamValue<P[N]>>;
};

type BuiltinValue<B extends BuiltinParameter> = Exclude<BuiltinParameterValue<B>, Expression>;
type RequiredBuiltinKeys<P> = { [N in keyof P]: P[N] extends { readonly hasDefault: false } ? N : never }[keyof P];
export type BuiltinMemberParameters<P extends Readonly<Record<string, BuiltinParameter>>> = {
  readonly [N in Exclude<keyof P, RequiredBuiltinKeys<P>>]?: MemberValue<BuiltinValue<P[N]>>;
} & {
  readonly [N in RequiredBuiltinKeys<P>]: MemberValue<BuiltinValue<P[N]>>;
};

interface MemberOptionsBase {
  /** policyDefinitionReferenceId; derived by the compiler (src/compiler/naming.ts) when absent. */
  readonly referenceId?: string;
  /** Extra group names beyond the derived principle/unit groups. */
  readonly groups?: readonly string[];
  /**
   * definitionVersion of the reference, e.g. '1.*.*'. Built-ins default to the catalog's major version
   * (src/compiler/compile-initiative.ts); controls default to none (ztpolicy publishes one version of each).
   */
  readonly definitionVersion?: string;
}

export interface ControlMemberOptions<P extends ParameterSpecs> extends MemberOptionsBase {
  readonly parameters?: ControlMemberParameters<P>;
}

/**
 * What a built-in member says about the catalog control it implements (zero-trust-controls.md); a custom control
 * carries the same facts itself. The id prefixes the reference id; the rest describes the control's policy
 * definition group, so built-in and custom members of one control show together with its step, reason and
 * remediation. Initiatives keep one const per control and spread it into each of its members.
 */
export interface ControlDetails {
  /** Short title of the control, e.g. 'HTTPS only (secure transfer required)'. */
  readonly title?: string;
  /** The article step(s) the control implements. */
  readonly step?: ArticleStep;
  /** How to fix a non-compliant resource. */
  readonly remediation?: string;
  /** Why the control exists (the Zero Trust reasoning). */
  readonly reason?: string;
}

export interface ControlInfo extends ControlDetails {
  /** 'ZT-STG-01' */
  readonly controlId: string;
}

export interface BuiltinMemberOptions<P extends Readonly<Record<string, BuiltinParameter>>> extends MemberOptionsBase, ControlDetails {
  /**
   * The catalog control this built-in implements ('ZT-STG-01'; controls carry their own). It prefixes the
   * reference id and counts the control as covered in coverage.md.
   */
  readonly controlId: string;
  /** The unit it belongs to when not the initiative's (e.g. ZT-MON-01 in the Defender-and-monitoring initiative). */
  readonly unit?: Unit;
  /** The Zero Trust principle this built-in serves in the initiative (controls carry their own). */
  readonly principle: Principle;
  readonly parameters?: BuiltinMemberParameters<P>;
}

export type MemberParameterValue = JsonValue | ParamRef | Expression;

export interface Member {
  readonly kind: 'member';
  readonly target: Control | BuiltinPolicy;
  readonly parameters: { readonly [name: string]: MemberParameterValue };
  readonly principle: Principle;
  /** The catalog control the member implements: the control's own id, or the one given for a built-in. */
  readonly controlId: string;
  /** What the member says about its control (a control's own title, step, remediation and reason). */
  readonly control: ControlInfo;
  /** Set when the member comes from a unit initiative (or is a control); built-ins get the initiative's unit. */
  readonly unit?: Unit;
  readonly referenceId?: string;
  readonly groups?: readonly string[];
  readonly definitionVersion?: string;
}

function freezeParams(p: object | undefined): { readonly [name: string]: MemberParameterValue } {
  return Object.freeze({ ...((p ?? {}) as Record<string, MemberParameterValue>) });
}

/** A control member. */
export function member<C extends Control>(control: C, options?: ControlMemberOptions<ControlParams<C>>): Member;
/** A built-in member (typed from src/catalog/builtins.ts). */
export function member<P extends Readonly<Record<string, BuiltinParameter>>>(
  builtin: BuiltinPolicy<P>,
  options: BuiltinMemberOptions<P>,
): Member;
export function member(
  target: Control | BuiltinPolicy,
  options?: ControlMemberOptions<ParameterSpecs> | BuiltinMemberOptions<Readonly<Record<string, BuiltinParameter>>>,
): Member {
  const isControl = target.kind === 'control';
  const builtinOptions = isControl ? undefined : (options as BuiltinMemberOptions<Readonly<Record<string, BuiltinParameter>>> | undefined);
  const principle = isControl ? target.principle : builtinOptions?.principle;
  if (principle === undefined) throw new TypeError(`built-in member ${target.name} needs a principle`);
  const controlId = isControl ? target.controlId : builtinOptions?.controlId;
  if (controlId === undefined) throw new TypeError(`built-in member ${target.name} needs the controlId it implements`);
  const details: ControlDetails = isControl
    ? { title: target.displayName, ...(target.step === undefined ? {} : { step: target.step }), remediation: target.remediation, ...(target.reason === undefined ? {} : { reason: target.reason }) }
    : builtinOptions!;
  const control: ControlInfo = Object.freeze({
    controlId,
    ...(details.title === undefined ? {} : { title: details.title }),
    ...(details.step === undefined ? {} : { step: details.step }),
    ...(details.remediation === undefined ? {} : { remediation: details.remediation }),
    ...(details.reason === undefined ? {} : { reason: details.reason }),
  });
  const m: Member = {
    kind: 'member',
    target,
    parameters: freezeParams(options?.parameters),
    principle,
    controlId,
    control,
    ...(isControl ? { unit: target.unit } : builtinOptions?.unit === undefined ? {} : { unit: builtinOptions.unit }),
    ...(options?.referenceId === undefined ? {} : { referenceId: options.referenceId }),
    ...(options?.groups === undefined ? {} : { groups: Object.freeze([...options.groups]) }),
    ...(options?.definitionVersion === undefined ? {} : { definitionVersion: options.definitionVersion }),
  };
  return Object.freeze(m);
}

/** How members are grouped (policyDefinitionGroups): by Zero Trust principle and/or by unit. */
export type GroupBy = 'principle' | 'unit';

export interface InitiativeSpec<P extends ParameterSpecs> {
  /** Policy set definition name, e.g. 'zt-storage'. The assignment name is derived from it (naming.ts). */
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly version: string;
  readonly category: string;
  /** The unit of a unit initiative; absent for the umbrella. */
  readonly unit?: Unit;
  readonly parameters?: P;
  readonly members?: (ctx: { readonly p: ParamRefs<P> }) => readonly Member[];
  /**
   * Initiatives whose members (and parameters) are copied in: Azure cannot nest initiatives, so the umbrella
   * flattens its unit initiatives at compile time.
   */
  readonly include?: readonly Initiative[];
  /** Default ['principle'] (+ 'unit' when members come from more than one unit). */
  readonly groupBy?: readonly GroupBy[];
  /**
   * The control catalog this initiative (the umbrella) answers for: the build writes summaries/coverage.md and
   * fails when a catalog id is neither implemented by a member nor given a status (src/dsl/control-catalog.ts).
   */
  readonly catalog?: ControlCatalog;
  /** What a reviewer must know that the JSON cannot say (roles, side effects); shown in the generated summary. */
  readonly reviewerNotes?: readonly string[];
  /** More metadata, emitted as written; `version`, `category` and `ztpolicy` are the compiler's. */
  readonly metadata?: JsonObject;
  /** Set by `ztpolicy import`: keeps the name it has in Azure (see ControlSpec.imported). */
  readonly imported?: boolean;
}

export interface Initiative<P extends ParameterSpecs = ParameterSpecs> {
  readonly kind: 'initiative';
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly version: string;
  readonly category: string;
  readonly unit?: Unit;
  /** Own parameters (included initiatives keep theirs; the compiler merges them). */
  readonly parameters: P;
  /** Own members, with the unit filled in. */
  readonly members: readonly Member[];
  readonly include: readonly Initiative[];
  readonly groupBy?: readonly GroupBy[];
  readonly catalog?: ControlCatalog;
  readonly reviewerNotes?: readonly string[];
  readonly metadata?: JsonObject;
  readonly imported?: boolean;
}

export function defineInitiative<const P extends ParameterSpecs = {}>(spec: InitiativeSpec<P>): Initiative<P> {
  const parameters = Object.freeze({ ...(spec.parameters ?? {}) }) as P;
  const raw = spec.members?.({ p: paramRefs(parameters) }) ?? [];
  const members = raw.map((m) =>
    m.unit !== undefined || spec.unit === undefined ? m : Object.freeze({ ...m, unit: spec.unit }),
  );
  const initiative: Initiative<P> = {
    kind: 'initiative',
    name: spec.name,
    displayName: spec.displayName,
    description: spec.description,
    version: spec.version,
    category: spec.category,
    ...(spec.unit === undefined ? {} : { unit: spec.unit }),
    parameters,
    members: Object.freeze(members),
    include: Object.freeze([...(spec.include ?? [])]),
    ...(spec.groupBy === undefined ? {} : { groupBy: Object.freeze([...spec.groupBy]) }),
    ...(spec.catalog === undefined ? {} : { catalog: spec.catalog }),
    ...(spec.reviewerNotes === undefined ? {} : { reviewerNotes: Object.freeze([...spec.reviewerNotes]) }),
    ...(spec.metadata === undefined ? {} : { metadata: Object.freeze({ ...spec.metadata }) }),
    ...(spec.imported === true ? { imported: true } : {}),
  };
  return Object.freeze(initiative);
}

export type { ParameterSpec };
