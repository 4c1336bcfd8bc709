/**
 * Issue 8.6: `--remediate` remediates. A new assignment has no compliance results until Azure scans, so a task with
 * ExistingNonCompliant created right away finds nothing; the emulator models that (complianceEvaluationPolls). The
 * publisher scans every subscription below (policyStates triggerEvaluation, an LRO), waits with progress and a time
 * limit, then creates the tasks and reports what each deployed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AzureError } from '../../src/errors.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { emulator, session, workspace, type Workspace } from '../publisher/helpers.js';
import type { ArmEmulator } from './index.js';

let ws: Workspace;
let emu: ArmEmulator | undefined;
beforeEach(() => {
  ws = workspace();
});
afterEach(async () => {
  await emu?.close();
  ws.remove();
});

async function publish(remediate: boolean, timeoutMs = 30_000) {
  const s = await session(emu!, ws, remediate ? { remediate: true } : {});
  const { plan, live } = await planSession(s, 'rem');
  const progress: string[] = [];
  const result = await applySession(s, plan, {
    progress: (l) => progress.push(l),
    ...(remediate ? { remediation: { subscriptions: live.managementGroup.subscriptions, pollIntervalMs: 5, timeoutMs } } : {}),
  });
  return { result, progress, s };
}

const SERVERS_ASSIGNMENT = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyAssignments/zt-vm';

describe('--remediate (issue 8.6)', () => {
  it('a task created before any compliance scan finds nothing: the delay the emulator models', async () => {
    emu = await emulator({ complianceEvaluationPolls: 2 });
    const { s } = await publish(false);
    await s.gateway.createRemediation('root', 'too-early', SERVERS_ASSIGNMENT, 'defender-for-servers');
    expect(await s.gateway.getRemediation('root', 'too-early')).toMatchObject({ total: 0 });
  });

  it('scans every subscription to its end, then creates the tasks and reports what each deployed', async () => {
    emu = await emulator({ complianceEvaluationPolls: 2 });
    const { result, progress } = await publish(true);
    const scans = emu.requests.filter((r) => r.method === 'POST' && /\/policyStates\/latest\/triggerEvaluation$/i.test(r.path));
    expect(scans).toHaveLength(3); // the three subscriptions under root
    const scanDone = emu.requests.map((r, i) => (r.method === 'GET' && /asyncOperationResults/i.test(r.path) && r.status === 200 ? i : -1)).filter((i) => i >= 0);
    expect(scanDone).toHaveLength(3);
    const firstTask = emu.requests.findIndex((r) => r.method === 'PUT' && /\/remediations\//i.test(r.path));
    expect(Math.max(...scanDone)).toBeLessThan(firstTask);

    const byMember = Object.fromEntries(result.remediations.map((r) => [r.member, r]));
    expect(Object.keys(byMember).sort()).toEqual(['defender-for-servers', 'defender-for-storage', 'zt-stg-07']);
    // Defender members deploy on each evaluated subscription; blob diagnostics finds no storage (none in the emulator).
    expect(byMember['defender-for-servers']).toMatchObject({ assignment: 'zt-vm', state: 'Succeeded', deployments: { total: 3, succeeded: 3, failed: 0 } });
    expect(byMember['defender-for-storage']!.deployments.total).toBe(3);
    expect(byMember['zt-stg-07']!.deployments.total).toBe(0);
    expect(progress).toContain('compliance evaluation: 3 of 3 subscription(s) done');
    expect(progress.some((l) => /remediation zt-vm\/defender-for-servers: Succeeded, 3 deployment\(s\): 3 succeeded, 0 failed/.test(l))).toBe(true);
  });

  it('gives up at the time limit with an Azure error (exit 3) and creates no task on stale results', async () => {
    emu = await emulator({ complianceEvaluationPolls: 1_000_000 });
    const e = await publish(true, 300).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AzureError);
    expect((e as AzureError).code).toBe('ZT8204');
    expect((e as AzureError).message).toMatch(/did not finish within/);
    expect(emu.requests.some((r) => r.method === 'PUT' && /\/remediations\//i.test(r.path))).toBe(false);
    // Everything else was published.
    expect([...emu.state.policyAssignments.values()].map((a) => a.name).sort()).toEqual(['zt-storage', 'zt-vm']);
  });
});
