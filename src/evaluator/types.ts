/**
 * Public types of the offline evaluator.
 *
 * Effect casing: `effect` is always lower-case ('deny', 'auditifnotexists', 'deployifnotexists', 'denyaction'),
 * the same convention as the built-in catalog (src/catalog/types.ts); `effectAsWritten` keeps the rule's or the
 * parameter's spelling ('Deny', 'AuditIfNotExists'). Azure treats effect names case-insensitively.
 */
import type { AliasSource } from './aliases.js';

export type EffectName =
  | 'audit'
  | 'deny'
  | 'append'
  | 'modify'
  | 'auditifnotexists'
  | 'deployifnotexists'
  | 'denyaction'
  | 'auditaction'
  | 'manual'
  | 'disabled'
  | 'mutate'
  | 'addtonetworkgroup';

export type ComplianceState = 'NonCompliant' | 'Compliant' | 'NotApplicable' | 'Unknown' | 'Error';

export interface ResourceGroupContext {
  name?: string;
  id?: string;
  location?: string;
  tags?: Record<string, string>;
  managedBy?: string;
  properties?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface SubscriptionContext {
  subscriptionId?: string;
  id?: string;
  displayName?: string;
  tenantId?: string;
  [k: string]: unknown;
}

export interface PolicyContext {
  assignmentId?: string;
  definitionId?: string;
  setDefinitionId?: string;
  definitionReferenceId?: string;
  [k: string]: unknown;
}

export interface RequestContextInput {
  apiVersion?: string;
  /** Claims of the caller (requestContext().identity); enforcement-only in Azure. */
  identity?: Record<string, unknown>;
  [k: string]: unknown;
}

/**
 * What resourceGroup(), subscription(), policy() and requestContext() return. Missing parts are derived from
 * the resource id (subscription id, resource group name and id); the resource group's location defaults to the
 * resource's location, tags to {}, managedBy to null; policy().definitionId to the definition's name.
 */
export interface EvaluationContext {
  resourceGroup?: ResourceGroupContext;
  subscription?: SubscriptionContext;
  policy?: PolicyContext;
  requestContext?: RequestContextInput;
  /** Pins utcNow(): returned verbatim by utcNow() (and used by addDays(utcNow(), n)). */
  utcNow?: string;
}

/** Question the evaluator asks for auditIfNotExists / deployIfNotExists. */
export interface RelatedQuery {
  /** details.type, e.g. Microsoft.Insights/diagnosticSettings */
  type: string;
  /** details.name when given (may end with "/?" for any child name). */
  name?: string;
  /** Where to look: 'resource' (child type of the evaluated resource), 'resourceGroup' or 'subscription'. */
  scope: 'resource' | 'resourceGroup' | 'subscription';
  resourceGroupName?: string;
  subscriptionId?: string;
  /** Id of the evaluated resource (parent for child types, or extension scope). */
  resourceId?: string;
  /** The evaluated resource document. */
  resource: Record<string, unknown>;
}

/** Answers existence lookups: the related resources found (empty array / null / undefined = none). */
export type RelatedLookup = (query: RelatedQuery) => readonly unknown[] | null | undefined;

export interface EvaluatorOptions {
  /** A19: a field condition over a `[*]` alias whose array is missing: true (docs, empty collection) or false (regorus). */
  missingArrayCondition?: boolean;
  /** A20: `?` in like/notLike: 'literal' (Learn) or 'wildcard' (regorus). */
  likeQuestionMark?: 'literal' | 'wildcard';
  /** A21: equals between a number and a numeric string: 'string' forms (linter) or 'numeric' parse (regorus). */
  numericEquality?: 'string' | 'numeric';
  /** A22/A16: ordering number vs string: 'error' (Learn: type mismatch errors) or 'coerce'. */
  orderingMismatch?: 'error' | 'coerce';
  /** A9: compare ISO dates by instant when both sides parse (default true). */
  dateOrdering?: boolean;
  /** Reject dateTimeAdd/dateTimeFromEpoch/dateTimeToEpoch as Learn's exclusion list says (default false). */
  strictFunctions?: boolean;
  /**
   * An alias (Namespace/type/prop) the catalog does not define for the resource's type:
   * 'heuristic' reads properties.<prop> when the alias belongs to the resource's own type and records a warning;
   * 'missing' resolves it to nothing.
   */
  unknownAlias?: 'heuristic' | 'missing';
  /** Apply mode (All/Indexed) and Learn's type/name/kind applicability (default true). */
  applicability?: boolean;
  /** Mode assumed when a definition has none (Learn: PowerShell defaults to All). */
  defaultMode?: 'all' | 'indexed';
  /** A13: modify `add` on a tag/property that already has a different value: 'skip' or 'deny'. */
  modifyAddExisting?: 'skip' | 'deny';
  /**
   * guid()/uniqueString() use a hash internal to ARM, so by default a rule calling them does not compile.
   * true: they return a deterministic stand-in of the same shape (not ARM's value) and add a warning.
   */
  opaqueHashFunctions?: boolean;
  /** Record a trace (default true; the policy index turns it off for speed). */
  trace?: boolean;
  /** Clock for utcNow(). */
  now?: Date | (() => Date);
  /** Use the alias catalog vendored with ztpolicy underneath the given one (default true). */
  bundledAliases?: boolean;
  /**
   * Check the assignment's parameter values up front, as Azure does when the assignment is created (default
   * true): every declared parameter without defaultValue needs a value (ZT5007) and a value must have the
   * declared type (ZT5009). false: a parameter without value is an error only when the rule reads it (the
   * lenient behaviour of rule-only tools). allowedValues (ZT5008) are checked either way.
   */
  strictParameters?: boolean;
}

export interface DefinitionParameter {
  type?: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  metadata?: Record<string, unknown>;
  schema?: unknown;
}

/** A whole definition as generated/ holds it ({name, properties}) or as ARM returns it, or its properties. */
export interface PolicyDefinitionInput {
  name?: string;
  properties?: {
    policyRule?: unknown;
    parameters?: Record<string, DefinitionParameter>;
    mode?: string;
    [k: string]: unknown;
  };
  policyRule?: unknown;
  parameters?: Record<string, DefinitionParameter>;
  mode?: string;
  [k: string]: unknown;
}

/** Get-AzPolicyAlias JSON (array of providers) or a prepared AliasSource. */
export type AliasCatalogInput = unknown[] | { value: unknown[] } | AliasSource;

export interface EvaluateInput {
  definition?: PolicyDefinitionInput;
  policyRule?: unknown;
  resource: unknown;
  /** Assignment parameter values: { name: value } or ARM style { name: { value } }. */
  parameters?: Record<string, unknown>;
  aliases?: AliasCatalogInput;
  /** API version of the request; alias paths are picked for it. Default: each alias's defaultPath. */
  apiVersion?: string;
  requestContext?: RequestContextInput;
  context?: EvaluationContext;
  related?: RelatedLookup;
  options?: EvaluatorOptions;
}

export interface TraceEntry {
  /** Where in the rule, e.g. if.allOf[1].anyOf[0] or then.details.existenceCondition. */
  path: string;
  result: boolean;
  /** What was compared, e.g. field 'location' = "westus" notIn ["eastus"]. */
  detail: string;
}

export interface ModifyOperationResult {
  operation: 'add' | 'addOrReplace' | 'remove';
  field: string;
  value?: unknown;
  /** The operation's condition as written, when it has one (it evaluated to true). */
  condition?: string;
}

export interface ExistenceCheck {
  /** false when no `related` callback was given: the outcome is unknown. */
  checked: boolean;
  query?: RelatedQuery;
  candidates: number;
  /** Index (in the callback's answer) of the first related resource satisfying existenceCondition, or null. */
  satisfiedBy: number | null;
}

export interface EvaluationResult {
  /** The effect that applies (canonical spelling), undefined when the rule does not match or is not applicable. */
  effect: EffectName | undefined;
  /** The effect's spelling in the rule or parameter, e.g. "Deny". */
  effectAsWritten?: string;
  /** The effect the rule declares (even when it did not apply). */
  declaredEffect?: EffectName;
  /** Effect-specific details (append list, modify operations, AINE/DINE existence outcome, denyAction …). */
  details?: unknown;
  /** Whether the `if` block matched. */
  matched: boolean;
  /** Mode and type/name/kind applicability (Learn, "What is applicability"). */
  applicable: boolean;
  compliance: ComplianceState;
  trace: TraceEntry[];
  warnings: string[];
  /** Set when evaluation failed; Azure treats a failed evaluation as deny. */
  error?: { code: string; message: string };
}
