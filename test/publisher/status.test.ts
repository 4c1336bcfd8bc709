/**
 * `ztpolicy status` (issue 10): Azure Policy's compliance results for the assignments this repo owns, per unit and
 * control, read from PolicyInsights as the emulator answers it from seeded compliance records (the shape of the
 * REST spec's examples). The expected figures below are worked out by hand from the seeded records and Azure's
 * documented ranking of states (a resource non-compliant for one member is non-compliant for the assignment;
 * compliant outranks exempt), not by the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySession, planSession } from '../../src/publisher/session.js';
import { readStatus, renderStatusMarkdown, renderStatusText, type StatusReport } from '../../src/publisher/status.js';
import { azureLikeHierarchy, DEFAULT_SUBSCRIPTIONS, emulatorChildEnv, type ArmEmulator } from '../emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';

let emu: ArmEmulator;
let ws: Workspace;
const account = (n: number) => `/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/sa${n}`;
let storageAssignment = '';

beforeAll(async () => {
  emu = await emulator({ hierarchy: azureLikeHierarchy() });
  ws = workspace();
  const s = await session(emu, ws);
  await applySession(s, (await planSession(s, 's1')).plan);
  const asg = [...emu.state.policyAssignments.values()].find((a) => a.name === 'zt-storage')!;
  storageAssignment = asg.id;
  const set = (asg.properties as { policyDefinitionId: string }).policyDefinitionId;
  const record = (n: number, ref: string, complianceState: string) => ({
    resourceId: account(n),
    policyAssignmentId: storageAssignment,
    policySetDefinitionId: set,
    policyDefinitionId: `${set.replace(/policySetDefinitions\/.*$/i, 'policyDefinitions/')}${ref}`,
    policyDefinitionReferenceId: ref,
    complianceState,
  });
  emu.state.policyStates.push(
    record(1, 'zt-stg-02', 'NonCompliant'),
    record(1, 'zt-stg-07', 'NonCompliant'),
    record(2, 'zt-stg-02', 'Compliant'),
    record(2, 'zt-stg-07', 'NonCompliant'),
    record(3, 'zt-stg-02', 'Exempt'),
    record(3, 'zt-stg-07', 'Compliant'),
  );
  // A remediation task still running for the DINE member (the emulator's tasks start Accepted).
  const mg = emu.tenantId;
  const r = await emu.call('PUT', `/providers/Microsoft.Management/managementGroups/${mg}/providers/Microsoft.PolicyInsights/remediations/fix-defender?api-version=2024-10-01`, {
    properties: { policyAssignmentId: storageAssignment, policyDefinitionReferenceId: 'defender-for-storage' },
  });
  expect(r.status).toBeLessThan(300);
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

describe('ztpolicy status', () => {
  let report: StatusReport;
  beforeAll(async () => {
    report = await readStatus(await session(emu, ws));
  });

  it('counts per unit and per control, ranks the worst offenders, lists remediations still running', () => {
    expect(report.target).toMatchObject({ managementGroupId: emu.tenantId, requestedAs: 'root', tenantRoot: true });
    expect(report.units.map((u) => u.initiative)).toEqual(['zt-storage', 'zt-vm']);
    const storage = report.units[0]!;
    expect(storage.evaluated).toBe(true);
    expect(storage.totals).toEqual({ compliant: 1, nonCompliant: 2, exempt: 0, other: 0 });
    expect(storage.controls.map(({ control, compliant, nonCompliant, exempt }) => [control, compliant, nonCompliant, exempt])).toEqual([
      ['zt-stg-02', 1, 1, 1],
      ['zt-stg-07', 1, 2, 0],
      ['defender-for-storage', 0, 0, 0],
    ]);
    expect(storage.worstOffenders).toEqual([
      { resourceId: account(1), controls: ['zt-stg-02', 'zt-stg-07'] },
      { resourceId: account(2), controls: ['zt-stg-07'] },
    ]);
    expect(storage.remediations.map((r) => [r.name, r.referenceId, r.state])).toEqual([['fix-defender', 'defender-for-storage', 'Accepted']]);
  });

  it('shows an assignment Azure has not evaluated yet as such, not as zero', () => {
    const vm = report.units[1]!;
    expect(vm.evaluated).toBe(false);
    expect(vm.totals).toBeUndefined();
    const text = renderStatusText(report);
    const vmLine = text.split('\n').find((l) => l.startsWith('zt-vm '))!;
    expect(vmLine).toContain('not evaluated yet');
    expect(vmLine).not.toMatch(/\b0 compliant/);
    const md = renderStatusMarkdown(report);
    expect(md).toMatch(/#### zt-vm [^\n]*\n\n_not evaluated yet/);
    expect(md).toMatch(/\n\| `zt-stg-07`[^|\n]* \| 1 \| 2 \| 0 \|\n/);
  });

  it('prints the report from the CLI: text, and --json for tooling (exit 0, read-only)', async () => {
    const cli = (...extra: string[]) =>
      runCli(['status', '--mg', 'root', '--endpoint', emu.url, '--config', ws.configFile, ...extra], { env: emulatorChildEnv(emu) });
    emu.resetRequests();
    const text = await cli();
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Compliance for management group 'root' = Tenant Root Group '${emu.tenantId}'`);
    expect(text.stdout).toMatch(/zt-storage \(assignment zt-storage at [^)]+\): 1 compliant, 2 non-compliant, 0 exempt\n/);
    expect(text.stdout).toContain(`    ${account(1)}  (2 control(s): zt-stg-02, zt-stg-07)`);
    expect(text.stdout).toContain('remediation in progress: defender-for-storage: Accepted');
    const json = await cli('--json');
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as StatusReport).units[0]!.totals).toEqual({ compliant: 1, nonCompliant: 2, exempt: 0, other: 0 });
    // Read-only: PolicyInsights' queries are POSTs, nothing else is.
    expect(emu.requests.filter((r) => r.method !== 'GET' && !/\/policyStates\/latest\/(summarize|queryResults)$/i.test(r.path))).toEqual([]);
  });
});
