/**
 * `defineExemption({...})`: a policy exemption as code (exemptions/<name>.ts, one exemption or an array of them
 * per file). It names the initiative object (not a string) and the member controls or built-ins it exempts, so a
 * renamed control is a type error; the build checks the rest (scope syntax, members in the initiative, expiry,
 * Azure's limits) and writes generated/policyExemptions/<name>.json, which publish turns into a
 * Microsoft.Authorization/policyExemptions PUT (api-version 2022-07-01-preview) on the assignment of that
 * initiative in the chosen environment.
 */
import type { BuiltinPolicy } from '../catalog/types.js';
import type { Control } from './control.js';
import type { Initiative } from './initiative.js';

/** The two categories ARM accepts (policyExemptions.json, PolicyExemptionProperties.exemptionCategory). */
export type ExemptionCategory = 'Waiver' | 'Mitigated';
export const EXEMPTION_CATEGORIES: readonly ExemptionCategory[] = ['Waiver', 'Mitigated'];

/** A member of the initiative: a control or built-in object, or a policyDefinitionReferenceId string. */
export type ExemptedMember = Control | BuiltinPolicy | string;

export interface ExemptionSpec {
  /** Exemption resource name (ARM: at most 64 characters, none of <>*%&:\?.+/). */
  readonly name: string;
  /** Shown in the portal; defaults to the name. At most 128 characters. */
  readonly displayName?: string;
  /** Why the exemption exists. At most 512 characters. */
  readonly description: string;
  /** The initiative whose assignment is exempted. */
  readonly initiative: Initiative;
  /** Assignment name, only when the config assigns the initiative more than once in an environment. */
  readonly assignment?: string;
  /** Members exempted; omitted = the whole assignment. */
  readonly members?: readonly ExemptedMember[];
  /**
   * ARM scope the exemption is created at, at or below the assignment: a management group
   * (/providers/Microsoft.Management/managementGroups/<id>), subscription (/subscriptions/<guid>), resource group
   * (/subscriptions/<guid>/resourceGroups/<name>) or resource id.
   */
  readonly scope: string;
  readonly category: ExemptionCategory;
  /** Expiry as an ISO 8601 date ('2027-03-31', end of that day UTC) or date-time with Z; omitted = no expiry. */
  readonly expiresOn?: string;
  /** Change or risk ticket that approved it (kept in metadata.ticket). */
  readonly ticket: string;
  /** Environments the exemption applies to (config `environments` names); omitted = every environment. */
  readonly environments?: readonly string[];
}

export interface Exemption extends Omit<ExemptionSpec, 'members' | 'environments'> {
  readonly kind: 'exemption';
  readonly members: readonly ExemptedMember[];
  readonly environments?: readonly string[];
}

export function defineExemption(spec: ExemptionSpec): Exemption {
  const { members, environments, ...rest } = spec;
  const out: Exemption = {
    ...rest,
    kind: 'exemption',
    members: Object.freeze([...(members ?? [])]),
    ...(environments === undefined ? {} : { environments: Object.freeze([...environments]) }),
  };
  return Object.freeze(out);
}

export function isExemption(v: unknown): v is Exemption {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'exemption';
}
