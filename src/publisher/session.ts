/**
 * One publish session: config + generated/ + the gateway -> live state -> plan (-> apply). The CLI commands and
 * the tests drive the publisher through these functions.
 */
import { dirname, resolve } from 'node:path';
import { isRestError } from '@azure/core-rest-pipeline';
import { AzureError, BadInputError } from '../errors.js';
import type { PublisherConfig } from './config.js';
import { loadConfig } from './config.js';
import { loadContent, type Content } from './content.js';
import { applyPlan, type ApplyOptions, type ApplyResult } from './executor.js';
import { AzureGateway, tokenTenant, type GatewayOptions } from './gateway.js';
import { exemptionsFor } from './plan-exemptions.js';
import { EXEMPTIONS_KEY, OWNER_KEY, ROLE_SCOPES_KEY, analyzeDefinition, assignPermissionValues, builtinsToRead, checkConfigAgainstContent, planPublish, type Plan } from './planner.js';
import { DEFAULT_SCALE_LIMITS, readPricings, type ScaleLimits } from './pricings.js';
import { readSubscriptionAssignments } from './subscription-assignments.js';
import type { BuiltinInfo, LivePolicyAssignment, LiveState, ManagementGroupInfo, PricingSource, Progress } from './types.js';
import { PublisherCode } from './codes.js';

export interface SessionOptions extends GatewayOptions {
  /** Path of ztpolicy.config.json. */
  configFile: string;
  /** `--mg`: must equal the config's (environment's) managementGroupId; optional with `--env`. */
  managementGroupId?: string;
  /** `--env`: the config environment to publish to (required when the config defines environments). */
  environment?: string;
  /** `--location`: overrides identityLocation. */
  location?: string;
  remediate?: boolean;
  /** `--adopt`: take over same-named objects without an ownership marker (otherwise they block the plan). */
  adopt?: boolean;
  /** Working directory for relative paths in messages. */
  cwd?: string;
  /** Progress of per-subscription work (Defender plans), rendered by the CLI. */
  progress?: Progress;
  /** Concurrency per subscription and across subscriptions (default DEFAULT_SCALE_LIMITS). */
  scale?: ScaleLimits;
}

export interface Session {
  config: PublisherConfig;
  content: Content;
  gateway: AzureGateway;
  options: SessionOptions;
}

export function azureErrorFrom(what: string, error: unknown): never {
  // @azure/identity's CredentialUnavailableError / AuthenticationError: no usable sign-in (not a bug: exit 3).
  if (error instanceof Error && /Credential|Authentication/.test(error.name)) {
    throw new AzureError(PublisherCode.noAccessToken, `${what} failed: no access token: ${error.message.split('\n')[0]}`, {
      armCode: error.name,
      hint: 'sign in (az login, managed or workload identity) or set ZTPOLICY_ACCESS_TOKEN to a token for the ARM endpoint',
    });
  }
  if (isRestError(error)) {
    const code = error.code ?? `HTTP ${error.statusCode ?? '?'}`;
    const hint =
      error.statusCode === 401 || error.statusCode === 403
        ? 'check the signed-in identity (az login / workload identity / ZTPOLICY_ACCESS_TOKEN) and its roles at the management group'
        : 'check the endpoint and the target, then run again';
    throw new AzureError(PublisherCode.azureRequestFailed, `${what} failed: ${code}: ${error.message.split('\n')[0]}`, {
      armCode: code,
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      hint,
    });
  }
  throw error;
}

