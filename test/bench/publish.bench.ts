/**
 * Publish benchmark: the full content (generated/ with the repo's ztpolicy.config.json; the test fixtures when
 * generated/ is absent) to the ARM emulator with 50 ms latency per request. Prints the wall time next to the
 * critical-path bound (50 ms x the longest chain of dependent requests) and the request count, for a first
 * publish and for a no-op re-publish. Goals (issue 4): first publish <= 2x the bound; no-op <= 12 requests, 0 writes.
 * Then the 1,000-subscription tenant of issue 8 point 5 (benchScale).
 * Also printed: the ratio against the chain times one measured round trip (50 ms + the emulator's own per-request
 * cost on this machine), the baseline measured in the same process. ZT_BENCH_TRACE=1 prints per-tier timings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { applySession, openSession, planSession, type Session, type SessionOptions } from '../../src/publisher/session.js';
import type { Plan } from '../../src/publisher/planner.js';
import { staticTokenCredential } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';

const LATENCY_MS = 50;

/**
 * Longest chain of dependent requests the publisher's schedule needs for this plan, assuming unlimited parallelism:
 * reads = 1 round (management group, lists) + 1 when built-ins or pricings are read (they depend on the first
 * round); then one round per non-empty write tier of the policy chain (definitions -> sets -> assignments ->
 * roles -> remediations); the pricing chain (read round 2 -> PUT) runs beside it; then one round per delete tier.
 */
function criticalPath(plan: Plan, builtinsRead: boolean): number {
  const changed = (kind: string) => plan.items.some((i) => i.kind === kind && (i.action === 'create' || i.action === 'update'));
  const deleted = (kind: string) => plan.items.some((i) => i.kind === kind && i.action === 'delete');
  const hasPricings = plan.items.some((i) => i.kind === 'pricing');
  const reads = 1 + (builtinsRead || hasPricings ? 1 : 0);
  const policyTiers = ['policyDefinition', 'policySetDefinition', 'policyAssignment'].filter(changed).length +
    (plan.items.some((i) => i.kind === 'roleAssignment' && i.action === 'create') ? 1 : 0) +
    (plan.items.some((i) => i.kind === 'remediation') ? 1 : 0);
  const policyChain = (builtinsRead ? 2 : 1) + policyTiers;
  const pricingChain = hasPricings ? 2 + (changed('pricing') ? 1 : 0) : 1;
  const deleteTiers = [deleted('roleAssignment') || deleted('policyAssignment'), deleted('policySetDefinition'), deleted('policyDefinition')].filter(Boolean).length;
  return Math.max(reads, policyChain, pricingChain) + deleteTiers;
}

/** The publish benchmarks' content: the repo's generated/ and config, or the test fixtures when generated/ is absent. */
export function benchContent(): { configFile: string; label: string } {
  if (existsSync(join(repoRoot, 'generated', 'manifest.json'))) return { configFile: join(repoRoot, 'ztpolicy.config.json'), label: 'generated/ + ztpolicy.config.json' };
  return { configFile: join(repoRoot, 'test/publisher/fixtures/ztpolicy.config.json'), label: 'test fixtures (generated/ absent)' };
}

/**
 * The emulator runs in a worker thread, as ARM runs elsewhere: its own CPU work (routing, validation) must not
 * stall the publisher's event loop and be counted as publisher time.
 */
