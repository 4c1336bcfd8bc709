/**
 * Publish benchmark: the full content (generated/ with the repo's ztpolicy.config.json; the test fixtures when
 * generated/ is absent) to the ARM emulator with 50 ms latency per request. Prints the wall time next to the
 * critical-path bound (50 ms x the longest chain of dependent requests) and the request count, for a first
 * publish and for a no-op re-publish. Goals (issue 4): first publish <= 2x the bound; no-op <= 12 requests, 0 writes.
 * Also printed: the ratio against the chain times one measured round trip (50 ms + the emulator's own per-request
 * cost on this machine), the baseline measured in the same process. ZT_BENCH_TRACE=1 prints per-tier timings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { applySession, openSession, planSession, type Session } from '../../src/publisher/session.js';
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

async function open(emu: RemoteEmulator, configFile: string): Promise<Session> {
  return openSession({
    configFile,
    managementGroupId: 'root',
    endpoint: emu.url,
    ca: emu.ca,
    credential: staticTokenCredential('bench'),
    env: {},
  });
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
}