/** Everything that can be checked without a call: config, --mg, generated/, the token's tenant. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const cwd = options.cwd ?? process.cwd();
  const configFile = resolve(cwd, options.configFile);
  const config = loadConfig(configFile, cwd, options.environment);
  if (options.managementGroupId === undefined && options.environment === undefined) {
    throw new BadInputError(PublisherCode.targetMissing, 'name the target: --mg <management group id> (or --env <name> for a config with environments)', {
      hint: `run with --mg ${config.managementGroupId}`,
    });
  }
  if (options.managementGroupId !== undefined && options.managementGroupId.toLowerCase() !== config.managementGroupId.toLowerCase()) {
    throw new BadInputError(
      PublisherCode.targetMismatch,
      `--mg ${options.managementGroupId} is not the management group this config targets (${config.managementGroupId}); refusing to run against another target`,
      { file: options.configFile, jsonPath: '$.managementGroupId', hint: `run with --mg ${config.managementGroupId}, or change managementGroupId in the config` },
    );
  }
  if (options.location !== undefined && !/^[a-z0-9]+$/.test(options.location)) {
    throw new BadInputError(PublisherCode.locationInvalid, `--location '${options.location}' is not an Azure region name`, { hint: "use a name like 'westeurope'" });
  }
  // Sign-in starts now and runs while generated/ is read and checked (a token from the Azure CLI or a managed identity
  // takes a while: issue 8 point 4). Nothing goes to ARM before every check below has passed.
  const gatewayP = AzureGateway.create(options);
  gatewayP.catch(() => undefined);
  const content = loadContent(resolve(dirname(configFile), config.generatedDir), cwd);
  checkConfigAgainstContent(content, config, options.configFile);
  const env = options.env ?? process.env;
  const token = env.ZTPOLICY_ACCESS_TOKEN;
  const tid = token ? tokenTenant(token) : undefined;
  if (tid !== undefined && tid.toLowerCase() !== config.tenantId.toLowerCase()) {
    throw new BadInputError(PublisherCode.tokenTenant, `ZTPOLICY_ACCESS_TOKEN was issued for tenant ${tid}, not the configured tenant ${config.tenantId}; refusing to run`, {
      file: options.configFile,
      jsonPath: '$.tenantId',
      hint: 'mint the token for the configured tenant',
    });
  }
  const gateway = await gatewayP;
  return { config, content, gateway, options };
}

/**
 * Reads the live state with as few dependent round trips as possible: the management group (tenant check,
 * subscriptions), definitions, sets, assignments and role assignments all at once; then the Defender pricings
 * (Resource Graph, else per subscription: pricings.ts) and any built-in definitions whose roles are not cached in
 * the assignment metadata.
 */
