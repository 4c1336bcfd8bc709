/**
 * The repository's own content: generated/ (from `npm run build`) with the example ztpolicy.config.json at the repo
 * root, published to the emulator. generated/ is committed (test/cli/check.test.ts keeps it current), so this
 * never skips: a missing generated/ is a failure, not a reason to pass.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/publisher/content.js';
import { applySession, openSession, planSession } from '../../src/publisher/session.js';
import { staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { emulator, FAST_RETRY } from './helpers.js';

describe('the repository content (generated/ + ztpolicy.config.json)', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(async () => {
    await emu.close();
  });
  const open = () =>
    openSession({
      configFile: join(repoRoot, 'ztpolicy.config.json'),
      managementGroupId: 'root',
      endpoint: emu.url,
      ca: emu.ca,
      credential: staticTokenCredential('t'),
      retry: FAST_RETRY,
      env: {},
    });

  it('publishes every generated definition and initiative, then re-publishes as a no-op', async () => {
    const content = loadContent(join(repoRoot, 'generated'));
    const s = await open();
    const { plan } = await planSession(s);
    expect(plan.blockers).toEqual([]);
    await applySession(s, plan);
    const names = [...emu.state.policyDefinitions.values()].map((d) => d.name);
    for (const d of content.definitions) expect(names).toContain(d.name);
    const sets = [...emu.state.policySetDefinitions.values()].map((d) => d.name);
    for (const d of content.setDefinitions) expect(sets).toContain(d.name);
    // Every role a custom member declares in the manifest is granted to the assignment identity.
    const declared = new Set(content.manifest.definitions.flatMap((d) => d.roleDefinitionIds.map((r) => r.split('/').pop()!.toLowerCase())));
    const granted = new Set([...emu.state.roleAssignments.values()].map((r) => String((r.properties as any).roleDefinitionId).split('/').pop()!.toLowerCase()));
    for (const r of declared) expect(granted).toContain(r);

    // Re-publish for real (plan + apply) and count writes from the emulator's own request log, not from the
    // publisher's report of what it did.
    emu.resetRequests();
    const s2 = await open();
    const again = await planSession(s2);
    expect(again.plan.hasChanges).toBe(false);
    await applySession(s2, again.plan);
    expect(emu.requests.length).toBeGreaterThan(0); // it did read the target state
    expect(emu.requests.length).toBeLessThanOrEqual(12);
    expect(emu.writes()).toHaveLength(0);
  });
});
