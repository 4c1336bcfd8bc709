/**
 * Policy assignments at the subscriptions below the target (issue 11.2): ztpolicy assigns at management groups
 * only, but an assignment of its own at a subscription (an older version's, another checkout's with the same owner)
 * must be pruned like any other, with its role assignments, and an assignment there that still references a set
 * ztpolicy is about to delete must hold that delete back (Azure answers InvalidDeletePolicySetDefinitionRequest).
 *
 * Read at tenant scale as the Defender pricings are (pricings.ts): one paged Azure Resource Graph query over the
 * subscriptions below the management group (`policyresources | where type == 'microsoft.authorization/policyassignments'`;
 * PolicyResources holds policy assignments: Resource Graph table and resource type reference, learn.microsoft.com
 * governance/resource-graph/reference/supported-tables-resources), else one list per subscription (`atExactScope()`)
 * when Resource Graph fails. Resource Graph trails ARM and has no row for a subscription it has not indexed yet, and
 * unlike pricings an empty subscription has no row either, so such a lag cannot be told from "nothing there": an
 * assignment made in the last minutes is pruned by the next run. Only role assignments at subscriptions that hold
 * an assignment of ours are read (one list each), so a tenant of 1,000 subscriptions costs no extra read per
 * subscription in the usual case (none of ours there).
 */
import type { AzureGateway } from './gateway.js';
import { subscriptionAssignment } from './gateway.js';
import { ownerOf } from './planner.js';
import { pool } from './pool.js';
import { DEFAULT_SCALE_LIMITS, type ScaleLimits } from './pricings.js';
import type { JsonObject } from '../compiler/canonical-json.js';
import type { LivePolicyAssignment, LiveRoleAssignment } from './types.js';

export type SubscriptionAssignmentGateway = Pick<AzureGateway, 'queryResourceGraph' | 'listSubscriptionAssignments' | 'listRoleAssignments'>;

// Ordered by id: Resource Graph pages reliably only a sorted result (governance/resource-graph/concepts/paging-results.md).
const QUERY = [
  'policyresources',
  "| where type == 'microsoft.authorization/policyassignments'",
  "| where subscriptionId != ''",
  '| project id, name, subscriptionId, location, identity, properties',
  '| order by id asc',
].join('\n');

export interface SubscriptionAssignmentRead {
  /** Every assignment exactly at a subscription below the target (ours and others': the planner tells them apart). */
  assignments: LivePolicyAssignment[];
  /** Role assignments exactly at the subscriptions that hold one of `owner`'s assignments. */
  roleAssignments: LiveRoleAssignment[];
  method: 'resourceGraph' | 'direct' | 'none';
}

export async function readSubscriptionAssignments(
  gateway: SubscriptionAssignmentGateway,
  managementGroup: string,
  subscriptions: readonly string[],
  owner: string,
  limits: ScaleLimits = DEFAULT_SCALE_LIMITS,
): Promise<SubscriptionAssignmentRead> {
  if (subscriptions.length === 0) return { assignments: [], roleAssignments: [], method: 'none' };
  const below = new Set(subscriptions.map((s) => s.toLowerCase()));
  let assignments: LivePolicyAssignment[] = [];
  let method: SubscriptionAssignmentRead['method'] = 'resourceGraph';
  try {
    const rows = await gateway.queryResourceGraph(QUERY, managementGroup);
    assignments = rows.map((r: JsonObject) => subscriptionAssignment(r)).filter((a): a is LivePolicyAssignment => a !== undefined);
  } catch {
    // No Resource Graph (no access, not registered, failing after retries): the same answer, one list per subscription.
    method = 'direct';
    const failures = await pool(subscriptions, limits.subscriptions * limits.perSubscription, async (sub) => {
      assignments.push(...(await gateway.listSubscriptionAssignments(sub)));
    });
    if (failures.length > 0) throw failures[0]!.error;
  }
  assignments = assignments.filter((a) => below.has(a.subscriptionId!.toLowerCase()));
  const withOurs = [...new Set(assignments.filter((a) => ownerOf(a.properties) === owner).map((a) => a.subscriptionId!))];
  const roleAssignments: LiveRoleAssignment[] = [];
  const failures = await pool(withOurs, limits.subscriptions, async (sub) => {
    const scope = `/subscriptions/${sub}`;
    // atScope() also returns the assignments above the subscription; only those exactly at it are this read's.
    roleAssignments.push(...(await gateway.listRoleAssignments(scope)).filter((r) => r.scope.toLowerCase() === scope.toLowerCase()));
  });
  if (failures.length > 0) throw failures[0]!.error;
  return { assignments, roleAssignments, method };
}
