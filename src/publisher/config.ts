/**
 * The publisher's configuration file (ztpolicy.config.json at the repo root by default), validated with zod
 * before any call to Azure: a bad config is a DiagnosticsError (exit 2) naming the file, the JSON path, what is
 * wrong and how to fix it.
 */
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';
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

const owner = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, "must be letters, digits and . _ - / (e.g. 'contoso/platform-policies')");
const region = z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name like 'westeurope'");
const defender = z.strictObject({
  plans: z.strictObject(
    Object.fromEntries(DEFENDER_PLAN_NAMES.map((n) => [n, DEFENDER_PLANS[n].optional()])) as {
      [K in DefenderPlanName]: z.ZodOptional<(typeof DEFENDER_PLANS)[K]>;
    },
  ),
});

/** Environment names: what `--env` takes and what the ownership marker carries. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * One environment (e.g. `test` = a management group in a test tenant, `prod` = the Tenant Root Group of the
 * production tenant): its own target, and the values that differ there. The same generated/ content is published
 * to each.
 */
const environment = z.strictObject({
  tenantId: guid.optional(),
  managementGroupId: mgId.optional(),
  identityLocation: region.optional(),
  /** Ownership marker in this environment; default `<owner>@<environment>`, so environments never prune each other. */
  owner: owner.optional(),
  /** Parameter values added to (and overriding) those of every assignment. */
  parameters: z.record(z.string(), jsonValue).optional(),
  /** Enforcement mode of every assignment here (DoNotEnforce = audit-only rollout). */
  enforcementMode: z.enum(['Default', 'DoNotEnforce']).optional(),
  /** Defender plans here, instead of the top-level ones (laid over the Zero Trust plans the same way). */
  defender: defender.optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});

const fields = {
  $schema: z.string().optional(),
  /** The Entra tenant the target belongs to; publish refuses any other. */
  tenantId: guid,
  /** The management group publish targets; `--mg` must name the same one. */
  managementGroupId: mgId,
  /** Ownership marker written into everything created (metadata / role assignment description); prune touches only this owner's objects. */
  owner,
  /** Azure region for system-assigned managed identities of deployIfNotExists/modify assignments. */
  identityLocation: region,
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
  defender: defender
    .optional()
    .transform((d) => ({
      // The zod output and DefenderPlanSetting describe the same shape; the per-plan enums make the former narrower.
      plans: effectiveDefenderPlans(d?.plans ?? {}) as { [K in DefenderPlanName]?: DefenderPlanConfig },
    })),
};

/** A single-environment config (the resolved shape every environment is turned into). */
export const configSchema = z.strictObject(fields);

/**
 * The file: a single-environment config, or shared settings plus `environments` (each may set the target
 * fields; the top level gives defaults). Target fields missing in both are reported per environment.
 */
const fileSchema = z.strictObject({
  ...fields,
  // Untransformed here: the Zero Trust plans are laid in once, when the resolved config is parsed.
  defender: defender.optional(),
  tenantId: guid.optional(),
  managementGroupId: mgId.optional(),
  identityLocation: region.optional(),
  environments: z.record(z.string().regex(ENVIRONMENT_NAME, 'environment names are 1-32 letters, digits, _ and -'), environment).optional(),
});

export type PublisherConfig = z.output<typeof configSchema> & {
  /** The environment this config was resolved for (multi-environment configs only). */
  environment?: string;
  /** Every environment the file defines (empty for a single-environment config). */
  environmentNames?: string[];
  /** JSON path and names of the environment's parameters, for diagnostics about values that came from there. */
  environmentParametersPath?: string;
  environmentParameterNames?: string[];
};
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

function configError(file: string, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): DiagnosticsError {
  const diagnostics: Diagnostic[] = issues.map((issue) => ({
    code: PublisherCode.configInvalid,
    severity: 'error',
    message: issue.message,
    file,
    jsonPath: jsonPathOf([...prefix, ...issue.path]),
    hint: hintFor(issue),
  }));
  return new DiagnosticsError(`${file}: ${diagnostics.length} problem(s) in the publisher config; nothing was sent to Azure`, diagnostics);
}

/** Names of the environments a parsed config file defines (none for a single-environment config). */
export function environmentNames(value: unknown): string[] {
  const envs = typeof value === 'object' && value !== null ? (value as { environments?: unknown }).environments : undefined;
  return typeof envs === 'object' && envs !== null ? Object.keys(envs) : [];
}

/**
 * Validates an already parsed config value and resolves it for `env` (required when the file defines
 * environments, refused when it does not); `file` is used in the diagnostics.
 */
export function parseConfig(value: unknown, file: string, env?: string): PublisherConfig {
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) throw configError(file, parsed.error.issues);
  const { environments, ...base } = parsed.data;
  const names = Object.keys(environments ?? {});
  if (names.length === 0) {
    if (env !== undefined) {
      throw new BadInputError(PublisherCode.environmentsNone, `--env ${env}: ${file} defines no environments`, {
        file,
        jsonPath: '$.environments',
        hint: 'drop --env, or add "environments": { "<name>": { ... } } to the config',
      });
    }
    const single = configSchema.safeParse(value);
    if (!single.success) throw configError(file, single.error.issues);
    return single.data;
  }
  if (env === undefined || !names.includes(env)) {
    const best = env === undefined ? undefined : closest(env, names);
    const suggestion = best !== undefined && distance(env!, best) <= 3 ? ` (did you mean '${best}'?)` : '';
    throw new BadInputError(
      env === undefined ? PublisherCode.environmentRequired : PublisherCode.environmentUnknown,
      env === undefined ? `${file} defines environments (${names.join(', ')}): name one with --env` : `unknown environment '${env}'${suggestion}; ${file} defines: ${names.join(', ')}`,
      { file, jsonPath: '$.environments', hint: `run with --env ${best !== undefined && suggestion ? best : names[0]}` },
    );
  }
  const e = environments![env]!;
  const merged = {
    ...base,
    tenantId: e.tenantId ?? base.tenantId,
    managementGroupId: e.managementGroupId ?? base.managementGroupId,
    identityLocation: e.identityLocation ?? base.identityLocation,
    owner: e.owner ?? `${base.owner}@${env}`,
    concurrency: e.concurrency ?? base.concurrency,
    defender: e.defender ?? base.defender,
    assignments: base.assignments.map((a) => ({
      ...a,
      parameters: { ...a.parameters, ...(e.parameters ?? {}) },
      enforcementMode: e.enforcementMode ?? a.enforcementMode,
    })),
  };
  // The marker is not re-validated against the owner pattern ('@' separates the environment).
  const resolved = configSchema.safeParse({ ...merged, owner: base.owner });
  if (!resolved.success) {
    // Target fields missing in both places: report them where they belong, in the environment.
    throw configError(file, resolved.error.issues, ['environments', env]);
  }
  return {
    ...resolved.data,
    owner: merged.owner,
    environment: env,
    environmentNames: names,
    ...(e.parameters ? { environmentParametersPath: `$.environments.${env}.parameters`, environmentParameterNames: Object.keys(e.parameters) } : {}),
  };
}

/** Reads and validates the config file, resolved for environment `env` (see parseConfig). */
export function loadConfig(path: string, cwd: string = process.cwd(), env?: string): PublisherConfig {
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
  return parseConfig(value, shown, env);
}
