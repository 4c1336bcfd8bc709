/** `ztpolicy publish` as a pipeline runs it: exit codes, confirmation of deletions, no token in any output. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorChildEnv, type ArmEmulator } from '../emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { emulator, workspace, type Workspace } from '../publisher/helpers.js';

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
    expect(out.writes).toBe(26);
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
    expect(r.stderr).toMatch(/error ZT5001: .*tier 'deletes: assignments and their roles'/);
    expect(r.stderr).toMatch(/delete policyAssignment 'zt-vm': AuthorizationFailed \(HTTP 403\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});
