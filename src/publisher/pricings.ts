/**
 * Reading the Defender pricing state of every subscription under the target, at tenant scale (issue 8 point 5).
 *
 * Azure Resource Graph answers "this property on every subscription" in a few paged queries, where per-subscription
 * reads cost one request per subscription (1,000 for a large tenant). Resource Graph is an index of ARM that ARM
 * notifies on every change and a periodic scan refreshes (governance/resource-graph/overview.md, "How Resource Graph
 * is kept current"): it can trail ARM. So:
 * - Resource Graph first (`securityresources | where type == "microsoft.security/pricings"`, one query paged by
 *   skip tokens) for the subscriptions below the management group;
 * - per-subscription reads (the pricings list at 2024-01-01) where Resource Graph fails (no access, not registered,
 *   an error after retries: the reason is kept for the plan) or has no row for a subscription (not indexed yet);
 * - a subscription whose Resource Graph state differs from the config is re-read directly before a write is
 *   planned, so a lagging index never causes a write that ARM's own state does not need.
 * A write that Resource Graph has not seen yet can also hide a change made outside ztpolicy in the last moments;
 * the next run catches it (that is the documented freshness of the index, not something a client can detect).
 */
import { isRestError } from '@azure/core-rest-pipeline';
import type { DefenderPlanConfig, DefenderPlanName } from './config.js';
import type { AzureGateway } from './gateway.js';
import { pool } from './pool.js';
import { livePricing } from './gateway.js';
import { pricingDiffers } from './planner.js';
import type { LivePricing, PricingSource, Progress } from './types.js';

/** Concurrency for per-subscription work: subscriptions in flight, and requests in flight per subscription. */
export interface ScaleLimits {
  subscriptions: number;
  perSubscription: number;
}

/**
 * ARM's subscription write bucket refills 10/s (publisher-mechanics.md 3.3): 4 requests in flight per subscription
 * stay well under it at real latencies; 32 subscriptions at once keep 128 requests in flight overall.
 */
export const DEFAULT_SCALE_LIMITS: ScaleLimits = { subscriptions: 32, perSubscription: 4 };

export type PricingGateway = Pick<AzureGateway, 'queryResourceGraph' | 'listPricings'>;

function pricingQuery(plans: readonly string[]): string {
  // Ordered by id: Resource Graph pages reliably only a sorted result (governance/resource-graph/concepts/paging-results.md).
  return [
    'securityresources',
    "| where type == 'microsoft.security/pricings'",
    `| where name in~ (${plans.map((p) => `'${p}'`).join(', ')})`,
    '| project id, subscriptionId, name, properties',
    '| order by id asc',
  ].join('\n');
}

function reason(error: unknown): string {
  if (isRestError(error)) return `${error.code ?? `HTTP ${error.statusCode ?? '?'}`}: ${error.message.split('\n')[0]}`;
  return error instanceof Error ? error.message : String(error);
}

export interface PricingRead {
  pricings: LivePricing[];
  source: PricingSource;
}

export async function readPricings(
  gateway: PricingGateway,
  managementGroup: string,
  subscriptions: readonly string[],
  plans: Partial<Record<DefenderPlanName, DefenderPlanConfig>>,
  options: { limits?: ScaleLimits; progress?: Progress } = {},
): Promise<PricingRead> {
  const configured = Object.entries(plans).filter((e): e is [DefenderPlanName, DefenderPlanConfig] => e[1] !== undefined);
  if (configured.length === 0 || subscriptions.length === 0) {
    return { pricings: [], source: { method: 'none', resourceGraph: 0, direct: 0, confirmed: 0 } };
  }
  const limits = options.limits ?? DEFAULT_SCALE_LIMITS;
  const wanted = new Map(subscriptions.map((s) => [s.toLowerCase(), s]));
  const fromGraph = new Map<string, LivePricing[]>();
  let fallbackReason: string | undefined;
  const graphTask = options.progress?.('Reading Defender plans from Azure Resource Graph (subscriptions)', subscriptions.length);
  try {
    const seen = new Set<string>();
    await gateway.queryResourceGraph(pricingQuery(configured.map(([n]) => n)), managementGroup, (rows) => {
      for (const row of rows) {
        const sub = wanted.get(String(row.subscriptionId ?? '').toLowerCase());
        if (sub === undefined) continue;
        if (!seen.has(sub)) {
          seen.add(sub);
          graphTask?.tick();
        }
        const list = fromGraph.get(sub) ?? [];
        list.push(livePricing(sub, row));
        fromGraph.set(sub, list);
      }
    });
  } catch (error) {
    fromGraph.clear();
    fallbackReason = reason(error);
  } finally {
    graphTask?.done();
  }
  const notIndexed = subscriptions.filter((s) => !fromGraph.has(s));
  const toConfirm = [...fromGraph].filter(([, live]) => {
    const byName = new Map(live.map((p) => [p.name.toLowerCase(), p]));
    return configured.some(([name, cfg]) => pricingDiffers(cfg, byName.get(name.toLowerCase())));
  });
  const direct = [...notIndexed, ...toConfirm.map(([s]) => s)];
  const result = new Map(fromGraph);
  if (direct.length > 0) {
    const task = options.progress?.(fromGraph.size > 0 ? 'Reading Defender plans directly (subscriptions)' : 'Reading Defender plans (subscriptions)', direct.length);
    try {
      const failures = await pool(direct, limits.subscriptions * limits.perSubscription, async (sub) => {
        result.set(sub, await gateway.listPricings(sub));
        task?.tick();
      });
      if (failures.length > 0) throw failures[0]!.error;
    } finally {
      task?.done();
    }
  }
  const source: PricingSource = {
    method: fromGraph.size > 0 ? 'resourceGraph' : 'direct',
    resourceGraph: fromGraph.size,
    direct: notIndexed.length,
    confirmed: toConfirm.length,
  };
  if (fallbackReason !== undefined) source.fallbackReason = fallbackReason;
  return { pricings: subscriptions.flatMap((s) => result.get(s) ?? []), source };
}
