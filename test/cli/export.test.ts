/**
 * `ztpolicy export` against the ARM emulator: the real CLI in a child process (it must trust the emulator's
 * certificate through NODE_EXTRA_CA_CERTS, which only a new process reads), then the export imported back
 * through main() in-process. Refusals that happen before any Azure call run in-process too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { emulatorChildEnv, staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { inProcess } from '../helpers/in-process.js';
import { emulator } from '../publisher/helpers.js';

const API = 'api-version=2024-05-01';
const MG = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization';
const definition = (owner?: string) => ({
  properties: {
    displayName: 'Storage accounts must use HTTPS',
    description: 'd',
    policyType: 'Custom',
    mode: 'Indexed',
    metadata: { version: '1.0.0', category: 'Storage', ...(owner ? { ztpolicyOwner: owner } : {}) },
    parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Deny' } },
    policyRule: {
      if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly', notEquals: 'true' }] },
      then: { effect: "[parameters('effect')]" },
    },
  },
});

let emu: ArmEmulator;
let dir: string;
beforeAll(async () => {
  emu = await emulator();
  dir = mkdtempSync(join(tmpdir(), 'ztpolicy-export-cli-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const put = async (path: string, body: unknown, api = API) => {
    const r = await emu.call('PUT', `${path}?${api}`, body);
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  };
  await put(`${MG}/policyDefinitions/deny-http`, definition());
  await put(`${MG}/policyDefinitions/zt-stg-01-https`, definition('repo-a'));
  await put(`${MG}/policySetDefinitions/baseline`, {
    properties: {
      displayName: 'Baseline',
      policyType: 'Custom',
      policyDefinitions: [{ policyDefinitionId: `${MG}/policyDefinitions/deny-http`, policyDefinitionReferenceId: 'https', parameters: { effect: { value: 'Audit' } } }],
    },
  });
  await put(`${MG}/policyAssignments/baseline`, { properties: { policyDefinitionId: `${MG}/policySetDefinitions/baseline`, displayName: 'Baseline' } });
  await put(`${MG}/policyExemptions/legacy-app`, { properties: { policyAssignmentId: `${MG}/policyAssignments/baseline`, exemptionCategory: 'Waiver' } }, 'api-version=2022-07-01-preview');
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ztpolicy export', () => {
  it('writes what the management group holds, marks what ztpolicy owns, changes nothing in Azure, and imports back', async () => {
    emu.resetRequests();
    const out = join(dir, 'estate');
    const r = await runCli(['export', '--mg', 'root', '--endpoint', emu.url, '--out', out, '--json'], { env: emulatorChildEnv(emu) });
    expect(r.code, r.stderr).toBe(0);
    expect(emu.writes()).toHaveLength(0);
    expect(r.stderr).toContain('owned by ztpolicy (repo-a): policyDefinitions/zt-stg-01-https');
    expect(r.stderr).not.toContain('emulator-token');
    const summary = JSON.parse(r.stdout) as { counts: Record<string, number>; ownedByZtpolicy: Array<{ name: string }> };
    expect(summary.counts).toEqual({ policyDefinitions: 2, policySetDefinitions: 1, policyAssignments: 1, policyExemptions: 1 });
    expect(summary.ownedByZtpolicy.map((o) => o.name)).toEqual(['zt-stg-01-https']);
    const def = JSON.parse(readFileSync(join(out, 'policyDefinitions/deny-http.json'), 'utf8')) as { properties: { policyRule: unknown } };
    expect(def.properties.policyRule).toEqual(definition().properties.policyRule);
    expect(existsSync(join(out, 'policyExemptions/legacy-app.json'))).toBe(true);

    const imported = await inProcess(['import', out, '--unit', 'storage', '--project', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(readFileSync(join(dir, 'initiatives/baseline.ts'), 'utf8')).toContain("member(denyHttp, { referenceId: 'https', parameters: { effect: 'Audit' } })");
    // ztpolicy's own marker is not copied into the source: publish writes it.
    expect(readFileSync(join(dir, 'definitions/storage/zt-stg-01-https.ts'), 'utf8')).not.toContain('ztpolicyOwner');
  });

  it('in-process: --quiet prints only the JSON result; --verbose logs each ARM request without the token', async () => {
    const run = async (extra: string[]) => {
      let out = '';
      let err = '';
      const code = await main(['export', '--mg', 'root', '--endpoint', emu.url, '--out', mkdtempSync(join(dir, 'x-')), '--force', ...extra], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        azure: { ca: emu.ca, credential: staticTokenCredential() },
      });
      return { code, out, err };
    };
    const quiet = await run(['--quiet', '--json']);
    expect(quiet.code, quiet.err).toBe(0);
    expect(quiet.err).toBe('');
    expect(JSON.parse(quiet.out)).toMatchObject({ counts: { policyDefinitions: 2 } });
    const verbose = await run(['--verbose']);
    expect(verbose.code, verbose.err).toBe(0);
    expect(verbose.out).toBe('');
    expect(verbose.err).toMatch(/GET \/providers\/Microsoft\.Management\/managementGroups\/root\/providers\/Microsoft\.Authorization\/policyDefinitions.* 200/);
    expect(verbose.err).toContain('wrote 5 object(s)');
    expect(verbose.err).not.toContain('emulator-token');
  });

  it('refuses a folder that is not empty (exit 2) before reading Azure', async () => {
    // `dir` holds package.json (and the import above): not empty.
    const r = await inProcess(['export', '--mg', 'root', '--out', dir, '--endpoint', 'https://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not empty; nothing was written');
  });
});
