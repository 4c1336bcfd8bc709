/**
 * The Defender for Cloud plan settings of the Zero Trust baseline (zero-trust-controls.md §5.2 and §6), in ONE
 * place. Two consumers read them, so they cannot disagree:
 *   - the publisher's direct pricing writes: ztpolicy.config.json `defender.plans` defaults to these (config.ts);
 *   - the policy parameters: initiatives/defender.ts passes the same values to the plan-enabling
 *     deployIfNotExists members (subPlan, extension toggles, malware scanning cap), as fixed values, not as
 *     assignment parameters an assignment could set differently.
 * Before this, the publisher wrote KeyVaults PerKeyVault, Arm PerSubscription and a 5000 GB cap while the members
 * demanded PerTransaction, PerApiCall and 10000 GB: every subscription was non-compliant, remediation flipped the
 * plan, the next publish flipped it back. test/publisher/defender-plans.test.ts evaluates every pricing member's
 * existence condition against what the planner writes from these settings and requires it compliant.
 *
 * Containers and App Service are not here: off unless configured (§5.2 ZT-MDC-07/08, §6), so the publisher does
 * not touch them by default and their members default to Disabled.
 */
/**
 * Plan names of the pricings API this module may set. Spelled here rather than imported from config.ts so the
 * Defender initiative does not pull zod's types into every content type check (config.ts checks the two agree).
 */
export type DefenderPlanName =
  | 'CloudPosture'
  | 'VirtualMachines'
  | 'StorageAccounts'
  | 'KeyVaults'
  | 'Arm'
  | 'SqlServers'
  | 'SqlServerVirtualMachines'
  | 'Containers'
  | 'AppServices';

/** An extension toggle, or enabled with additionalExtensionProperties (pricings 2024-01-01). */
export type ExtensionSetting = boolean | { readonly enabled: boolean; readonly properties?: Readonly<Record<string, string | number | boolean>> };

export interface DefenderPlanSetting {
  readonly tier: 'Standard' | 'Free';
  readonly subPlan?: string;
  readonly enforce?: boolean;
  readonly extensions?: Readonly<Partial<Record<string, ExtensionSetting>>>;
}

/** Monthly malware-scanning cap per storage account. Learn "Defender for Storage IaC enablement": the default cap is 5,000 GB (ALZ uses the same); the built-in cfdc5972 defaults to 10000, so it is passed explicitly. */
export const STORAGE_MALWARE_SCAN_CAP_GB = 5000;

export const ZERO_TRUST_DEFENDER_PLANS = {
  // ZT-MDC-01: Defender CSPM with every extension the built-in 72f8cee7 checks. EntraPermissionsManagement is the
  // CIEM toggle inside Defender CSPM; the standalone Entra product's retirement does not remove it (Learn,
  // "Enable permissions management").
  CloudPosture: {
    tier: 'Standard',
    extensions: {
      SensitiveDataDiscovery: true,
      ContainerRegistriesVulnerabilityAssessments: true,
      AgentlessDiscoveryForKubernetes: true,
      AgentlessVmScanning: true,
      EntraPermissionsManagement: true,
    },
  },
  // ZT-MDC-02: Servers P2 (JIT, FIM, vulnerability assessment), agentless scanning on, not the MDE-designated subscription.
  VirtualMachines: { tier: 'Standard', subPlan: 'P2', extensions: { AgentlessVmScanning: true, MdeDesignatedSubscription: false } },
  // ZT-MDC-03: Storage V2 with on-upload malware scanning (capped) and sensitive data threat detection.
  StorageAccounts: {
    tier: 'Standard',
    subPlan: 'DefenderForStorageV2',
    extensions: {
      // Property name as the pricings REST examples and the built-in's deployment spell it.
      OnUploadMalwareScanning: { enabled: true, properties: { CapGBPerMonthPerStorageAccount: STORAGE_MALWARE_SCAN_CAP_GB } },
      SensitiveDataDiscovery: true,
    },
  },
  // ZT-MDC-04: PerTransaction is the current Key Vault plan (PerKeyVault is the legacy per-vault price).
  KeyVaults: { tier: 'Standard', subPlan: 'PerTransaction' },
  // ZT-MDC-05: PerApiCall is the current Resource Manager plan (PerSubscription is legacy).
  Arm: { tier: 'Standard', subPlan: 'PerApiCall' },
  // ZT-MDC-06: SQL (PaaS) and SQL servers on machines (the reference app's data tier).
  SqlServers: { tier: 'Standard' },
  SqlServerVirtualMachines: { tier: 'Standard' },
} as const satisfies { readonly [K in DefenderPlanName]?: DefenderPlanSetting };

