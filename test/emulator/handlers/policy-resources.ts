/**
 * Resource Graph's `policyresources` table, as far as ztpolicy queries it: policy assignments at the subscriptions
 * in the query's scope and below them (resource groups, resources). Microsoft's table reference lists
 * `microsoft.authorization/policyassignments` under PolicyResources (governance/resource-graph/reference/
 * supported-tables-resources); a row carries the resource's ARM document (id, name, location, identity, properties)
 * plus Resource Graph's columns (type in lower case, tenantId, subscriptionId, resourceGroup). Whether Resource
 * Graph also returns assignments at management groups under a `managementGroups` scope is not modelled (not
 * verified here): rows come only from subscriptions, which is all ztpolicy reads from this table.
 */
import type { Row } from '../kql.js';
import type { TableContext } from './resource-graph.js';

export function policyAssignmentRows(t: TableContext): Row[] {
  const subs = new Map(t.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s]));
  const rows: Row[] = [];
  for (const a of t.state.policyAssignments.values()) {
    const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(a.id);
    const sub = m ? subs.get(m[1]!.toLowerCase()) : undefined;
    if (!sub) continue;
    rows.push({
      id: a.id,
      name: a.name,
      type: 'microsoft.authorization/policyassignments',
      tenantId: t.tenantId,
      kind: '',
      location: a.location ?? '',
      resourceGroup: m![2] ?? '',
      subscriptionId: sub.subscriptionId,
      identity: a.identity ?? null,
      properties: a.properties ?? {},
    });
  }
  return rows.sort((x, y) => String(x.id).localeCompare(String(y.id)));
}
