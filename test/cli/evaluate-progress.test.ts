/**
 * Progress while a large export streams (issue 9: "evaluating a large export"): the same mechanism as publish and
 * import (src/cli/progress.ts). In a log it is plain lines in MB read, ending with "done"; --quiet prints none.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'zt-eval-progress-'));
const file = join(dir, 'export.json');
// 60,000 small resources (more than the stream's 50,000-entry progress step), about 11 MB.
const rows = Array.from({ length: 60_000 }, (_, i) => ({
  id: `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-${i}`,
  name: `pip-${i}`,
  type: 'Microsoft.Network/publicIPAddresses',
  location: 'westeurope',
  properties: { publicIPAllocationMethod: 'Static' },
}));
writeFileSync(file, JSON.stringify({ data: rows }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(extra: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(
    ['evaluate', '--policy', join(repoRoot, 'generated/policyDefinitions/spoke-vnet'), '--resources', file, '--stream-above', '0', '--workers', '0', ...extra],
    { stdout: () => {}, stderr: (t: string) => void (stderr += t), stderrIsTty: false },
  );
  return { code, stderr };
}

describe('evaluate: progress of a streamed export', () => {
  it('prints MB read as plain lines in a log, from 0 to done', async () => {
    const { code, stderr } = await run([]);
    expect(code).not.toBe(4);
    const lines = stderr.split('\n').filter((l) => l.startsWith('reading ') && l.includes('(MB)'));
    const megabytes = Math.floor(statSync(file).size / 1_048_576);
    expect(megabytes).toBeGreaterThan(5);
    expect(lines[0]).toMatch(new RegExp(`^reading .*export\\.json \\(MB\\): 0/${megabytes}$`));
    expect(lines.at(-1)).toMatch(new RegExp(`^reading .*export\\.json \\(MB\\): ${megabytes}/${megabytes} done in \\d+\\.\\d s$`));
  }, 60_000);

  it('prints none with --quiet', async () => {
    const { stderr } = await run(['--quiet']);
    expect(stderr).not.toMatch(/\(MB\)/);
  }, 60_000);
});