export type ZeroTrustDefenderPlans = typeof ZERO_TRUST_DEFENDER_PLANS;

/** "true"/"false": how the built-in Defender members take extension toggles (String parameters). */
export function extensionFlag(setting: ExtensionSetting): 'true' | 'false' {
  return (typeof setting === 'boolean' ? setting : setting.enabled) ? 'true' : 'false';
}

/**
 * The plans the publisher writes: the Zero Trust plans, with each plan of the config laid over its Zero Trust
 * setting (the fields and extensions it names win, the others keep the Zero Trust value), plus the plans only the
 * config names (Containers, App Service). A config that restates part of a plan therefore never drops what the
 * Defender initiative's members demand (e.g. a CloudPosture entry listing two extensions keeps the other three on).
 */
export function effectiveDefenderPlans<C extends DefenderPlanSetting>(configured: Readonly<Partial<Record<DefenderPlanName, C>>>): Partial<Record<DefenderPlanName, DefenderPlanSetting>> {
  const zt = ZERO_TRUST_DEFENDER_PLANS as { readonly [K in DefenderPlanName]?: DefenderPlanSetting };
  const out: Partial<Record<DefenderPlanName, DefenderPlanSetting>> = structuredClone(zt) as Partial<Record<DefenderPlanName, DefenderPlanSetting>>;
  for (const [name, mine] of Object.entries(configured) as [DefenderPlanName, C | undefined][]) {
    if (mine === undefined) continue;
    const base = out[name];
    const extensions = base?.extensions || mine.extensions ? { ...base?.extensions, ...structuredClone(mine.extensions) } : undefined;
    out[name] = { ...base, ...structuredClone(mine), ...(extensions === undefined ? {} : { extensions }) };
  }
  return out;
}

/**
 * Where a configured plan contradicts the Zero Trust setting of the same plan, as "path: configured -> demanded"
 * lines (empty when it agrees). Only what the Defender initiative's existence conditions read counts: tier,
 * subPlan and each extension's on/off; additional extension properties (the scan cap) are not checked by them.
 */
export function planContradictions(name: DefenderPlanName, configured: DefenderPlanSetting): string[] {
  const zt = (ZERO_TRUST_DEFENDER_PLANS as { readonly [K in DefenderPlanName]?: DefenderPlanSetting })[name];
  if (zt === undefined) return [];
  const out: string[] = [];
  if (configured.tier !== zt.tier) out.push(`tier: ${configured.tier} (Zero Trust: ${zt.tier})`);
  if (zt.subPlan !== undefined && configured.subPlan !== undefined && configured.subPlan !== zt.subPlan) {
    out.push(`subPlan: ${configured.subPlan} (Zero Trust: ${zt.subPlan})`);
  }
  for (const [ext, setting] of Object.entries(zt.extensions ?? {})) {
    const mine = configured.extensions?.[ext];
    if (mine !== undefined && setting !== undefined && extensionFlag(mine) !== extensionFlag(setting)) out.push(`extensions.${ext}: ${extensionFlag(mine)} (Zero Trust: ${extensionFlag(setting)})`);
  }
  return out;
}
