/**
 * `evaluate --api-version`: a preview as writes at an API version instead of a compliance scan. Azure's compliance
 * scan uses each type's latest API version ("requestContext().apiVersion", Learn: policy definition structure), which
 * no data ztpolicy ships holds, so ZT-VM-02's Modify members (built-ins 3cf2ab00, 497dff13, which require
 * requestContext().apiVersion >= 2018-10-01) apply only when the preview is told which API version the writes use.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';

const ARGS = ['evaluate', '--policy', join(repoRoot, 'generated/policySetDefinitions/zt-vm.json'), '--resources', join(repoRoot, 'test/fixtures/exports/zero-trust-estate/resources.json'), '--json'];
const ADD_IDENTITY = 'zt-vm-02-add-system-assigned-managed-identity-to-3cf2ab00';
const AUDIT_IDENTITY = 'zt-vm-02-a-managed-identity-should-be-enabled-on-your-e4953962';

async function run(extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...ARGS, ...extra], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

type Report = { policies: Array<{ members: Array<{ referenceId?: string; findings: Array<{ outcome: string; resourceId: string }> }> }> };
const findingsOf = (r: Report, ref: string) => r.policies.flatMap((p) => p.members.filter((m) => m.referenceId === ref)).flatMap((m) => m.findings);

describe('evaluate --api-version', () => {
  it('as a compliance scan (no --api-version) the Modify that adds an identity does not apply; its audit does', async () => {
    const r = await run([]);
    const report = JSON.parse(r.stdout) as Report;
    expect(findingsOf(report, ADD_IDENTITY)).toEqual([]);
    expect(findingsOf(report, AUDIT_IDENTITY).length).toBeGreaterThan(0);
  });

  it('as writes at 2024-07-01 it reports the Modify on the VMs without an identity that the audit reports', async () => {
    const report = JSON.parse((await run(['--api-version', '2024-07-01'])).stdout) as Report;
    const modified = findingsOf(report, ADD_IDENTITY);
    expect(modified.length).toBeGreaterThan(0);
    expect(modified.every((f) => f.outcome === 'modified')).toBe(true);
    // Every VM the Modify adds an identity to is one the audit reports as having none.
    const audited = new Set(findingsOf(report, AUDIT_IDENTITY).map((f) => f.resourceId.toLowerCase()));
    for (const f of modified) expect(audited.has(f.resourceId.toLowerCase()), f.resourceId).toBe(true);
  });

  it('an API version older than the built-in requires leaves the Modify out again', async () => {
    const report = JSON.parse((await run(['--api-version', '2017-12-01'])).stdout) as Report;
    expect(findingsOf(report, ADD_IDENTITY)).toEqual([]);
  });

  it('refuses a value that is not an API version (exit 2, the expected form named)', async () => {
    const r = await run(['--api-version', 'latest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--api-version must be an ARM API version like 2024-07-01 or 2023-05-01-preview, not 'latest'");
  });
});