interface RemoteEmulator {
  url: string;
  ca: string;
  stats(): Promise<{ requests: number; writes: number }>;
  reset(): Promise<void>;
  snapshot(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import('tsx/esm/api').then((t) => { t.register(); return import(workerData.module); }).then(async (m) => {
  const emu = await m.startArmEmulator(workerData.options);
  parentPort.postMessage({ url: emu.url, ca: emu.ca });
  parentPort.on('message', async (msg) => {
    if (msg === 'stats') parentPort.postMessage({ requests: emu.requests.length, writes: emu.writes().length });
    if (msg === 'reset') { emu.resetRequests(); parentPort.postMessage('ok'); }
    if (msg === 'snapshot') { globalThis.snap = emu.state.snapshot(); parentPort.postMessage('ok'); }
    if (msg === 'restore') { emu.state.restore(globalThis.snap); parentPort.postMessage('ok'); }
    if (msg === 'close') { await emu.close(); parentPort.postMessage('ok'); }
  });
});`;

async function startRemoteEmulator(options: object): Promise<RemoteEmulator> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { module: pathToFileURL(join(repoRoot, 'test/emulator/index.ts')).href, options },
  });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { url, ca } = await next<{ url: string; ca: string }>();
  const ask = async <T>(msg: string) => {
    const p = next<T>();
    worker.postMessage(msg);
    return p;
  };
  return {
    url,
    ca,
    stats: () => ask('stats'),
    reset: async () => void (await ask('reset')),
    snapshot: async () => void (await ask('snapshot')),
    restore: async () => void (await ask('restore')),
    close: async () => {
      await ask('close');
      await worker.terminate();
    },
  };
}

async function open(emu: RemoteEmulator, configFile: string, extra: Partial<SessionOptions> = {}): Promise<Session> {
  return openSession({
    ...extra,
    configFile,
    managementGroupId: 'root',
    endpoint: emu.url,
    ca: emu.ca,
    credential: staticTokenCredential('bench'),
    env: {},
  });
}

const SCALE_SUBSCRIPTIONS = 1000;
const SCALE_LATENCY_MS = 20;

/** Samples the publisher thread's heap and the process RSS (the emulator's worker thread included) while fn runs. */
async function withPeakMemory<T>(fn: () => Promise<T>): Promise<{ result: T; heapMb: number; rssMb: number }> {
  let heap = 0;
  let rss = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  };
  const timer = setInterval(sample, 25);
  try {
    const result = await fn();
    sample();
    return { result, heapMb: heap / 2 ** 20, rssMb: rss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Issue 8 point 5: a tenant of 1,000 subscriptions under the target at 20 ms per request. A first publish writes
 * every configured Defender plan on every subscription; a no-op publish must take seconds, not minutes (one paged
 * Resource Graph query instead of 1,000 reads). Figures: wall time, requests, writes, peak memory.
 */
async function benchScale(configFile: string): Promise<void> {
  const out = process.stdout;
  const emu = await startRemoteEmulator({ latencyMs: SCALE_LATENCY_MS, principalTypeBypassesReplication: true, subscriptions: { count: SCALE_SUBSCRIPTIONS } });
  try {
    const publish = async (id: string) => {
      const s = await open(emu, configFile);
      const t = performance.now();
      const run = await withPeakMemory(async () => {
        const { plan } = await planSession(s, id);
        return { plan, applied: await applySession(s, plan) };
      });
      return { ...run, wall: performance.now() - t, stats: await emu.stats() };
    };
    const run1 = await publish('scale1');
    const wall1 = run1.wall;
    const stats1 = run1.stats;
    const pricingWrites = run1.result.plan.items.filter((i) => i.kind === 'pricing' && i.action !== 'no-op').length;
    await emu.reset();
    const run2 = await publish('scale2');
    const wall2 = run2.wall;
    const stats2 = run2.stats;
    const subs = run1.result.plan.pricingSource;
    out.write(
      `${SCALE_SUBSCRIPTIONS} subscriptions (+ the 3 default ones) at ${SCALE_LATENCY_MS} ms/request, pricing state from ${subs?.method ?? 'none'}:\n` +
        `  first publish: ${(wall1 / 1000).toFixed(1)} s, ${stats1.requests} requests, ${stats1.writes} writes (${pricingWrites} pricing writes); peak heap ${run1.heapMb.toFixed(0)} MB, peak RSS ${run1.rssMb.toFixed(0)} MB (emulator thread included)\n` +
        `  no-op publish: ${(wall2 / 1000).toFixed(1)} s, ${stats2.requests} requests, ${stats2.writes} writes (goal: 0 writes, a few seconds)${run2.result.plan.hasChanges ? ' -- NOT A NO-OP' : ''}; peak heap ${run2.heapMb.toFixed(0)} MB, peak RSS ${run2.rssMb.toFixed(0)} MB\n`,
    );
  } finally {
    await emu.close();
  }
}

export default async function bench(): Promise<void> {
  const { configFile, label } = benchContent();
  const emu = await startRemoteEmulator({ latencyMs: LATENCY_MS, principalTypeBypassesReplication: true });
  try {
    // Warm-up (not measured): a full publish on a snapshot, then the pristine state back. It loads the emulator's
    // built-in index and compiles its request validators (one-off emulator costs ARM does not have) and opens
    // connections.
    await emu.snapshot();
    const warm = await open(emu, configFile);
    await applySession(warm, (await planSession(warm, 'warm')).plan);
    await emu.restore();
    // Baseline in this process: one request round trip at this latency.
    const probe = await open(emu, configFile);
    const t = performance.now();
    await probe.gateway.getManagementGroup('root');
    const roundTrip = performance.now() - t;
    await emu.reset();

    const first = await open(emu, configFile);
    const t0 = performance.now();
    const run1 = await planSession(first, 'bench');
    const builtinsRead = Object.keys(run1.live.builtins).length > 0;
    const trace = process.env.ZT_BENCH_TRACE ? (l: string) => process.stdout.write(`${(performance.now() - t0).toFixed(0)} ms  ${l}\n`) : undefined;
    trace?.('plan ready');
    const applied = await applySession(first, run1.plan, trace ? { progress: trace } : {});
    const wall1 = performance.now() - t0;
    const chain1 = criticalPath(run1.plan, builtinsRead);
    const bound1 = chain1 * LATENCY_MS;
    const { requests: requests1 } = await emu.stats();

    await emu.reset();
    const second = await open(emu, configFile);
    const t1 = performance.now();
    const run2 = await planSession(second, 'bench2');
    const applied2 = await applySession(second, run2.plan);
    const wall2 = performance.now() - t1;
    const chain2 = criticalPath(run2.plan, Object.keys(run2.live.builtins).length > 0);
    const bound2 = chain2 * LATENCY_MS;
    const { requests: requests2, writes: writes2 } = await emu.stats();

    const s = run1.plan.summary;
    const out = process.stdout;
    out.write(`content: ${label}; ${s.create} creates, ${s.update} updates (${applied.writes} writes); latency ${LATENCY_MS} ms/request\n`);
    out.write(`baseline: one request round trip ${roundTrip.toFixed(0)} ms\n`);
    out.write(
      `first publish: ${wall1.toFixed(0)} ms, critical path ${chain1} requests x ${LATENCY_MS} ms = ${bound1} ms, ratio ${(wall1 / bound1).toFixed(2)}x (goal <= 2x), ${requests1} requests; vs ${chain1} x measured round trip: ${(wall1 / (chain1 * roundTrip)).toFixed(2)}x\n`,
    );
    out.write(
      `no-op publish: ${wall2.toFixed(0)} ms, critical path ${chain2} x ${LATENCY_MS} ms = ${bound2} ms, ratio ${(wall2 / bound2).toFixed(2)}x, ${requests2} requests (goal <= 12), ${writes2} writes (goal 0)${applied2.writes === 0 && !run2.plan.hasChanges ? '' : ' -- NOT A NO-OP'}\n`,
    );
  } finally {
    await emu.close();
  }
  await benchScale(configFile);
}
