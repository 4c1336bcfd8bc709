/** `ztpolicy publish` as a pipeline runs it: exit codes, confirmation of deletions, no token in any output. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorChildEnv, staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { planSession } from '../../src/publisher/session.js';
import { emulator, session, workspace, type Workspace } from '../publisher/helpers.js';

const TOKEN = 'eyJ0eXAiOiJKV1QifQ-not-a-real-token-7f3a9b';
let emu: ArmEmulator;
let ws: Workspace;
beforeAll(async () => {
  emu = await emulator({ token: TOKEN });
  ws = workspace();
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

const cli = (...args: string[]) =>
  runCli([...args, '--mg', 'root', '--endpoint', emu.url, '--config', ws.configFile], { env: emulatorChildEnv(emu, TOKEN) });

describe('ztpolicy publish', () => {
  it('--dry-run shows the plan, writes nothing and exits 1', async () => {
    emu.resetRequests();
    const r = await cli('publish', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Plan: 11 to create/);
    expect(emu.writes()).toHaveLength(0);
  });

  it('publishes (exit 0) with progress on stderr, and never prints the token, --verbose included', async () => {
    const r = await cli('publish', '--yes', '--verbose', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.applied).toBe(true);
    // 11 policy objects + 7 Zero Trust Defender plans x 3 subscriptions (src/publisher/defender-plans.ts).
    expect(out.writes).toBe(32);
    expect(r.stderr).toMatch(/policy definitions: 3 done/);
    expect(r.stderr).toMatch(/PUT \/providers\/Microsoft\.Management\/managementGroups\/root\/providers\/Microsoft\.Authorization\/policyDefinitions\/zt-stg-02-minimum-tls\?api-version=2024-05-01 -> 201/);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(TOKEN.slice(0, 20));
  });

  it('then plans no changes (exit 0)', async () => {
    const r = await cli('plan');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No changes/);
  });

  it('refuses deletions without --yes when not on a terminal (exit 2, nothing written)', async () => {
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments = c.assignments.filter((a: any) => a.initiative !== 'zt-vm');
    });
    emu.resetRequests();
    const r = await cli('publish');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deletes 2 object\(s\); refusing without confirmation/);
    expect(r.stderr).toMatch(/--yes/);
    expect(emu.writes()).toHaveLength(0);
  });

  it('reports an Azure failure with the object and ARM code (exit 3), still without the token', async () => {
    emu.faults.add({ match: { method: 'DELETE' }, kind: 'status', status: 403, code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action' });
    const r = await cli('publish', '--yes', '--verbose');
    emu.faults.clear();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error ZT8201: .*tier 'deletes: assignments and their roles'/);
    expect(r.stderr).toMatch(/delete policyAssignment 'zt-vm': AuthorizationFailed \(HTTP 403\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});

describe('ztpolicy publish and objects it does not own', () => {
  const ROOT = '/providers/Microsoft.Management/managementGroups/root';
  const DEF = 'zt-stg-02-minimum-tls';
  const defPath = (name: string) => `${ROOT}/providers/Microsoft.Authorization/policyDefinitions/${name}?api-version=2024-05-01`;
  const stored = (e: ArmEmulator, name: string) =>
    [...e.state.policyDefinitions.values()].find((d) => d.name === name) as { properties: { displayName: string; metadata?: Record<string, unknown> } } | undefined;

  it('refuses (exit 2, 0 writes) a same-named definition without a marker unless --adopt, then takes it over with the marker', async () => {
    const emu2 = await emulator({ token: TOKEN });
    const ws2 = workspace();
    const cli2 = (...args: string[]) =>
      runCli([...args, '--mg', 'root', '--endpoint', emu2.url, '--config', ws2.configFile], { env: emulatorChildEnv(emu2, TOKEN) });
    try {
      // Someone created a definition by hand under the name ztpolicy generates, with no ownership marker.
      const generated = ws2.readJson(`generated/policyDefinitions/storage/${DEF}.json`);
      const seeded = await emu2.call('PUT', defPath(DEF), { properties: { ...generated.properties, displayName: 'Hand-made TLS check', metadata: { category: 'Storage' } } });
      expect(seeded.status).toBe(201);
      emu2.resetRequests();

      const refused = await cli2('publish', '--yes');
      expect(refused.code).toBe(2);
      // The plan on stdout names the object, says it has no marker and how to proceed.
      expect(refused.stdout).toMatch(/Blocked \(publish will refuse\):\n\s+x ZT8106 policy definition 'zt-stg-02-minimum-tls' already exists at management group 'root' without a ztpolicy ownership marker/);
      expect(refused.stdout).toMatch(/how to proceed: rename it in the sources, delete the existing object yourself .*, or re-run with --adopt/);
      expect(refused.stderr).toMatch(/error ZT8100: publish refused before any write/);
      expect(refused.stderr).toMatch(/--adopt/);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(emu2.writes()).toHaveLength(0);
      expect(stored(emu2, DEF)!.properties.metadata).not.toHaveProperty('ztpolicyOwner');

      const adopted = await cli2('publish', '--yes', '--adopt');
      expect(adopted.code).toBe(0);
      expect(adopted.stdout).toMatch(/~ update zt-stg-02-minimum-tls {2}\[adopted: it had no ownership marker\]/);
      expect(adopted.stdout).toMatch(/\$\.metadata\.ztpolicyOwner: \(absent\) -> "contoso\/platform-policies"/);
      expect(adopted.stdout).toMatch(/ZT8102 policyDefinition 'zt-stg-02-minimum-tls' exists without a ztpolicy ownership marker; --adopt/);
      const after = stored(emu2, DEF)!;
      expect(after.properties.metadata?.ztpolicyOwner).toBe('contoso/platform-policies');
      expect(after.properties.displayName).toBe(generated.properties.displayName);

      // Owned now: a plain re-run has nothing to do.
      const again = await cli2('plan');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/No changes/);
    } finally {
      await emu2.close();
      ws2.remove();
    }
  });

  it('still refuses a definition another owner marked, --adopt included (exit 2, 0 writes)', async () => {
    const emu2 = await emulator({ token: TOKEN });
    const ws2 = workspace();
    try {
      const generated = ws2.readJson(`generated/policyDefinitions/storage/${DEF}.json`);
      await emu2.call('PUT', defPath(DEF), { properties: { ...generated.properties, metadata: { ztpolicyOwner: 'fabrikam/other-repo' } } });
      emu2.resetRequests();
      const r = await runCli(['publish', '--yes', '--adopt', '--mg', 'root', '--endpoint', emu2.url, '--config', ws2.configFile], { env: emulatorChildEnv(emu2, TOKEN) });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/x ZT8101 policyDefinition 'zt-stg-02-minimum-tls' at management group 'root' belongs to owner 'fabrikam\/other-repo'/);
      expect(r.stderr).toMatch(/error ZT8100: publish refused before any write/);
      expect(emu2.writes()).toHaveLength(0);
      expect(stored(emu2, DEF)!.properties.metadata?.ztpolicyOwner).toBe('fabrikam/other-repo');
    } finally {
      await emu2.close();
      ws2.remove();
    }
  });
});

describe('ztpolicy publish killed mid-run', () => {
  it('converges on re-run with no duplicate role assignments', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { repoRoot } = await import('../helpers/cli.js');
    const emu2 = await emulator({ token: TOKEN });
    const ws2 = workspace();
    try {
      // Role assignment PUTs are dropped (connection reset before ARM handles them, so nothing is stored and nothing
      // is left in flight): the process is killed once the assignments exist and a role PUT has been tried.
      // (A latency fault would not do: the emulator records a request only when it answers, by which time the
      // roles exist, and the kill would happen after the fact.)
      emu2.faults.add({ match: { method: 'PUT', pathIncludes: '/roleAssignments/' }, kind: 'reset' });
      const args = ['--import', 'tsx', join(repoRoot, 'src/cli/bin.ts'), 'publish', '--yes', '--mg', 'root', '--endpoint', emu2.url, '--config', ws2.configFile];
      const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...emulatorChildEnv(emu2, TOKEN) }, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      const rolePutTried = () => emu2.requests.some((r) => r.method === 'PUT' && r.path.includes('/roleAssignments/'));
      for (let i = 0; i < 1200 && !rolePutTried(); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await exited;
      emu2.faults.clear();
      // The interrupted state this test is about: assignments made, no role granted yet.
      expect(rolePutTried()).toBe(true);
      expect([...emu2.state.policyAssignments.values()]).toHaveLength(2);
      expect(emu2.state.roleAssignments.size).toBe(0);

      const again = await runCli(['publish', '--yes', '--mg', 'root', '--endpoint', emu2.url, '--config', ws2.configFile], { env: emulatorChildEnv(emu2, TOKEN) });
      expect(again.code).toBe(0);
      const pairs = [...emu2.state.roleAssignments.values()].map((r) => {
        const p = r.properties as { principalId: string; roleDefinitionId: string };
        return `${p.principalId}|${p.roleDefinitionId}`;
      });
      expect(pairs).toHaveLength(4);
      expect(new Set(pairs).size).toBe(4);
      const s = await session(emu2, ws2, { credential: staticTokenCredential(TOKEN) });
      expect((await planSession(s)).plan.hasChanges).toBe(false);
    } finally {
      await emu2.close();
      ws2.remove();
    }
  }, 150_000);
});
