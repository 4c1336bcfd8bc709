/**
 * `ztpolicy init` in-process (main()) against the ARM emulator: from flags, interactively (the real
 * @inquirer/prompts driven through streams), and each refusal. It never writes to Azure: every request it makes
 * is a GET.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { parseConfig } from '../../src/publisher/config.js';
import { azureLikeHierarchy, DEFAULT_TENANT_ID, startArmEmulator, staticTokenCredential, type ArmEmulator } from '../emulator/index.js';

const OID = '5d2c1a77-0b1e-4b8e-9d54-3f7a0c1e9b21';
const RESOURCE_POLICY_CONTRIBUTOR = '36243c78-bf99-498c-9df9-86d9f8d28608';
const RBAC_ADMIN = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';
const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const WORKSPACE = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-log/providers/Microsoft.OperationalInsights/workspaces/law';

/** An unsigned JWT-shaped token: init reads tid/oid/upn from it (the emulator accepts any bearer). */
const token = (claims: Record<string, string>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

let emu: ArmEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startArmEmulator({ acceptUnknownPrincipals: true });
});
afterAll(() => emu.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ztpolicy-init-'));
  emu.state.roleAssignments.clear();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

async function grant(role: string, mg = 'root'): Promise<void> {
  const scope = `/providers/Microsoft.Management/managementGroups/${mg}`;
  await emu.call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${role.slice(0, 8)}-0000-4000-8000-000000000001?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: OID, principalType: 'ServicePrincipal' },
  });
}

async function run(args: string[], extra: Partial<CliIo> = {}, claims: Record<string, string> = { tid: DEFAULT_TENANT_ID, oid: OID, upn: 'publisher@contoso.example' }) {
  let stdout = '';
  let stderr = '';
  emu.resetRequests();
  const code = await main(['init', '--endpoint', emu.url, '--config', join(dir, 'ztpolicy.config.json'), ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
    azure: { ca: emu.ca, credential: staticTokenCredential(token(claims)) },
    ...extra,
  });
  return { code, stdout, stderr };
}

const FLAGS = ['--mg', 'root', '--owner', 'contoso/platform-policies', '--location', 'westeurope', '--workspace', WORKSPACE, '--defender', 'VirtualMachines', 'CloudPosture'];

