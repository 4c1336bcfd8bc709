/**
 * The publisher's configuration file (ztpolicy.config.json at the repo root by default), validated with zod
 * before any call to Azure: a bad config is a DiagnosticsError (exit 2) naming the file, the JSON path, what is
 * wrong and how to fix it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInputError, DiagnosticsError, type Diagnostic } from '../errors.js';
import { jsonPathChild } from '../compiler/canonical-json.js';
import { shownPath } from '../io/paths.js';
import { PublisherCode } from './codes.js';
import { effectiveDefenderPlans } from './defender-plans.js';

/** ARM management group ids: 1-90 chars of letters, digits, - _ ( ) . and not ending in a period. */
const MG_ID = /^[A-Za-z0-9\-_().]{0,89}[A-Za-z0-9\-_()]$/;
/** Assignment name rules (ARM template reference, "Character limit"): no <>*%&:\?.+/ nor control chars, no trailing space or period; <= 24 at MG scope. */
const ASSIGNMENT_NAME = /^[^<>*%&:\\?.+/\u0000-\u001f]*[^<>*%&:\\?.+/ \u0000-\u001f]$/;

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID like 00000000-0000-0000-0000-000000000000');
const mgId = z.string().regex(MG_ID, 'must be a management group id (1-90 letters, digits, - _ ( ) .)');
const jsonValue: z.ZodType<unknown> = z.json();

