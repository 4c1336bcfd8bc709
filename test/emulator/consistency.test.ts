/**
 * Issue 8.2: every "not yet visible" answer ztpolicy knows (NOT_YET_VISIBLE in src/publisher/gateway.ts, the one
 * list with the evidence for each) switched on in the emulator at once, as a first publish to a real tenant meets
 * them: definitions not visible to the sets that reference them (the 400 "at or above the policy set definition's
 * scope" flavour), sets not visible to assignments, new identities not assignable for a moment, a new subscription
 * whose Defender pricings are not reachable yet. One publish succeeds; a second one makes no write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_YET_VISIBLE } from '../../src/publisher/gateway.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { emulator, session, workspace, type Workspace } from '../publisher/helpers.js';
import { DEFAULT_SUBSCRIPTIONS, type ArmEmulator } from './index.js';

let emu: ArmEmulator;
let ws: Workspace;
beforeAll(async () => {
  emu = await emulator({
    definitionVisibilityFailures: 2,
    definitionVisibilityAnswer: 'outOfScope',
    principalReplicationDelayMs: { failuresBeforeVisible: 2 },
    principalTypeBypassesReplication: false,
    unregisteredSubscriptions: { subscriptions: [DEFAULT_SUBSCRIPTIONS.corp], failuresAfterRegister: 2 },
  });
  // A subscription ARM's policy side already lists but its resource side does not know yet.
  emu.faults.add({
    match: { method: 'PUT', pathIncludes: `/subscriptions/${DEFAULT_SUBSCRIPTIONS.online}/providers/Microsoft.Security/pricings/` },
    kind: 'status',
    status: 404,
    code: 'SubscriptionNotFound',
    message: `The subscription '${DEFAULT_SUBSCRIPTIONS.online}' could not be found.`,
    times: 2,
  });
  ws = workspace();
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

describe('eventual consistency on a first publish (issue 8.2)', () => {
  it('publishes in one run with every delay switched on, then re-publishes with no write', async () => {
    const s = await session(emu, ws);
    const { plan } = await planSession(s, 'first');
    await expect(applySession(s, plan)).resolves.toMatchObject({ writes: plan.summary.create + plan.summary.update });

    // Each dependency of the list was really delayed (the emulator answered its code) and waited out.
    const answered = new Set(emu.requests.map((r) => r.errorCode).filter((c): c is string => c !== undefined));
    for (const dependency of new Set(NOT_YET_VISIBLE.map((e) => e.dependency))) {
      const codes = NOT_YET_VISIBLE.filter((e) => e.dependency === dependency).map((e) => e.code);
      expect(codes.some((c) => answered.has(c)), `${dependency}: one of ${codes.join(', ')} answered`).toBe(true);
    }
    expect(answered).toContain('InvalidCreatePolicySetDefinitionRequest');
    // The unregistered subscription got Microsoft.Security registered, and its plans are set.
    expect(emu.requests.some((r) => r.method === 'POST' && r.path.toLowerCase() === `/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}/providers/microsoft.security/register`)).toBe(true);
    expect((emu.state.pricings.get(DEFAULT_SUBSCRIPTIONS.corp)?.get('virtualmachines')?.properties as { pricingTier?: string })?.pricingTier).toBe('Standard');

    emu.resetRequests();
    const again = await session(emu, ws);
    const second = await planSession(again);
    expect(second.plan.hasChanges).toBe(false);
    await applySession(again, second.plan);
    expect(emu.writes()).toHaveLength(0);
  });

});
