import type { HierarchySeed } from './state.js';

/** A clearly fake tenant id; the tenant root group is named after it, as in Azure. */
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-0000000a2e00';

/**
 * Default hierarchy:
 *
 *   <tenant root group = tenant id>
 *   ├── root                      "Root" (the publisher's target in the docs: `--mg root`)
 *   │   ├── platform              sub 11111111-… "platform-connectivity"
 *   │   └── landing-zones
 *   │       ├── corp              sub 22222222-… "corp-prod"
 *   │       └── online            sub 33333333-… "online-prod"
 *   └── sandbox                   sub 44444444-… "sandbox" (outside root: out-of-scope tests)
 */
export const DEFAULT_SUBSCRIPTIONS = {
  platform: '11111111-1111-4111-8111-111111111111',
  corp: '22222222-2222-4222-8222-222222222222',
  online: '33333333-3333-4333-8333-333333333333',
  sandbox: '44444444-4444-4444-8444-444444444444',
} as const;

/**
 * A tenant seeded as Azure has it (issue 8.1): no group called `root`; the groups of the default hierarchy hang
 * directly under the Tenant Root Group, whose name is the tenant id. `--mg root` must resolve to it.
 *
 *   <tenant root group = tenant id>
 *   ├── platform, landing-zones (corp, online), sandbox   (same subscriptions as the default)
 */
export function azureLikeHierarchy(): HierarchySeed {
  return {
    managementGroups: DEFAULT_HIERARCHY.managementGroups
      .filter((m) => m.id !== 'root')
      .map((m) => (m.parent === 'root' ? { id: m.id, ...(m.displayName !== undefined ? { displayName: m.displayName } : {}) } : m)),
    subscriptions: DEFAULT_HIERARCHY.subscriptions,
  };
}

export const DEFAULT_HIERARCHY: HierarchySeed = {
  managementGroups: [
    { id: 'root', displayName: 'Root' },
    { id: 'platform', displayName: 'Platform', parent: 'root' },
    { id: 'landing-zones', displayName: 'Landing zones', parent: 'root' },
    { id: 'corp', displayName: 'Corp', parent: 'landing-zones' },
    { id: 'online', displayName: 'Online', parent: 'landing-zones' },
    { id: 'sandbox', displayName: 'Sandbox' },
  ],
  subscriptions: [
    { id: DEFAULT_SUBSCRIPTIONS.platform, displayName: 'platform-connectivity', managementGroup: 'platform' },
    { id: DEFAULT_SUBSCRIPTIONS.corp, displayName: 'corp-prod', managementGroup: 'corp' },
    { id: DEFAULT_SUBSCRIPTIONS.online, displayName: 'online-prod', managementGroup: 'online' },
    { id: DEFAULT_SUBSCRIPTIONS.sandbox, displayName: 'sandbox', managementGroup: 'sandbox' },
  ],
};

export interface SubscriptionSeedOptions {
  count: number;
  /** Management groups to spread them over, round robin (default: corp and online, both under root). */
  managementGroups?: string[];
}

/** Id of the i-th generated subscription (deterministic, clearly fake: 5eed prefix). */
export function seededSubscriptionId(i: number): string {
  return `5eed0000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** The hierarchy plus `seed.count` generated subscriptions (named "sub-00001"...), for scale tests and benchmarks. */
export function withSeededSubscriptions(hierarchy: HierarchySeed, seed: SubscriptionSeedOptions | undefined): HierarchySeed {
  if (!seed || seed.count <= 0) return hierarchy;
  const groups = seed.managementGroups ?? ['corp', 'online'];
  const extra = Array.from({ length: seed.count }, (_, i) => ({
    id: seededSubscriptionId(i + 1),
    displayName: `sub-${String(i + 1).padStart(5, '0')}`,
    managementGroup: groups[i % groups.length]!,
  }));
  return { ...hierarchy, subscriptions: [...hierarchy.subscriptions, ...extra] };
}
