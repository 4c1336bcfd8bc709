/**
 * Defender pricings at tenant scale (issue 8 point 5) against the emulator with seeded subscriptions: the state is
 * read through Azure Resource Graph (a few paged queries, not one read per subscription), per subscription where
 * Resource Graph fails or has not indexed a subscription, differing subscriptions re-read before a write (the index
 * trails ARM); writes only where the state differs; concurrency bounded per subscription and overall; a throttled
 * subscription (429 + Retry-After) does not hold up the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cliProgress } from '../../src/cli/progress.js';
import { renderText } from '../../src/publisher/render.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { seededSubscriptionId, type ArmEmulator, type RecordedRequest } from '../emulator/index.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';

const SUBS = 40; // seeded, plus the 3 default subscriptions under root
// Defender plans written per subscription: the seven Zero Trust plans (src/publisher/defender-plans.ts: CSPM,
// Servers, Storage, Key Vault, Resource Manager, SQL, SQL on machines) are always written; the fixture config's five
// only restate settings of some of them and add none.
const PLANS = 7;
const RG = '/providers/Microsoft.ResourceGraph/resources';

let emu: ArmEmulator | undefined;
let ws: Workspace | undefined;
afterEach(async () => {
  await emu?.close();
  ws?.remove();
  emu = undefined;
  ws = undefined;
});

const pricingPuts = (e: ArmEmulator) => e.requests.filter((r) => r.method === 'PUT' && r.path.includes('/pricings/'));
const pricingReads = (e: ArmEmulator) => e.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/providers/Microsoft.Security/pricings'));
// The pricing queries (the plan also asks Resource Graph for assignments at subscriptions: policyresources).
const graphQueries = (e: ArmEmulator) =>
  e.requests.filter((r) => r.method === 'POST' && r.path === RG && String((r.body as { query?: string } | undefined)?.query).startsWith('securityresources'));
const subOf = (r: RecordedRequest) => r.path.split('/')[2]!.toLowerCase();

/** Most requests in flight at once, overall and per subscription, from arrival times and durations. */
function maxInFlight(requests: RecordedRequest[]): { overall: number; perSubscription: number } {
  const peak = (rs: RecordedRequest[]) => {
    const events = rs.flatMap((r) => [[r.at, 1] as const, [r.at + r.durationMs, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let max = 0;
    for (const [, d] of events) max = Math.max(max, (cur += d));
    return max;
  };
  const bySub = new Map<string, RecordedRequest[]>();
  for (const r of requests) bySub.set(subOf(r), [...(bySub.get(subOf(r)) ?? []), r]);
  return { overall: peak(requests), perSubscription: Math.max(...[...bySub.values()].map(peak)) };
}

describe('Defender pricings at scale', () => {
  it('reads through Resource Graph, writes only what differs, bounded per subscription and overall; a re-run reads in one query and writes nothing', async () => {
    emu = await emulator({ subscriptions: { count: SUBS }, latencyMs: 5 });
    ws = workspace();
    const lines: string[] = [];
    const progress = cliProgress({ stdout: () => undefined, stderr: (t) => void lines.push(t), stderrIsTty: false });
    const s1 = await session(emu, ws, { scale: { subscriptions: 6, perSubscription: 2 }, progress });
    const { plan } = await planSession(s1, 'scale1');
    expect(plan.pricingSource).toMatchObject({ method: 'resourceGraph', resourceGraph: SUBS + 3, direct: 0, confirmed: SUBS + 3 });
    expect(graphQueries(emu)).toHaveLength(1); // 301 rows (43 x 7) fit in one page of 1,000
    const text = renderText(plan);
    expect(text).toContain(`~ update VirtualMachines on ${SUBS + 3} subscriptions\n`);
    expect(text).not.toContain(seededSubscriptionId(1)); // listed only under --verbose / --json
    expect(renderText(plan, { verbose: true })).toContain(`~ update VirtualMachines on subscription ${seededSubscriptionId(1)}\n`);

    emu.resetRequests();
    const applied = await applySession(s1, plan);
    const puts = pricingPuts(emu);
    expect(puts).toHaveLength((SUBS + 3) * PLANS);
    expect(applied.writes).toBe((SUBS + 3) * PLANS + plan.items.filter((i) => i.kind !== 'pricing' && i.action !== 'no-op').length);
    const peak = maxInFlight(puts);
    expect(peak.perSubscription).toBeLessThanOrEqual(2);
    expect(peak.overall).toBeLessThanOrEqual(12);
    expect(peak.overall).toBeGreaterThan(2); // subscriptions really run side by side
    // Subscriptions done of total (issue 8.5), and beside it every write (pricings and the policy tiers) done of total.
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Writing Defender plans \\(subscriptions\\): ${SUBS + 3}/${SUBS + 3} done in \\d+\\.\\d s\\n$`)));
    expect(lines.filter((l) => l.startsWith('Writing')).length).toBeLessThanOrEqual(12); // plain lines in 10 % steps, not one per subscription
    expect(lines.at(-1)).toMatch(new RegExp(`^Publishing \\(writes\\): ${applied.writes}/${applied.writes} done in \\d+\\.\\d s\\n$`));
    expect(lines.filter((l) => l.startsWith('Publishing')).length).toBeLessThanOrEqual(12); // plain lines in 10 % steps, not one per write

    emu.resetRequests();
    const { plan: again } = await planSession(await session(emu, ws), 'scale2');
    expect(again.hasChanges).toBe(false);
    expect(again.pricingSource).toMatchObject({ method: 'resourceGraph', resourceGraph: SUBS + 3, direct: 0, confirmed: 0 });
    expect(pricingReads(emu)).toHaveLength(0);
    expect(graphQueries(emu)).toHaveLength(1);
    expect(emu.writes()).toHaveLength(0);
  });

  it('falls back to reading each subscription when Resource Graph refuses, and says so', async () => {
    emu = await emulator({ subscriptions: { count: 5 } });
    ws = workspace();
    emu.faults.add({ match: { pathIncludes: RG }, kind: 'status', status: 403, code: 'AuthorizationFailed', message: 'no Microsoft.ResourceGraph/resources/read' });
    const { plan } = await planSession(await session(emu, ws));
    expect(plan.pricingSource).toMatchObject({ method: 'direct', resourceGraph: 0, direct: 8, fallbackReason: expect.stringContaining('AuthorizationFailed') });
    expect(pricingReads(emu)).toHaveLength(8);
    expect(renderText(plan)).toContain('  state read per subscription, 8 subscriptions (Azure Resource Graph unavailable: AuthorizationFailed');
    expect(plan.items.filter((i) => i.kind === 'pricing' && i.action === 'update')).toHaveLength(8 * PLANS);
  });

  it('reads directly the subscriptions Resource Graph has not indexed, and re-reads stale ones before writing', async () => {
    const fresh = seededSubscriptionId(2);
    emu = await emulator({ subscriptions: { count: 4 }, resourceGraph: { unindexedSubscriptions: [fresh], indexDelayMs: 60_000 } });
    ws = workspace();
    const first = await session(emu, ws);
    const { plan } = await planSession(first);
    expect(plan.pricingSource).toMatchObject({ method: 'resourceGraph', resourceGraph: 6, direct: 1 });
    await applySession(first, plan);
    // Resource Graph still shows every plan as Free (index delay); ARM has them: no write may follow from that.
    emu.resetRequests();
    const { plan: again } = await planSession(await session(emu, ws));
    expect(again.pricingSource).toMatchObject({ method: 'resourceGraph', resourceGraph: 6, direct: 1, confirmed: 6 });
    expect(again.hasChanges).toBe(false);
    expect(renderText(again)).toContain('state read from Azure Resource Graph, 6 subscriptions; 1 not indexed yet, read directly; 6 with differences re-read directly');
  });

  it("honours one subscription's Retry-After without holding up the others", async () => {
    emu = await emulator({ subscriptions: { count: 12 }, latencyMs: 5 });
    ws = workspace();
    const throttled = seededSubscriptionId(1);
    emu.faults.add({ match: { method: 'PUT', pathIncludes: `/subscriptions/${throttled}/providers/Microsoft.Security/pricings/` }, kind: '429', retryAfterSeconds: 1, times: 1 });
    const s = await session(emu, ws, { scale: { subscriptions: 4, perSubscription: 2 } });
    const { plan } = await planSession(s);
    emu.resetRequests();
    const started = Date.now();
    await applySession(s, plan);
    const puts = pricingPuts(emu);
    const mine = puts.filter((r) => subOf(r) === throttled);
    const throttledAt = mine.find((r) => r.status === 429)!.at;
    const retries = mine.filter((r) => r.status === 200 || r.status === 201);
    expect(retries).toHaveLength(PLANS);
    // Nothing for that subscription is sent again before its Retry-After has passed (the gate holds its queue too) ...
    // except a request already in flight when the 429 came back: with two slots per subscription, at most one.
    const early = mine.filter((x) => x.at > throttledAt && x.at - throttledAt < 950);
    expect(early.length).toBeLessThanOrEqual(1);
    expect(mine.filter((x) => x.at - throttledAt >= 950).length).toBeGreaterThanOrEqual(PLANS - 1);
    // ... while the other subscriptions keep being written during that second (one slot of four is waiting).
    const others = puts.filter((r) => subOf(r) !== throttled);
    expect(others).toHaveLength(14 * PLANS);
    expect(others.filter((r) => r.at > throttledAt && r.at < throttledAt + 950).length).toBeGreaterThanOrEqual(10);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