export async function readLiveState(session: Session): Promise<LiveState> {
  const { content, gateway } = session;
  // `root` is resolved first (one read of the Tenant Root Group's tree), so every id below uses the resolved name.
  const alias = isRootAlias(session.config.managementGroupId);
  const resolvedP = alias
    ? gateway.resolveRootAlias(session.config.managementGroupId, session.config.tenantId).catch((e: unknown) => azureErrorFrom(`resolving management group 'root' (the Tenant Root Group)`, e))
    : undefined;
  gateway.preload();
  const resolved = await resolvedP;
  const config = resolved ? withTarget(session.config, resolved.info.name) : session.config;
  const mg = config.managementGroupId;
  const scopes = [...new Set([mg, ...config.assignments.map((a) => a.managementGroupId ?? mg)])];
  const mgP = resolved
    ? Promise.resolve(resolved.info)
    : gateway.getManagementGroup(mg).catch((e: unknown) => azureErrorFrom(`reading management group '${mg}'`, e));
  const defsP = gateway.listDefinitions(mg).catch((e: unknown) => azureErrorFrom(`listing policy definitions at '${mg}'`, e));
  const setsP = gateway.listSetDefinitions(mg).catch((e: unknown) => azureErrorFrom(`listing policy set definitions at '${mg}'`, e));
  const tenantChecked = mgP.then((g) => checkTarget(g, config, scopes, session.options.configFile));
  const assignmentsP = tenantChecked.then((g) => subtreeAssignments(gateway, g));
  const rolesP = tenantChecked.then((g) => {
    const keep = inSubtree(g);
    return Promise.all(g.leafGroups.map((leaf) => gateway.listRoleAssignments(`/providers/Microsoft.Management/managementGroups/${leaf}`))).then(
      (x) => uniqueById(x.flat().filter((r) => keep(/^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(r.scope)?.[1] ?? ''))),
      (e: unknown) => azureErrorFrom('listing role assignments', e),
    );
  });
  const pricingsP = tenantChecked.then((g) =>
    readPricings(gateway, mg, g.subscriptions, config.defender.plans, {
      ...(session.options.scale ? { limits: session.options.scale } : {}),
      ...(session.options.progress ? { progress: session.options.progress } : {}),
    }).catch((e: unknown) => azureErrorFrom('reading Defender pricings', e)),
  );
  // Assignments at the subscriptions below (ours only to prune; others may still reference a set we would delete).
  const subscriptionsP = tenantChecked.then((g) =>
    readSubscriptionAssignments(gateway, mg, g.subscriptions, config.owner, session.options.scale).catch((e: unknown) =>
      azureErrorFrom('listing policy assignments at subscriptions', e),
    ),
  );
  // Only after the tenant check: nothing more is read from a target we refuse.
  const builtinsP = Promise.all([assignmentsP, setsP, tenantChecked]).then(async ([assignments, setDefinitions]) => {
    const ids = builtinsToRead(content, config, { assignments, setDefinitions }, session.options.remediate);
    const out: Record<string, BuiltinInfo> = {};
    await Promise.all(
      ids.map(async (id) => {
        const d = await gateway.getBuiltinDefinition(id).catch((e: unknown) => azureErrorFrom(`reading built-in policy definition ${id}`, e));
        out[id.toLowerCase()] = analyzeDefinition(id, d.properties);
      }),
    );
    return out;
  });
  // Settle every read before reporting a failure, so no request is left running behind an error.
  // Exemptions at and below the target (one paged list); only after the tenant check.
  // Exemptions at and below the target (one paged list), only when there can be some of ours: the sources have
  // some for this environment, or an assignment of ours records that it has some (EXEMPTIONS_KEY).
  const exemptionsP = Promise.all([assignmentsP, tenantChecked]).then(([assignments]) => {
    const ours = assignments.some((a) => {
      const m = a.properties.metadata;
      return typeof m === 'object' && m !== null && !Array.isArray(m) && m[OWNER_KEY] === config.owner && typeof m[EXEMPTIONS_KEY] === 'number';
    });
    if (!ours && exemptionsFor(content.exemptions ?? [], config.environment).length === 0) return [];
    return gateway.listExemptions(mg).catch((e: unknown) => azureErrorFrom(`listing policy exemptions at '${mg}'`, e));
  });
  // Role assignments at the scopes assignPermissions parameters name (a workspace outside the group) and at those
  // our assignments recorded (ROLE_SCOPES_KEY): grants there are planned as no-ops, and stale ones pruned.
  const scopeRolesP = Promise.all([assignmentsP, tenantChecked]).then(async ([assignments, g]) => {
    const scopes = new Map<string, string>();
    // The planner's rule (permissionScopes): a scope below the target needs no grant of its own when the assignment
    // is at the target, so it costs no read either.
    for (const a of config.assignments) {
      const set = content.setDefinitions.find((s) => s.name === a.initiative);
      if (!set) continue;
      const inside = (a.managementGroupId ?? mg).toLowerCase() === mg.toLowerCase() ? g.subscriptions : undefined;
      for (const v of assignPermissionValues(set, a.parameters, inside)) scopes.set(v.value.toLowerCase(), v.value);
    }
    for (const a of assignments) {
      const m = a.properties.metadata;
      if (typeof m !== 'object' || m === null || Array.isArray(m) || m[OWNER_KEY] !== config.owner || !Array.isArray(m[ROLE_SCOPES_KEY])) continue;
      for (const sc of m[ROLE_SCOPES_KEY]) if (typeof sc === 'string') scopes.set(sc.toLowerCase(), sc);
    }
    const lists = await Promise.all(
      [...scopes.values()].map((sc) =>
        gateway
          .listRoleAssignments(sc)
          .then((rs) => rs.filter((r) => r.scope.toLowerCase() === sc.toLowerCase()))
          .catch((e: unknown) => azureErrorFrom(`listing role assignments at ${sc}`, e)),
      ),
    );
    return lists.flat();
  });
  const settled = await Promise.allSettled([tenantChecked, defsP, setsP, assignmentsP, rolesP, pricingsP, builtinsP, subscriptionsP, exemptionsP, scopeRolesP] as const);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [managementGroup, definitions, setDefinitions, mgAssignments, mgRoleAssignments, pricingRead, builtins, atSubscriptions, exemptions, scopeRoles] = settled.map(
    (r) => (r as PromiseFulfilledResult<unknown>).value,
  ) as [
    Awaited<typeof tenantChecked>,
    Awaited<typeof defsP>,
    Awaited<typeof setsP>,
    Awaited<typeof assignmentsP>,
    Awaited<typeof rolesP>,
    Awaited<typeof pricingsP>,
    Awaited<typeof builtinsP>,
    Awaited<typeof subscriptionsP>,
    Awaited<typeof exemptionsP>,
    Awaited<typeof scopeRolesP>,
  ];
  const assignments = [...mgAssignments, ...atSubscriptions.assignments];
  // A scope read twice (a workspace in a subscription holding one of ours) lists the same grant twice: once.
  const roleAssignments = uniqueById([...mgRoleAssignments, ...atSubscriptions.roleAssignments, ...scopeRoles]);
  const pricingSource: PricingSource = pricingRead.source;
  return { managementGroup, definitions, setDefinitions, assignments, roleAssignments, pricings: pricingRead.pricings, pricingSource, builtins, exemptions };
}

