import { notFound } from './arm-error.js';
import { mgScope, subscriptionScope, type Scope } from './scope.js';
import { clone, type JsonObject } from './util.js';
import type { PolicyStateRecord } from './types.js';

/** A resource as the emulator stores and serves it: the full ARM JSON (id, type, name, properties, ...). */
export interface ArmResource extends JsonObject {
  id: string;
  type: string;
  name: string;
}

export interface ManagementGroupNode {
  name: string;
  displayName: string;
  /** Parent MG name; undefined only for the tenant root group. */
  parent?: string;
}

export interface SubscriptionNode {
  subscriptionId: string;
  displayName: string;
  managementGroup: string;
  state: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
}

export interface PrincipalRecord {
  principalId: string;
  /** When the principal was created (ms since epoch). */
  createdAt: number;
  /** Role-assignment PUTs still to answer PrincipalNotFound (replication knob, count mode). */
  failuresLeft: number;
  /** Wall-clock replication delay (time mode). */
  visibleAt: number;
  /** Set when its policy assignment was deleted: the identity no longer exists. */
  deleted: boolean;
  source: string;
}

export interface HierarchySeed {
  managementGroups: { id: string; displayName?: string; parent?: string }[];
  subscriptions: { id: string; displayName: string; managementGroup: string }[];
}

/** Names of the Defender for Cloud plans every subscription has (Free until set). */
export const DEFENDER_PLANS = [
  'VirtualMachines',
  'SqlServers',
  'AppServices',
  'StorageAccounts',
  'SqlServerVirtualMachines',
  'KeyVaults',
  'Dns',
  'Arm',
  'OpenSourceRelationalDatabases',
  'CosmosDbs',
  'Containers',
  'CloudPosture',
  'Api',
  'AI',
] as const;

/**
 * Everything the emulator knows. Collections are keyed by the lower-cased resource id (ARM ids are
 * case-insensitive) and hold the JSON exactly as a GET returns it. Tests may read them freely; to add
 * objects with the emulator's validation, use `ArmEmulator.call()`.
 */
export class EmulatorState {
  readonly managementGroups = new Map<string, ManagementGroupNode>();
  readonly subscriptions = new Map<string, SubscriptionNode>();
  readonly policyDefinitions = new Map<string, ArmResource>();
  readonly policySetDefinitions = new Map<string, ArmResource>();
  readonly policyAssignments = new Map<string, ArmResource>();
  readonly policyExemptions = new Map<string, ArmResource>();
  readonly roleAssignments = new Map<string, ArmResource>();
  /** Custom or extra role definitions by lower-cased GUID (built-in roles come from roles.ts). */
  readonly roleDefinitions = new Map<string, ArmResource>();
  /** Pricings per lower-cased subscription id, per lower-cased plan name. Plans never PUT are Free. */
  readonly pricings = new Map<string, Map<string, ArmResource>>();
  /** Last write of each pricing by lower-cased id, with what was there before: Resource Graph's index lag. */
  readonly pricingWrites = new Map<string, { before: ArmResource | undefined; at: number }>();
  readonly remediations = new Map<string, ArmResource>();
  /** Directory principals by lower-cased object id (managed identities get added when created). */
  readonly principals = new Map<string, PrincipalRecord>();
  /** Microsoft.Security provider state of subscriptions seeded as unregistered (others are registered). */
  readonly securityRegistration = new Map<string, { registered: boolean; failuresLeft: number }>();
  /** Compliance records Azure would hold (PolicyStates 'latest'), seeded by tests (handlers/policy-states.ts). */
  readonly policyStates: PolicyStateRecord[] = [];
  /** Subscriptions (lower case) whose compliance scan has completed. */
  readonly evaluatedSubscriptions = new Set<string>();
  /** Compliance scans in flight by operation id: the subscription and the polls still to answer 202. */
  readonly evaluations = new Map<string, { subscriptionId: string; pollsLeft: number }>();

  constructor(
    readonly tenantId: string,
    hierarchy: HierarchySeed,
  ) {
    this.managementGroups.set(tenantId.toLowerCase(), { name: tenantId, displayName: 'Tenant Root Group' });
    for (const mg of hierarchy.managementGroups) {
      if (mg.id.toLowerCase() === tenantId.toLowerCase()) continue;
      this.managementGroups.set(mg.id.toLowerCase(), {
        name: mg.id,
        displayName: mg.displayName ?? mg.id,
        parent: mg.parent ?? tenantId,
      });
    }
    for (const mg of this.managementGroups.values()) {
      if (mg.parent !== undefined && !this.managementGroups.has(mg.parent.toLowerCase())) {
        throw new Error(`emulator hierarchy: management group '${mg.name}' has unknown parent '${mg.parent}'`);
      }
    }
    for (const sub of hierarchy.subscriptions) {
      if (!this.managementGroups.has(sub.managementGroup.toLowerCase())) {
        throw new Error(`emulator hierarchy: subscription '${sub.id}' is under unknown management group '${sub.managementGroup}'`);
      }
      this.subscriptions.set(sub.id.toLowerCase(), {
        subscriptionId: sub.id,
        displayName: sub.displayName,
        managementGroup: sub.managementGroup,
        state: 'Enabled',
      });
    }
  }

  getManagementGroup(name: string): ManagementGroupNode | undefined {
    return this.managementGroups.get(name.toLowerCase());
  }

  getSubscription(id: string): SubscriptionNode | undefined {
    return this.subscriptions.get(id.toLowerCase());
  }

  /** The MG chain from `name` up to the tenant root group (inclusive), nearest first. */
  mgChain(name: string): ManagementGroupNode[] {
    const out: ManagementGroupNode[] = [];
    let cur = this.getManagementGroup(name);
    while (cur) {
      out.push(cur);
      cur = cur.parent === undefined ? undefined : this.getManagementGroup(cur.parent);
    }
    return out;
  }

