/**
 * `ztpolicy evaluate` honours exemptions (main() in-process): the repository's sample exemption
 * (exemptions/ex-corp-legacy-tls.ts: zt-zero-trust, member zt-stg-02-minimum-tls, resource group
 * rg-payroll-legacy in the corp subscription) turns that storage account's deny into "exempted", while the same
 * account in another resource group is still denied.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluateReport } from '../../src/cli/handlers/evaluate.js';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';

const SUB = '22222222-2222-4222-8222-222222222222';
let tmp: string;
let resources: string;

function account(rg: string, name: string): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/resources/Microsoft.Storage/storageAccounts/no-tls-floor.json'), 'utf8'));
  return { ...doc, id: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`, name };
}

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ztpolicy-evex-'));
  resources = join(tmp, 'resources.json');
  writeFileSync(resources, JSON.stringify([account('rg-payroll-legacy', 'stpayroll'), account('rg-other', 'stother')]));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('evaluate with exemptions', () => {
  it('reports the exempted account as exempted (not denied) and still denies the other one', async () => {
    const r = await run(['evaluate', '--policy', join(repoRoot, 'generated'), '--resources', resources, '--json']);
    const report = JSON.parse(r.stdout) as EvaluateReport;
    const umbrella = report.policies.find((p) => p.name === 'zt-zero-trust')!;
    const tls = umbrella.members.find((m) => m.referenceId === 'zt-stg-02-minimum-tls')!;
    const byName = Object.fromEntries(tls.findings.map((f) => [f.resourceId.split('/').pop(), f]));
    expect(byName.stpayroll).toMatchObject({ outcome: 'exempted', effect: 'deny', exemption: { name: 'ex-corp-legacy-tls', category: 'Mitigated', expiresOn: '2027-06-30T23:59:59Z' } });
    expect(byName.stother).toMatchObject({ outcome: 'denied', effect: 'deny' });
    expect(byName.stother!.exemption).toBeUndefined();
    expect(umbrella.counts.exempted).toBe(1);
    // Still exit 1: one account is denied.
    expect(r.code).toBe(1);
  });

  it('does not exit 1 when the only denial is exempted, and the text names the exemption', async () => {
    const only = join(tmp, 'only.json');
    writeFileSync(only, JSON.stringify([account('rg-payroll-legacy', 'stpayroll')]));
    const policy = join(repoRoot, 'generated/policySetDefinitions/zt-zero-trust.json');
    const exemptions = join(repoRoot, 'generated/policyExemptions');
    // The umbrella requires a workspace id (no default): without it the run reports an input problem (exit 2).
    const params = join(tmp, 'params.json');
    writeFileSync(params, JSON.stringify({ logAnalyticsWorkspaceId: { value: `/subscriptions/${SUB}/resourceGroups/rg-log/providers/Microsoft.OperationalInsights/workspaces/law` } }));
    const r = await run(['evaluate', '--policy', policy, '--resources', only, '--exemptions', exemptions, '--parameters', params]);
    expect(r.stdout).toMatch(/exempted\s+\/subscriptions\/.*stpayroll\s+\[would deny; exemption ex-corp-legacy-tls \(Mitigated, until 2027-06-30T23:59:59Z\)\]/);
    expect(r.stdout).toContain('1 exempted');
    // Nothing is denied (exit 1 would say so); other members' input problems may still make it exit 2.
    expect(r.stdout).toMatch(/summary: .* 0 denied,/);
    expect(r.code).not.toBe(1);
    expect(r.stderr).not.toContain('exemption ex-corp-legacy-tls:');
    // --verbose lists each exemption read, what it covers and whether it still applies.
    const verbose = await run(['evaluate', '--policy', policy, '--resources', only, '--exemptions', exemptions, '--parameters', params, '--verbose']);
    expect(verbose.code).toBe(r.code);
    expect(verbose.stdout).toBe(r.stdout);
    expect(verbose.stderr).toMatch(
      /^exemption ex-corp-legacy-tls: zt-zero-trust \(zt-stg-02-minimum-tls\) at \/subscriptions\/[^ ]+\/resourceGroups\/rg-payroll-legacy, Mitigated, until 2027-06-30T23:59:59Z$/m,
    );
  });

  it('refuses an exemptions path that is not there (exit 2)', async () => {
    const r = await run(['evaluate', '--policy', join(repoRoot, 'generated'), '--resources', resources, '--exemptions', join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ZT7001');
  });
});