/** The management group read from Azure is the configured tenant's, and every assignment scope lies below it. */
function checkTarget(g: ManagementGroupInfo, config: PublisherConfig, scopes: readonly string[], configFile: string): ManagementGroupInfo {
  const mg = config.managementGroupId;
  if (g.tenantId.toLowerCase() !== config.tenantId.toLowerCase()) {
    throw new BadInputError(PublisherCode.managementGroupTenant, `management group '${mg}' belongs to tenant ${g.tenantId}, not the configured tenant ${config.tenantId}; refusing to run`, {
      file: configFile,
      jsonPath: '$.tenantId',
      hint: 'sign in to the configured tenant, or fix tenantId in the config',
    });
  }
  for (const s of scopes) {
    if (s.toLowerCase() !== mg.toLowerCase() && !g.descendantGroups.some((d) => d.toLowerCase() === s.toLowerCase())) {
      throw new BadInputError(PublisherCode.scopeOutsideTarget, `management group '${s}' named by an assignment is not under '${mg}'`, {
        file: configFile,
        hint: `assign at '${mg}' or a management group below it`,
      });
    }
  }
  return g;
}

function inSubtree(g: ManagementGroupInfo): (mgName: string) => boolean {
  const names = new Set([g.name, ...g.descendantGroups].map((n) => n.toLowerCase()));
  return (mgName: string) => names.has(mgName.toLowerCase());
}

/**
 * Assignments at `g` and every management group below it. Owned objects are found in the whole subtree, not only
 * where the config assigns today: an assignment removed from the config at a child group must be pruned too (issue
 * 11.2). One atScope() list per leaf group returns that group and all its ancestors, so the leaves cover every group
 * of the subtree; what lies above the target is dropped.
 */
function subtreeAssignments(gateway: AzureGateway, g: ManagementGroupInfo): Promise<LivePolicyAssignment[]> {
  const keep = inSubtree(g);
  return Promise.all(g.leafGroups.map((leaf) => gateway.listAssignments(leaf, true))).then(
    (x) => uniqueById(x.flat().filter((a) => keep(a.managementGroupId))),
    (e: unknown) => azureErrorFrom('listing policy assignments', e),
  );
}

/**
 * The target for read-only reports (`ztpolicy status`): `root` resolved, the tenant checked, and the assignments of
 * the whole subtree (management groups) with the config as resolved.
 */
export async function readTarget(session: Session): Promise<{ config: PublisherConfig; managementGroup: ManagementGroupInfo; assignments: LivePolicyAssignment[] }> {
  const { gateway } = session;
  const alias = isRootAlias(session.config.managementGroupId);
  const info = alias
    ? (await gateway.resolveRootAlias(session.config.managementGroupId, session.config.tenantId).catch((e: unknown) => azureErrorFrom(`resolving management group 'root' (the Tenant Root Group)`, e))).info
    : await gateway.getManagementGroup(session.config.managementGroupId).catch((e: unknown) => azureErrorFrom(`reading management group '${session.config.managementGroupId}'`, e));
  const config = alias ? withTarget(session.config, info.name) : session.config;
  const managementGroup = checkTarget(info, config, [], session.options.configFile);
  return { config, managementGroup, assignments: await subtreeAssignments(gateway, managementGroup) };
}

/** `root`, in any case: the Tenant Root Group of the configured tenant (issue 8.1). */
export function isRootAlias(mg: string): boolean {
  return mg.toLowerCase() === 'root';
}

/** The config with the resolved target in place of the `root` alias (also where an assignment names `root`). */
export function withTarget(config: PublisherConfig, target: string): PublisherConfig {
  return {
    ...config,
    managementGroupId: target,
    assignments: config.assignments.map((a) => (a.managementGroupId !== undefined && isRootAlias(a.managementGroupId) ? { ...a, managementGroupId: target } : a)),
  };
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id.toLowerCase(), i])).values()];
}

export interface PlanRun {
  plan: Plan;
  live: LiveState;
}

export async function planSession(session: Session, runId?: string): Promise<PlanRun> {
  const live = await readLiveState(session);
  const target = live.managementGroup;
  const plan = planPublish({
    content: session.content,
    config: target.requestedAs !== undefined ? withTarget(session.config, target.name) : session.config,
    live,
    options: {
      identityLocation: session.options.location ?? session.config.identityLocation,
      ...(session.options.remediate ? { remediate: true } : {}),
      ...(session.options.adopt ? { adopt: true } : {}),
      ...(runId !== undefined ? { runId } : {}),
      now: new Date(),
    },
  });
  return { plan, live };
}

export async function applySession(
  session: Session,
  plan: Plan,
  options: Pick<ApplyOptions, 'progress' | 'verbose' | 'remediation'> = {},
): Promise<ApplyResult> {
  return applyPlan(plan, session.gateway, {
    concurrency: session.config.concurrency,
    scale: session.options.scale ?? DEFAULT_SCALE_LIMITS,
    // Writes done of total with the tiers in flight (pricings tick it too), and the Defender plans' subscriptions
    // done of total beside it (issue 8.5).
    ...(session.options.progress ? { writeProgress: session.options.progress, subscriptionProgress: session.options.progress } : {}),
    ...options,
  });
}