/** An extension of a Defender plan: `true`/`false`, or enabled with additionalExtensionProperties. */
const extensionSetting = z.union([
  z.boolean(),
  z.strictObject({
    enabled: z.boolean(),
    properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
]);

/**
 * One Defender for Cloud plan as the pricings API (Microsoft.Security/pricings, 2024-01-01) names it. Each plan
 * lists the sub-plans and extensions that api-version documents for it, so a typo is a config error, not an
 * Azure InvalidInputError half-way through a publish (cf. Azure/Enterprise-Scale#2189, deprecated sub-plans).
 */
function plan<S extends readonly [string, ...string[]] | undefined, E extends readonly [string, ...string[]] | undefined>(
  subPlans: S,
  extensions: E,
) {
  return z.strictObject({
    /** Standard = the paid plan on; Free = off. */
    tier: z.enum(['Standard', 'Free']).default('Standard'),
    subPlan: (subPlans ? z.enum(subPlans as readonly [string, ...string[]]) : z.never()).optional(),
    /** pricings `enforce`: child scopes cannot override the plan (2024-01-01). */
    enforce: z.boolean().optional(),
    extensions: extensions
      ? z.partialRecord(z.enum(extensions as readonly [string, ...string[]]), extensionSetting).optional()
      : z.never().optional(),
  });
}

export const DEFENDER_PLANS = {
  CloudPosture: plan(undefined, [
    'SensitiveDataDiscovery',
    'ContainerRegistriesVulnerabilityAssessments',
    'AgentlessDiscoveryForKubernetes',
    'AgentlessVmScanning',
    'EntraPermissionsManagement',
    'ApiPosture',
  ] as const),
  VirtualMachines: plan(['P1', 'P2'] as const, ['AgentlessVmScanning', 'MdeDesignatedSubscription', 'FileIntegrityMonitoring'] as const),
  StorageAccounts: plan(['DefenderForStorageV2', 'PerStorageAccount', 'PerTransaction'] as const, [
    'OnUploadMalwareScanning',
    'SensitiveDataDiscovery',
  ] as const),
  KeyVaults: plan(['PerKeyVault', 'PerTransaction'] as const, undefined),
  Arm: plan(['PerSubscription', 'PerApiCall'] as const, undefined),
  SqlServers: plan(undefined, undefined),
  SqlServerVirtualMachines: plan(undefined, undefined),
  Containers: plan(undefined, [
    'ContainerRegistriesVulnerabilityAssessments',
    'AgentlessDiscoveryForKubernetes',
    'ContainerSensor',
  ] as const),
  AppServices: plan(undefined, undefined),
} as const;
export type DefenderPlanName = keyof typeof DEFENDER_PLANS;
// defender-plans.ts spells the same names without importing zod: a plan added on one side only fails here.
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _samePlanNames: SameNames<DefenderPlanName, import('./defender-plans.js').DefenderPlanName> = true;
void _samePlanNames;
export const DEFENDER_PLAN_NAMES = Object.keys(DEFENDER_PLANS) as DefenderPlanName[];

const nonComplianceMessage = z.strictObject({
  message: z.string().min(1).max(1024),
  policyDefinitionReferenceId: z.string().min(1).optional(),
});

const assignment = z.strictObject({
  /** Name of an initiative in generated/policySetDefinitions (without .json). */
  initiative: z.string().min(1),
  /** Management group to assign at: the target (default) or a management group below it. */
  managementGroupId: mgId.optional(),
  /** Assignment name; derived deterministically from the initiative when omitted. ARM limit at MG scope: 24. */
  name: z
    .string()
    .max(24, 'assignment names at management group scope are limited to 24 characters by ARM')
    .regex(ASSIGNMENT_NAME, 'must not contain <>*%&:\\?.+/ or end with a period or space')
    .optional(),
  displayName: z.string().min(1).max(128).optional(),
  description: z.string().max(512).optional(),
  parameters: z.record(z.string(), jsonValue).default({}),
  enforcementMode: z.enum(['Default', 'DoNotEnforce']).default('Default'),
  notScopes: z.array(z.string().regex(/^\//, 'must be a full resource id starting with /')).max(400).default([]),
  nonComplianceMessages: z.array(nonComplianceMessage).default([]),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The Entra tenant the target belongs to; publish refuses any other. */
  tenantId: guid,
  /** The management group publish targets; `--mg` must name the same one. */
  managementGroupId: mgId,
  /** Ownership marker written into everything created (metadata / role assignment description); prune touches only this owner's objects. */
  owner: z
    .string()
    .min(3)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, "must be letters, digits and . _ - / (e.g. 'contoso/platform-policies')"),
  /** Azure region for system-assigned managed identities of deployIfNotExists/modify assignments. */
  identityLocation: z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name like 'westeurope'"),
  /** generated/ directory, relative to the config file. */
  generatedDir: z.string().min(1).default('generated'),
  /** Parallel writes within a tier. ARM's write bucket is 200 tokens, refilled 10/s per principal. */
  concurrency: z.number().int().min(1).max(64).default(16),
  assignments: z.array(assignment).default([]),
  /**
   * Defender for Cloud plans the publisher writes directly on every subscription. The Zero Trust plans
   * (src/publisher/defender-plans.ts: the same settings the Defender initiative's deployIfNotExists members
   * demand, one source of truth) are always included; a plan listed here is added (e.g. Containers) or laid over
   * the Zero Trust setting of that plan, field by field and extension by extension (the planner warns when that
   * contradicts the policy).
   */
  defender: z
    .strictObject({
      plans: z.strictObject(
        Object.fromEntries(DEFENDER_PLAN_NAMES.map((n) => [n, DEFENDER_PLANS[n].optional()])) as {
          [K in DefenderPlanName]: z.ZodOptional<(typeof DEFENDER_PLANS)[K]>;
        },
      ),
    })
    .optional()
    .transform((d) => ({
      // The zod output and DefenderPlanSetting describe the same shape; the per-plan enums make the former narrower.
      plans: effectiveDefenderPlans(d?.plans ?? {}) as { [K in DefenderPlanName]?: DefenderPlanConfig },
    })),
});

export type PublisherConfig = z.output<typeof configSchema>;
export type AssignmentConfig = PublisherConfig['assignments'][number];
export type DefenderPlanConfig = z.output<(typeof DEFENDER_PLANS)[DefenderPlanName]>;

function jsonPathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => jsonPathChild(out, typeof p === 'number' ? p : String(p)), '$');
}

function hintFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `remove ${issue.keys.map((k) => `'${k}'`).join(', ')} (not a known setting here; check the spelling)`;
    case 'invalid_value':
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return `give a ${issue.expected}`;
    case 'too_big':
      return `shorten it to at most ${String(issue.maximum)}`;
    case 'too_small':
      return `give at least ${String(issue.minimum)}`;
    default:
      return 'see the example ztpolicy.config.json at the repository root';
  }
}

/** Validates an already parsed config value; `file` is used in the diagnostics. */
export function parseConfig(value: unknown, file: string): PublisherConfig {
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  const diagnostics: Diagnostic[] = result.error.issues.map((issue) => ({
    code: PublisherCode.configInvalid,
    severity: 'error',
    message: issue.message,
    file,
    jsonPath: jsonPathOf(issue.path),
    hint: hintFor(issue),
  }));
  throw new DiagnosticsError(`${file}: ${diagnostics.length} problem(s) in the publisher config; nothing was sent to Azure`, diagnostics);
}

/** Reads and validates the config file. */
export function loadConfig(path: string, cwd: string = process.cwd()): PublisherConfig {
  const shown = shownPath(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new BadInputError(PublisherCode.configNotFound, `config file ${shown} not found`, {
      file: shown,
      hint: 'create ztpolicy.config.json at the repository root (see the README) or pass --config FILE',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(PublisherCode.configNotJson, `config file ${shown} is not valid JSON: ${(e as Error).message}`, {
      file: shown,
      jsonPath: '$',
      hint: 'fix the JSON syntax (no comments or trailing commas)',
    });
  }
  return parseConfig(value, shown);
}
