/** `ztpolicy plan` as a user runs it: the real CLI in a child process, trusting the emulator via NODE_EXTRA_CA_CERTS. */
import { describe, expect, it } from 'vitest';
import { emulatorChildEnv } from '../emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { emulatorWorkspace } from '../publisher/helpers.js';

const env = emulatorWorkspace();

// runCli's cwd stays the repo root (node resolves `--import tsx` from it): the config is passed by path.
const plan = (...args: string[]) => runCli(['plan', '--mg', 'root', '--endpoint', env.emu.url, '--config', env.ws.configFile, ...args], { env: emulatorChildEnv(env.emu) });

describe('ztpolicy plan', () => {
  it('prints the plan and exits 1 when there are changes, without writing anything', async () => {
    env.emu.resetRequests();
    const r = await plan();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\+ create zt-stg-02-minimum-tls/);
    expect(r.stdout).toMatch(/\+ create role 8e3af657-a8ff-443c-a75c-2fe8c4bcb635 for the identity of assignment 'zt-storage'/);
    // Pricing changes grouped by plan and change, with the number of subscriptions (3 under root in the emulator).
    // Servers as defender-plans.ts sets it: agentless scanning on, P2 (the fixture config restates tier and subPlan only).
    expect(r.stdout).toMatch(/~ update VirtualMachines on 3 subscriptions\n\s+\$\.extensions\.AgentlessVmScanning\.isEnabled: null -> "True"\n(?:\s+\$\.extensions\..*\n)*\s+\$\.pricingTier: "Free" -> "Standard"\n\s+\$\.subPlan: null -> "P2"/);
    expect(r.stdout).toContain('  state read from Azure Resource Graph, 3 subscriptions; 3 with differences re-read directly\n');
    // 21 updates: the seven Zero Trust Defender plans (defender-plans.ts) on each of the 3 subscriptions.
    expect(r.stdout).toMatch(/Plan: 11 to create, 21 to update, 0 to delete/);
    expect(r.stderr).toMatch(/request\(s\) to ARM/);
    expect(env.emu.writes()).toHaveLength(0);
  });

  it('prints a Markdown plan for a pull-request comment', async () => {
    const r = await plan('--markdown');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^### ztpolicy plan for `root`/);
    expect(r.stdout).toMatch(/\| Policy definitions \| 3 \| 0 \| 0 \| 0 \|/);
  });

  it('rejects a bad config with file, JSON path and fix (exit 2) before any request', async () => {
    env.ws.editJson('ztpolicy.config.json', (c) => {
      c.defender.plans.VirtualMachines.subPlan = 'P3';
    });
    env.emu.resetRequests();
    const r = await plan();
    env.ws.editJson('ztpolicy.config.json', (c) => {
      c.defender.plans.VirtualMachines.subPlan = 'P2';
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ztpolicy\.config\.json: error ZT8001: .* \(at \$\.defender\.plans\.VirtualMachines\.subPlan\)/);
    expect(r.stderr).toMatch(/fix: use one of: "P1", "P2"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(env.emu.requests).toHaveLength(0);
  });

  it('shows a same-named object without an ownership marker as a blocker with how to proceed (exit 1, no write)', async () => {
    const generated = env.ws.readJson('generated/policyDefinitions/vm/zt-vm-03-managed-disks.json');
    const path = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/zt-vm-03-managed-disks?api-version=2024-05-01';
    await env.emu.call('PUT', path, { properties: { ...generated.properties, metadata: {} } });
    try {
      env.emu.resetRequests();
      const r = await plan();
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        "  x ZT8106 policy definition 'zt-vm-03-managed-disks' already exists at management group 'root' without a ztpolicy ownership marker (metadata.ztpolicyOwner); ztpolicy will not take it over unless told to\n" +
          '      how to proceed: rename it in the sources, delete the existing object yourself if it is obsolete, or re-run with --adopt to take it over',
      );
      expect(r.stdout).not.toMatch(/update zt-vm-03-managed-disks/);
      const md = await plan('--markdown');
      expect(md.stdout).toMatch(/> \[!CAUTION\]\n> Publish will refuse:\n> - \*\*ZT8106\*\* policy definition 'zt-vm-03-managed-disks'.*How to proceed: .*--adopt/);
      // With --adopt the plan takes it over instead: an update adding the marker, with a warning.
      const adopt = await plan('--adopt');
      expect(adopt.stdout).toMatch(/~ update zt-vm-03-managed-disks {2}\[adopted: it had no ownership marker\](?:\n {6}.*)*\n {6}\$\.metadata\.ztpolicyOwner: \(absent\) -> "contoso\/platform-policies"/);
      expect(adopt.stdout).not.toMatch(/Blocked/);
      expect(env.emu.writes()).toHaveLength(0);
    } finally {
      await env.emu.call('DELETE', path);
    }
  });

  it('refuses a plain-http endpoint that is not loopback (exit 2)', async () => {
    const r = await runCli(['plan', '--mg', 'root', '--endpoint', 'http://management.example.com', '--config', env.ws.configFile], { env: emulatorChildEnv(env.emu) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/https only/);
  });
});
