/**
 * Issue 9's "done when" for exemptions and environments, as a user runs it: main() in-process (exit code, stdout,
 * stderr) against the ARM emulator with the repository's own generated/ (its exemption included) and a config
 * with two environments. Publish each, then publish and plan again: no write. The session-level cases (updates,
 * prune, blockers, expiry) are test/publisher/exemptions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { azureLikeHierarchy, DEFAULT_SUBSCRIPTIONS, DEFAULT_TENANT_ID, staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { FAST_RETRY, emulator, workspace, type Workspace } from '../publisher/helpers.js';

const OWNER = 'contoso/platform-policies';
let emu: ArmEmulator;
let ws: Workspace;

beforeAll(async () => {
  // Seeded as Azure is (no group named root; sandbox under the Tenant Root Group): prod's prune walks test's group
  // and must leave test's objects alone.
  emu = await emulator({ hierarchy: azureLikeHierarchy() });
  ws = workspace(repoRoot);
  ws.editJson('ztpolicy.config.json', (c) => {
    delete c.managementGroupId;
    c.environments = {
      test: { managementGroupId: 'sandbox', enforcementMode: 'DoNotEnforce', defender: { plans: {} } },
      prod: { managementGroupId: 'root' },
    };
  });
  // The repository's exemption is for prod (its resource group is in prod's tree); test gets one of its own, as
  // `environments: [...]` in an exemptions/ source builds them.
  ws.editJson('generated/policyExemptions/ex-corp-legacy-tls.json', (d) => {
    d.environments = ['prod'];
  });
  ws.editJson('generated/manifest.json', (m) => {
    m.exemptions.push({ file: 'policyExemptions/ex-sandbox.json', initiative: 'zt-zero-trust', name: 'ex-sandbox', sha256: '' });
  });
  const prodDoc = ws.readJson('generated/policyExemptions/ex-corp-legacy-tls.json');
  ws.writeJson('generated/policyExemptions/ex-sandbox.json', { ...prodDoc, name: 'ex-sandbox', scope: `/subscriptions/${DEFAULT_SUBSCRIPTIONS.sandbox}`, environments: ['test'] });
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--endpoint', emu.url, '--config', ws.configFile], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTty: false,
    azure: { ca: emu.ca, credential: staticTokenCredential(), retry: FAST_RETRY, env: {} },
  });
  return { code, stdout, stderr };
}

describe('exemptions and environments through the CLI', () => {
  it('plan --env prod before anything is published: exit 1, the exemption to create', async () => {
    const r = await cli('plan', '--env', 'prod');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`Plan for environment 'prod': management group 'root' = Tenant Root Group '${DEFAULT_TENANT_ID}'`);
    expect(r.stdout).toContain(`owner '${OWNER}@prod'`);
    expect(r.stdout).toMatch(/Policy exemptions:\n {2}\+ create ex-corp-legacy-tls at \/subscriptions\/[^/]+\/resourceGroups\/rg-payroll-legacy/);
    expect(r.stderr).toMatch(/^\d+ request\(s\) to ARM\.$/m);
    expect(emu.writes()).toHaveLength(0);
  });

  it('publishes prod, then test, each under its own marker; the second publish of each writes nothing', async () => {
    const prod = await cli('publish', '--env', 'prod', '--yes');
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.stderr).toMatch(/^Published: \d+ write\(s\)/m);
    expect(prod.stdout).toMatch(/^ {2}\+ create ex-corp-legacy-tls /m);
    const exemptions = [...emu.state.policyExemptions.values()];
    expect(exemptions.map((e) => [e.name, (e.properties as { metadata?: { ztpolicyOwner?: string } }).metadata?.ztpolicyOwner])).toEqual([
      ['ex-corp-legacy-tls', `${OWNER}@prod`],
    ]);

    const test = await cli('publish', '--env', 'test', '--yes', '--json');
    expect(test.code, test.stderr).toBe(0);
    const result = JSON.parse(test.stdout) as { applied: boolean; plan: { target: { owner: string; managementGroupId: string }; items: Array<{ action: string }> } };
    expect(result.applied).toBe(true);
    expect(result.plan.target).toMatchObject({ owner: `${OWNER}@test`, managementGroupId: 'sandbox' });
    // Publishing test neither updated nor pruned anything of prod.
    expect(result.plan.items.filter((i) => i.action === 'delete')).toEqual([]);
    const owners = [...emu.state.policyExemptions.values()].map((e) => [e.name, (e.properties as { metadata?: { ztpolicyOwner?: string } }).metadata?.ztpolicyOwner]).sort();
    expect(owners).toEqual([
      ['ex-corp-legacy-tls', `${OWNER}@prod`],
      ['ex-sandbox', `${OWNER}@test`],
    ]);

    emu.resetRequests();
    for (const env of ['prod', 'test']) {
      const again = await cli('publish', '--env', env, '--yes');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/^Nothing to publish \(\d+ request\(s\), 0 writes\)\.$/m);
      const plan = await cli('plan', '--env', env, '--quiet');
      expect(plan.code, plan.stdout).toBe(0);
      expect(plan.stdout).toMatch(/^No changes: \d+ object\(s\) already match generated\/ and the config\.$/m);
      expect(plan.stderr).toBe('');
    }
    expect(emu.writes()).toHaveLength(0);
  });

  it('status --env prod reads the compliance of what prod published; --quiet leaves stderr empty', async () => {
    const r = await cli('status', '--env', 'prod');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Reading compliance at management group /m);
    const quiet = await cli('status', '--env', 'prod', '--quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(r.stdout);
  });

  it('an exemption listed for two environments is published to each under <name>-<env> at the shared scope; the old name is pruned', async () => {
    // staging's group (landing-zones) holds the corp subscription too, so the prod exemption's scope is in both trees.
    ws.editJson('ztpolicy.config.json', (c) => {
      c.environments.staging = { managementGroupId: 'landing-zones', defender: { plans: {} } };
    });
    ws.editJson('generated/policyExemptions/ex-corp-legacy-tls.json', (d) => {
      d.environments = ['prod', 'staging'];
    });
    const staging = await cli('publish', '--env', 'staging', '--yes');
    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.stdout).toMatch(/^ {2}\+ create ex-corp-legacy-tls-staging at \/subscriptions\/[^/]+\/resourceGroups\/rg-payroll-legacy/m);
    // prod renames its own: the plan shows the old name deleted and the new one created (a reviewer sees both).
    const plan = await cli('plan', '--env', 'prod');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/^ {2}\+ create ex-corp-legacy-tls-prod /m);
    expect(plan.stdout).toMatch(/^ {2}- delete ex-corp-legacy-tls /m);
    const prod = await cli('publish', '--env', 'prod', '--yes');
    expect(prod.code, prod.stderr).toBe(0);
    const owners = [...emu.state.policyExemptions.values()].map((e) => [e.name, (e.properties as { metadata?: { ztpolicyOwner?: string } }).metadata?.ztpolicyOwner]).sort();
    expect(owners).toEqual([
      ['ex-corp-legacy-tls-prod', `${OWNER}@prod`],
      ['ex-corp-legacy-tls-staging', `${OWNER}@staging`],
      ['ex-sandbox', `${OWNER}@test`],
    ]);
    emu.resetRequests();
    for (const env of ['prod', 'staging', 'test']) expect((await cli('publish', '--env', env, '--yes')).stderr).toMatch(/^Nothing to publish/m);
    expect(emu.writes()).toHaveLength(0);
  });

  it('refuses to publish an exemption another environment still owns at the same scope (exit 2, no write), saying how to fix it', async () => {
    // ex-sandbox moves from test to prod: the sandbox subscription is in prod's tree too, but test has not pruned it yet.
    ws.editJson('generated/policyExemptions/ex-sandbox.json', (d) => {
      d.environments = ['prod'];
    });
    emu.resetRequests();
    const r = await cli('publish', '--env', 'prod', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ZT8101 policy exemption 'ex-sandbox' at /subscriptions/${DEFAULT_SUBSCRIPTIONS.sandbox} belongs to owner '${OWNER}@test'`);
    expect(r.stderr).toContain("fix: environment 'test' owns an exemption of this name at the same scope: publish 'test' first if the exemption moved from it");
    expect(emu.writes()).toHaveLength(0);
  });

  it('a misspelt --env is exit 2 naming the known environments, with no request', async () => {
    emu.resetRequests();
    const r = await cli('plan', '--env', 'prd');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown environment 'prd' (did you mean 'prod'?)");
    expect(r.stderr).toMatch(/defines: test, prod/);
    expect(emu.requests).toHaveLength(0);
  });
});

describe('plan --quiet on a large tenant', () => {
  it('prints no progress with --quiet (without it: the Defender plans read, done of total); colour only where asked', async () => {
    const big = await emulator({ subscriptions: { count: 30 } });
    const w = workspace();
    try {
      const run = async (extra: string[], env: NodeJS.ProcessEnv = {}) => {
        let stdout = '';
        let stderr = '';
        const code = await main(['plan', '--mg', 'root', '--endpoint', big.url, '--config', w.configFile, ...extra], {
          stdout: (t) => (stdout += t),
          stderr: (t) => (stderr += t),
          stderrIsTty: false,
          env,
          azure: { ca: big.ca, credential: staticTokenCredential(), retry: FAST_RETRY, env: {} },
        });
        return { code, stdout, stderr };
      };
      const normal = await run([]);
      expect(normal.code, normal.stderr).toBe(1);
      expect(normal.stderr).toMatch(/: 0\/3\d\n/);
      const quiet = await run(['--quiet']);
      expect(quiet.code).toBe(1);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toBe(normal.stdout);
      // FORCE_COLOR colours the text plan (same words), never the Markdown or JSON one.
      const coloured = await run(['--quiet'], { FORCE_COLOR: '1' });
      expect(coloured.stdout).toMatch(/\u001b\[32m {2}\+ create /);
      expect(coloured.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toBe(normal.stdout);
      for (const format of ['--markdown', '--json']) expect((await run(['--quiet', format], { FORCE_COLOR: '1' })).stdout).not.toMatch(/\u001b\[/);
    } finally {
      await big.close();
      w.remove();
    }
  });
});
