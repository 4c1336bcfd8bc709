/**
 * Shapes shared by the gateway (which reads/writes ARM), the pure planner and the executor. Live objects are kept in
 * ARM's wire shape (`{ name, properties }`, plus location/identity for assignments) so the planner compares them
 * with generated/ documents field by field, independent of the SDK's flattened models.
 */
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';

export interface LivePolicyDefinition {
  id: string;
  name: string;
  properties: JsonObject;
}

export type LivePolicySetDefinition = LivePolicyDefinition;

export interface LivePolicyAssignment {
  id: string;
  name: string;
  /** Management group id the assignment lives at (its scope); '' for one at a subscription. */
  managementGroupId: string;
  /** Set when the assignment lives at a subscription (found below the target only to be pruned: issue 11.2). */
  subscriptionId?: string;
  location?: string;
  identity?: { type: string; principalId?: string };
  properties: JsonObject;
}

/** Resources per compliance state ('compliant', 'noncompliant', 'exempt', ...; lower case, as Azure reports them). */
export type ComplianceCounts = Record<string, number>;

export interface ComplianceSummary {
  resources: ComplianceCounts;
  members: { referenceId: string; policyDefinitionId: string; resources: ComplianceCounts }[];
}

export interface RemediationState {
  name: string;
  policyAssignmentId: string;
  referenceId: string;
  state: string;
  total: number;
  succeeded: number;
  failed: number;
}

export interface LiveRoleAssignment {
  id: string;
  name: string;
  /** The scope as ARM reports it, e.g. /providers/Microsoft.Management/managementGroups/root */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  description?: string;
}

export interface LivePolicyExemption {
  id: string;
  name: string;
  /** The scope it lives at, ARM form with the leading slash (everything before /providers/Microsoft.Authorization/). */
  scope: string;
  properties: JsonObject;
}

export interface PricingExtension {
  name: string;
  isEnabled: 'True' | 'False';
  additionalExtensionProperties?: Record<string, JsonValue>;
}

export interface LivePricing {
  subscriptionId: string;
  name: string;
  pricingTier: string;
  subPlan?: string;
  enforce?: string;
  extensions?: PricingExtension[];
}

/** What a member definition contributes to an assignment: its roles and the effect it can take. */
export interface BuiltinInfo {
  id: string;
  /** Role definition GUIDs (lower case) its deployIfNotExists/modify details declare. */
  roleDefinitionIds: string[];
  /** True when its effect can be deployIfNotExists or modify under some parameter value (needs a managed identity). */
  remediates: boolean;
  /** then.effect as written: a literal effect or `[parameters('name')]`. */
  effect: string;
  /** defaultValue of the definition parameter the effect names, when it names one. */
  effectDefault?: string;
  /** The definition's version (properties.version): what the cached answer about a built-in is keyed on. */
  version?: string;
}

export interface ManagementGroupInfo {
  name: string;
  tenantId: string;
  /** What the config and --mg called it, when that was the `root` alias (issue 8.1). */
  requestedAs?: string;
  /** True when the target is the Tenant Root Group (its name is the tenant id). */
  tenantRoot?: boolean;
  /** Every management group below the target (names). */
  descendantGroups: string[];
  /**
   * Management groups at the bottom of the target's subtree (the target itself when it has no child group): a list
   * with atScope() at each of them covers every scope of the subtree (at the group and its ancestors).
   */
  leafGroups: string[];
  /** Every subscription below the target, at any depth (ids). */
  subscriptions: string[];
}

/** How the Defender pricing state of the subscriptions was read (the plan says which, issue 8 point 5). */
export interface PricingSource {
  /** resourceGraph: Azure Resource Graph for most subscriptions; direct: one read per subscription; none: no plans. */
  method: 'resourceGraph' | 'direct' | 'none';
  /** Subscriptions whose state came from Resource Graph. */
  resourceGraph: number;
  /** Subscriptions read one by one: all of them without Resource Graph, else those it has not indexed yet. */
  direct: number;
  /** Subscriptions whose Resource Graph state differed from the config, re-read directly before planning a write. */
  confirmed: number;
  /** Why Resource Graph was not used (its error), when it was not. */
  fallbackReason?: string;
}

/** Progress of a long step (subscriptions done of total); the CLI renders it (src/cli/progress.ts). */
export interface ProgressTask {
  tick(n?: number): void;
  /** What the step works on now (e.g. the tiers being written); a live display shows it beside the count. */
  stage(text: string): void;
  done(): void;
}
export type Progress = (label: string, total: number) => ProgressTask;

/** Everything the planner needs to know about the target. */
export interface LiveState {
  managementGroup: ManagementGroupInfo;
  definitions: LivePolicyDefinition[];
  setDefinitions: LivePolicySetDefinition[];
  /** Assignments at the target, every management group below it, and (ztpolicy's own) at subscriptions below it. */
  assignments: LivePolicyAssignment[];
  /** Role assignments at the target, every management group below it, and the subscriptions holding one of ours. */
  roleAssignments: LiveRoleAssignment[];
  /** Pricings of every subscription under the management group (only read when Defender plans are configured). */
  pricings: LivePricing[];
  /** How they were read (absent in hand-made states: the plan then says nothing about it). */
  pricingSource?: PricingSource;
  /** Exemptions at and below the target management group (optional: absent = none read). */
  exemptions?: LivePolicyExemption[];
  /** Built-in member definitions read for this plan, by lower-cased id. */
  builtins: Record<string, BuiltinInfo>;
}
