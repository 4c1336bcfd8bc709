/**
 * The repository's own content: generated/ (from `npm run build`) with the example ztpolicy.config.json at the repo
 * root, published to the emulator. Skipped only while generated/ has not been built.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/publisher/content.js';
import { applySession, openSession, planSession } from '../../src/publisher/session.js';
import { staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { emulator, FAST_RETRY } from './helpers.js';

const hasGenerated = existsSync(join(repoRoot, 'generated', 'manifest.json'));

describe.skipIf(!hasGenerated)('the repository content (generated/ + ztpolicy.config.json)', () => {
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

    emu.resetRequests();
    const again = await planSession(await open());
    expect(again.plan.hasChanges).toBe(false);
    expect(emu.requests.length).toBeLessThanOrEqual(12);
    expect(emu.writes()).toHaveLength(0);
  });
});