  /** Direct child management groups of `name`. */
  childGroups(name: string): ManagementGroupNode[] {
    const lower = name.toLowerCase();
    return [...this.managementGroups.values()].filter((m) => m.parent?.toLowerCase() === lower);
  }

  childSubscriptions(name: string): SubscriptionNode[] {
    const lower = name.toLowerCase();
    return [...this.subscriptions.values()].filter((s) => s.managementGroup.toLowerCase() === lower);
  }

  /** All subscriptions at or below the management group. */
  subscriptionsUnder(name: string): SubscriptionNode[] {
    const out = [...this.childSubscriptions(name)];
    for (const child of this.childGroups(name)) out.push(...this.subscriptionsUnder(child.name));
    return out;
  }

  /** Verifies the scope exists in the hierarchy (MG or subscription); throws ARM's 404 otherwise. */
  assertScopeExists(scope: Scope): void {
    if (scope.kind === 'managementGroup' && !this.getManagementGroup(scope.managementGroup)) {
      throw notFound('ManagementGroupNotFound', `The management group '${scope.managementGroup}' could not be found.`);
    }
    if (scope.kind !== 'tenant' && scope.kind !== 'managementGroup' && !this.getSubscription(scope.subscriptionId)) {
      throw notFound('SubscriptionNotFound', `The subscription '${scope.subscriptionId}' could not be found.`);
    }
  }

  /**
   * Canonical scope for a parsed scope: management-group names take the casing they were created with
   * (ARM keeps the group's own casing in ids it returns).
   */
  canonical(scope: Scope): Scope {
    if (scope.kind === 'managementGroup') {
      const mg = this.getManagementGroup(scope.managementGroup);
      return mg ? mgScope(mg.name) : scope;
    }
    if (scope.kind === 'subscription') {
      const sub = this.getSubscription(scope.subscriptionId);
      return sub ? subscriptionScope(sub.subscriptionId) : scope;
    }
    return scope;
  }

  /**
   * Keys of the scopes at or above `scope` (self first, tenant last as ''), the set a definition must
   * live in to be usable by an assignment at `scope` (publisher-mechanics §3.5).
   */
  ancestorKeys(scope: Scope): string[] {
    const keys: string[] = [];
    let mg: string | undefined;
    if (scope.kind === 'tenant') return [''];
    if (scope.kind === 'managementGroup') {
      mg = scope.managementGroup;
    } else {
      if (scope.kind === 'resource') keys.push(scope.key);
      if (scope.kind === 'resource' || scope.kind === 'resourceGroup') {
        keys.push(`/subscriptions/${scope.subscriptionId}/resourcegroups/${scope.resourceGroup}`.toLowerCase());
      }
      keys.push(`/subscriptions/${scope.subscriptionId}`.toLowerCase());
      mg = this.getSubscription(scope.subscriptionId)?.managementGroup;
    }
    if (mg !== undefined) for (const node of this.mgChain(mg)) keys.push(mgScope(node.name).key);
    keys.push('');
    return [...new Set(keys)];
  }

  /** True when `inner` is `outer` or lies below it. */
  isAtOrBelow(inner: Scope, outer: Scope): boolean {
    return this.ancestorKeys(inner).includes(outer.key);
  }

  pricingsFor(subscriptionId: string): Map<string, ArmResource> {
    const key = subscriptionId.toLowerCase();
    let m = this.pricings.get(key);
    if (!m) {
      m = new Map();
      this.pricings.set(key, m);
    }
    return m;
  }

  /** A deep copy of every collection, for snapshot/restore around a test step. */
  snapshot(): StateSnapshot {
    return {
      policyDefinitions: clone([...this.policyDefinitions]),
      policySetDefinitions: clone([...this.policySetDefinitions]),
      policyAssignments: clone([...this.policyAssignments]),
      policyExemptions: clone([...this.policyExemptions]),
      roleAssignments: clone([...this.roleAssignments]),
      roleDefinitions: clone([...this.roleDefinitions]),
      pricings: [...this.pricings].map(([k, v]) => [k, clone([...v])] as [string, [string, ArmResource][]]),
      remediations: clone([...this.remediations]),
      principals: clone([...this.principals]),
    };
  }

  restore(snap: StateSnapshot): void {
    const fill = <V>(target: Map<string, V>, entries: [string, V][]): void => {
      target.clear();
      for (const [k, v] of clone(entries)) target.set(k, v);
    };
    fill(this.policyDefinitions, snap.policyDefinitions);
    fill(this.policySetDefinitions, snap.policySetDefinitions);
    fill(this.policyAssignments, snap.policyAssignments);
    fill(this.policyExemptions, snap.policyExemptions);
    fill(this.roleAssignments, snap.roleAssignments);
    fill(this.roleDefinitions, snap.roleDefinitions);
    fill(this.remediations, snap.remediations);
    fill(this.principals, snap.principals);
    this.pricings.clear();
    this.pricingWrites.clear();
    for (const [k, v] of snap.pricings) this.pricings.set(k, new Map(clone(v)));
  }
}

export interface StateSnapshot {
  policyDefinitions: [string, ArmResource][];
  policySetDefinitions: [string, ArmResource][];
  policyAssignments: [string, ArmResource][];
  policyExemptions: [string, ArmResource][];
  roleAssignments: [string, ArmResource][];
  roleDefinitions: [string, ArmResource][];
  pricings: [string, [string, ArmResource][]][];
  remediations: [string, ArmResource][];
  principals: [string, PrincipalRecord][];
}
