/**
 * The repository's own content: generated/ (from `npm run build`) with the example ztpolicy.config.json at the repo
 * root, published to the emulator. generated/ is committed (test/cli/check.test.ts keeps it current), so this
 * never skips: a missing generated/ is a failure, not a reason to pass.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { loadContent } from '../../src/publisher/content.js';
import { applySession, openSession, planSession } from '../../src/publisher/session.js';
import { staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { emulator, FAST_RETRY, workspace, type Workspace } from './helpers.js';

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
    // The no-op budget is 12 reads, plus the one paged list of exemptions a repo with exemptions/ needs.
    expect(emu.requests.length).toBeLessThanOrEqual(12 + (content.exemptions.length > 0 ? 1 : 0));
    expect(emu.writes()).toHaveLength(0);
  });
});

describe('generated/manifest.json is not trusted (issue 11.5)', () => {
  const SECRET = 'zt-secret-do-not-print-0123456789';
  let ws: Workspace;
  let outside: string;
  beforeEach(() => {
    ws = workspace();
    // A file outside generated/ whose bytes must never be read as content nor printed.
    outside = join(ws.dir, 'outside.json');
    writeFileSync(outside, `${SECRET}\n`);
  });
  afterEach(() => ws.remove());

  const failure = () => {
    try {
      loadContent(join(ws.dir, 'generated'), ws.dir);
    } catch (e) {
      return e as BadInputError;
    }
    throw new Error('loadContent accepted the manifest');
  };

  it('refuses a path that leaves generated/ (../) before reading it, and never prints its bytes', () => {
    ws.editJson('generated/manifest.json', (m) => {
      m.definitions[0].file = '../outside.json';
    });
    const e = failure();
    expect(e).toBeInstanceOf(BadInputError);
    expect(e.code).toBe('ZT8015');
    expect(e.jsonPath).toBe('$.definitions[0].file');
    expect(`${e.message}${e.hint}`).not.toContain(SECRET);
  });

  it('refuses an absolute path and a symbolic link that points outside generated/', () => {
    ws.editJson('generated/manifest.json', (m) => {
      m.initiatives[1].file = outside;
    });
    expect(failure()).toMatchObject({ code: 'ZT8015', jsonPath: '$.initiatives[1].file' });
    ws.editJson('generated/manifest.json', (m) => {
      m.initiatives[1].file = 'policySetDefinitions/link.json';
    });
    symlinkSync(outside, join(ws.dir, 'generated/policySetDefinitions/link.json'));
    const e = failure();
    expect(e.code).toBe('ZT8015');
    expect(e.message).not.toContain(SECRET);
  });

  it('refuses a file whose sha256 does not match the manifest before parsing it (nothing of it printed)', () => {
    const file = join(ws.dir, 'generated/policyDefinitions/vm/zt-vm-03-managed-disks.json');
    writeFileSync(file, `${SECRET} not json\n`);
    const e = failure();
    expect(e.code).toBe('ZT8016');
    expect(e.file).toContain('zt-vm-03-managed-disks.json');
    expect(`${e.message}${e.hint}`).not.toContain(SECRET);
    // A valid JSON document with a different body (a crafted definition) is refused the same way.
    writeFileSync(file, JSON.stringify({ name: 'zt-vm-03-managed-disks', properties: { policyRule: { if: {}, then: { effect: 'deny' } } } }));
    expect(failure().code).toBe('ZT8016');
  });

  it('refuses an entry without a sha256', () => {
    ws.editJson('generated/manifest.json', (m) => {
      delete m.definitions[2].sha256;
    });
    expect(failure()).toMatchObject({ code: 'ZT8016', jsonPath: '$.definitions[2].sha256' });
  });

  it('accepts the untouched fixture', () => {
    expect(loadContent(join(ws.dir, 'generated'), ws.dir).definitions).toHaveLength(3);
  });
});
