/**
 * The shapes the compiler emits under generated/ and that validate, evaluator and publisher consume.
 * These are the REST API's PUT bodies (Microsoft.Authorization policyDefinitions / policySetDefinitions,
 * api-version 2024-05-01) plus the resource `name`, which ARM ignores in a PUT body (it is read-only and taken
 * from the URL) but which makes every file self-describing for reviewers and for `ztpolicy evaluate`.
 */
import type { JsonObject, JsonValue } from './compiler/canonical-json.js';

export type Unit = 'storage' | 'vm' | 'spoke-vnet' | 'hub-vnet' | 'defender' | 'monitoring';
export const UNITS: readonly Unit[] = ['storage', 'vm', 'spoke-vnet', 'hub-vnet', 'defender', 'monitoring'];

export type Principle = 'verify-explicitly' | 'least-privilege' | 'assume-breach';
export const PRINCIPLES: readonly Principle[] = ['verify-explicitly', 'least-privilege', 'assume-breach'];

/**
 * The step of the Microsoft "Apply Zero Trust principles to Azure IaaS" article a control implements
 * (zero-trust-controls.md: "Step 1", or "Step 2 / 6" when a control serves two steps).
 */
export type ArticleStep = number | readonly [number, ...number[]];

/** "1" or "2 / 6": how a step is written in metadata and summaries. */
export function formatArticleStep(step: ArticleStep): string {
  return typeof step === 'number' ? String(step) : step.join(' / ');
}

export type ParameterType = 'String' | 'Array' | 'Object' | 'Boolean' | 'Integer' | 'Float' | 'DateTime';

export interface ParameterDefinition {
  type: ParameterType;
  allowedValues?: JsonValue[];
  defaultValue?: JsonValue;
  schema?: JsonObject;
  metadata?: {
    displayName?: string;
    description?: string;
    strongType?: string;
    assignPermissions?: boolean;
    deprecated?: boolean;
    [key: string]: JsonValue | undefined;
  };
}

export interface PolicyDefinitionProperties {
  displayName: string;
  description: string;
  policyType: 'Custom';
  mode: string;
  /** Carries `version`, `category` and the `ztpolicy` block (control id, principle, unit, remediation). */
  metadata: JsonObject;
  version?: string;
  parameters?: Record<string, ParameterDefinition>;
  policyRule: { if: JsonObject; then: JsonObject };
}

/** generated/policyDefinitions/<unit>/<name>.json */
export interface PolicyDefinitionDocument {
  name: string;
  properties: PolicyDefinitionProperties;
}

export interface PolicyDefinitionReference {
  policyDefinitionId: string;
  policyDefinitionReferenceId: string;
  definitionVersion?: string;
  parameters?: Record<string, { value: JsonValue }>;
  groupNames?: string[];
}

export interface PolicyDefinitionGroup {
  name: string;
  displayName?: string;
  description?: string;
  category?: string;
}

export interface PolicySetDefinitionProperties {
  displayName: string;
  description: string;
  policyType: 'Custom';
  metadata: JsonObject;
  version?: string;
  parameters?: Record<string, ParameterDefinition>;
  policyDefinitions: PolicyDefinitionReference[];
  policyDefinitionGroups?: PolicyDefinitionGroup[];
}

/** generated/policySetDefinitions/<name>.json */
export interface PolicySetDefinitionDocument {
  name: string;
  properties: PolicySetDefinitionProperties;
}

/**
 * How an initiative refers to a custom member whose management group is not known at build time (decided once):
 * the generated JSON holds this literal placeholder in place of the management group id, e.g.
 *   /providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/zt-stg-02-minimum-tls
 * The publisher substitutes the target management group; the evaluator resolves custom members by the final
 * name segment. Built-in members keep their real tenant-independent id
 * (/providers/Microsoft.Authorization/policyDefinitions/<guid>).
 */
export const MANAGEMENT_GROUP_PLACEHOLDER = '{managementGroupId}';

export function customDefinitionId(name: string, managementGroupId: string = MANAGEMENT_GROUP_PLACEHOLDER): string {
  return `/providers/Microsoft.Management/managementGroups/${managementGroupId}/providers/Microsoft.Authorization/policyDefinitions/${name}`;
}

export function customSetDefinitionId(name: string, managementGroupId: string = MANAGEMENT_GROUP_PLACEHOLDER): string {
  return `/providers/Microsoft.Management/managementGroups/${managementGroupId}/providers/Microsoft.Authorization/policySetDefinitions/${name}`;
}

export function builtinDefinitionId(guid: string): string {
  return `/providers/Microsoft.Authorization/policyDefinitions/${guid}`;
}

/** The last segment of a policy definition id: the name custom members are resolved by (see above). */
export function definitionNameFromId(id: string): string {
  const parts = id.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? id;
}

/** True for `/providers/Microsoft.Authorization/policyDefinitions/<name>` (tenant-independent: a built-in). */
export function isBuiltinDefinitionId(id: string): boolean {
  return /^\/providers\/Microsoft\.Authorization\/policyDefinitions\/[^/]+$/i.test(id);
}

/** generated/manifest.json: the index the publisher and `check` read. */
export interface Manifest {
  /** Format version of this manifest. */
  schemaVersion: 1;
  definitions: Array<{
    name: string;
    unit: Unit;
    controlId: string;
    /** Path relative to generated/, forward slashes. */
    file: string;
    sha256: string;
    /** Role definition ids (full ARM ids) the definition's deployIfNotExists/modify details declare. */
    roleDefinitionIds: string[];
  }>;
  initiatives: Array<{
    name: string;
    file: string;
    sha256: string;
    /** Names of custom member definitions. */
    customMembers: string[];
    /** Ids of built-in member definitions. */
    builtinMembers: string[];
    /** Each built-in member: the version of the vendored definition it was tested with, and the roles it declares. */
    builtinDetails: Array<{ id: string; testedVersion: string; roleDefinitionIds: string[] }>;
  }>;
  /** Policy exemptions (exemptions/); absent when the project has none. */
  exemptions?: Array<{
    name: string;
    file: string;
    sha256: string;
    /** Initiative whose assignment the exemption applies to. */
    initiative: string;
  }>;
}

/**
 * generated/policyExemptions/<name>.json: the PUT body of a Microsoft.Authorization/policyExemptions resource
 * (api-version 2022-07-01-preview) without `policyAssignmentId`, which the publisher fills in from the config
 * (the assignment of `initiative` in the chosen environment), plus where it goes.
 */
export interface PolicyExemptionDocument {
  name: string;
  /** ARM scope the exemption is created at (management group, subscription, resource group or resource id). */
  scope: string;
  /** Initiative (generated name) whose assignment is exempted. */
  initiative: string;
  /** Assignment name when the config assigns the initiative more than once. */
  assignment?: string;
  /** Environments it applies to; absent = all. */
  environments?: string[];
  properties: {
    exemptionCategory: 'Waiver' | 'Mitigated';
    displayName: string;
    description: string;
    expiresOn?: string;
    policyDefinitionReferenceIds?: string[];
    metadata: JsonObject;
  };
}