describe('ztpolicy init', () => {
  it('writes a valid config from flags after read-only checks', async () => {
    await grant(OWNER_ROLE);
    const r = await run(FLAGS);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`tenant ${DEFAULT_TENANT_ID}, signed in as publisher@contoso.example`);
    expect(r.stderr).toContain("management group 'root' exists");
    expect(r.stderr).toContain('roles at the management group: Owner');
    const written = JSON.parse(readFileSync(join(dir, 'ztpolicy.config.json'), 'utf8'));
    expect(written).toEqual({
      tenantId: DEFAULT_TENANT_ID,
      managementGroupId: 'root',
      owner: 'contoso/platform-policies',
      identityLocation: 'westeurope',
      generatedDir: 'generated',
      assignments: [{ initiative: 'zt-zero-trust', enforcementMode: 'Default', parameters: { logAnalyticsWorkspaceId: WORKSPACE } }],
      defender: { plans: { CloudPosture: { tier: 'Standard' }, VirtualMachines: { tier: 'Standard' } } },
    });
    expect(() => parseConfig(written, 'ztpolicy.config.json')).not.toThrow();
    // Read-only: nothing but GETs went to Azure.
    expect(emu.requests.length).toBeGreaterThan(0);
    expect(emu.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(r.stdout).toBe('');

    // --quiet: nothing on stderr when all is well; --verbose: each read-only request, never the token.
    const quiet = await run([...FLAGS, '--force', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const verbose = await run([...FLAGS, '--force', '--verbose', '--json']);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/^GET \/providers\/Microsoft\.Management\/managementGroups\/root.* 200/m);
    expect(verbose.stderr).not.toContain(token({ tid: DEFAULT_TENANT_ID, oid: OID, upn: 'publisher@contoso.example' }).split('.')[1]);
    expect(JSON.parse(verbose.stdout)).toMatchObject({ written: true, file: expect.stringContaining('ztpolicy.config.json') });
  });

  it('names the missing role and writes nothing when the caller cannot assign roles (exit 1)', async () => {
    await grant(RESOURCE_POLICY_CONTRIBUTOR);
    const r = await run(FLAGS);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('roles at the management group: Resource Policy Contributor');
    expect(r.stderr).toMatch(/cannot Microsoft\.Authorization\/roleAssignments\/write at management group 'root'/);
    expect(r.stderr).toMatch(/fix: assign Role Based Access Control Administrator \(or User Access Administrator\)/);
    expect(existsSync(join(dir, 'ztpolicy.config.json'))).toBe(false);
    // With the RBAC role added, both needs are met.
    await grant(RBAC_ADMIN);
    expect((await run(FLAGS)).code).toBe(0);
  });

  it("--mg root in a tenant with a group literally named root: that group, and says how to reach the Tenant Root Group", async () => {
    await grant(OWNER_ROLE);
    const r = await run(FLAGS);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`'root' is a management group literally named so in this tenant (not the Tenant Root Group '${DEFAULT_TENANT_ID}'; use that id to target it)`);
    expect(JSON.parse(readFileSync(join(dir, 'ztpolicy.config.json'), 'utf8')).managementGroupId).toBe('root');
  });

  it("--mg root in a tenant seeded as Azure is: the Tenant Root Group, written by its id (as plan and publish resolve it)", async () => {
    const azure = await startArmEmulator({ acceptUnknownPrincipals: true, hierarchy: azureLikeHierarchy() });
    try {
      const scope = `/providers/Microsoft.Management/managementGroups/${DEFAULT_TENANT_ID}`;
      await azure.call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/8e3af657-0000-4000-8000-000000000001?api-version=2022-04-01`, {
        properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE}`, principalId: OID, principalType: 'ServicePrincipal' },
      });
      let stderr = '';
      const code = await main(['init', '--endpoint', azure.url, '--config', join(dir, 'ztpolicy.config.json'), ...FLAGS], {
        stdout: () => undefined,
        stderr: (t) => (stderr += t),
        isTTY: false,
        azure: { ca: azure.ca, credential: staticTokenCredential(token({ tid: DEFAULT_TENANT_ID, oid: OID })) },
      });
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`'root' is the Tenant Root Group; the config names it by its id '${DEFAULT_TENANT_ID}'`);
      expect(stderr).toContain('roles at the management group: Owner');
      expect(JSON.parse(readFileSync(join(dir, 'ztpolicy.config.json'), 'utf8')).managementGroupId).toBe(DEFAULT_TENANT_ID);
      expect(azure.requests.every((q) => q.method === 'GET')).toBe(true);
    } finally {
      await azure.close();
    }
  });

  it('says the Tenant Root Group is named after the tenant id', async () => {
    const r = await run(['--mg', 'Tenant Root Group', ...FLAGS.slice(2)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`use the management group id '${DEFAULT_TENANT_ID}'`);
    expect(existsSync(join(dir, 'ztpolicy.config.json'))).toBe(false);
  });

  it('refuses to overwrite a config without --force, before any request', async () => {
    writeFileSync(join(dir, 'ztpolicy.config.json'), '{}');
    const r = await run(FLAGS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists.*\n\s+fix: edit it, or run again with --force/);
    expect(emu.requests).toHaveLength(0);
  });

  it('without a terminal, names the flag it needs (exit 2, no request)', async () => {
    const r = await run(['--mg', 'root']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--owner is required when init cannot ask');
    expect(emu.requests).toHaveLength(0);
  });

  it('on a terminal with CI set, does not ask: names the flag it needs (exit 2, no request)', async () => {
    // CI services set CI=true (and this project's CI does): a pipeline must never hang on a prompt.
    vi.stubEnv('CI', 'true');
    const r = await run(['--workspace', WORKSPACE], { isTTY: true, stdin: new PassThrough(), promptOutput: new PassThrough() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mg is required when init cannot ask (no terminal, CI set or --no-interactive)');
    expect(emu.requests).toHaveLength(0);
  });

  it('asks on a terminal: the prompts are answered through the input stream', { timeout: 20000 }, async () => {
    // The test must not depend on the environment it runs in: CI=true (set by CI services) turns prompts off.
    vi.stubEnv('CI', '');
    await grant(OWNER_ROLE);
    const stdin = new PassThrough();
    const out = new PassThrough();
    let screen = '';
    // Answer each question once it is on screen (typed text, then Enter; space toggles a checkbox).
    const answers: [RegExp, string][] = [
      [/Management group id/, 'root\r'],
      [/Ownership marker/, 'contoso/platform-policies\r'],
      [/Azure region/, '\r'], // accept the default, westeurope
      [/Defender for Cloud plans/, '\r'], // accept the preselected CloudPosture
    ];
    out.on('data', (d: Buffer) => {
      screen += d.toString('utf8');
      const next = answers[0];
      if (next && next[0].test(screen)) {
        answers.shift();
        screen = '';
        setImmediate(() => stdin.write(next[1]));
      }
    });
    const r = await run(['--workspace', WORKSPACE], { isTTY: true, stdin, promptOutput: out });
    expect(answers).toHaveLength(0);
    expect(r.code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'ztpolicy.config.json'), 'utf8'));
    expect(written).toMatchObject({ managementGroupId: 'root', owner: 'contoso/platform-policies', identityLocation: 'westeurope', defender: { plans: { CloudPosture: { tier: 'Standard' } } } });
  });
});
