/**
 * Coverage of a control catalog (src/validate/coverage.ts): statuses come from what the umbrella contains, and
 * every way an id can lack a true status is a diagnostic.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineControlCatalog, type CatalogControl } from '../../src/dsl/control-catalog.js';
import zeroTrust from '../../src/catalog/zero-trust-controls.js';
import { computeCoverage, type Implementation } from '../../src/validate/coverage.js';
import { renderCoverage } from '../../src/io/emit.js';
import { repoRoot } from '../helpers/cli.js';

const ctl = (id: string, status?: CatalogControl['status']): CatalogControl => ({
  id,
  title: `title ${id}`,
  unit: 'storage',
  principles: ['assume-breach'],
  implementation: 'BI x',
  proposedEffect: 'Deny',
  ...(status ? { status } : {}),
});
const catalog = defineControlCatalog({
  name: 'test catalog',
  source: 'unit test',
  controls: [
    ctl('ZT-STG-01'),
    ctl('ZT-STG-02'),
    ctl('ZT-STG-03'),
    ctl('ZT-STG-04', { kind: 'not-policy', why: 'Entra decides', instead: 'Conditional Access', where: 'Entra admin center' }),
    ctl('ZT-STG-05', { kind: 'pending', why: 'later' }),
    ctl('ZT-STG-06'),
  ],
  notPolicy: [{ key: 'np-x', title: 'MFA', source: 'step 6', why: 'not ARM', instead: 'CA policy', where: 'Entra' }],
});
const custom = (controlId: string, label = `zt-${controlId.toLowerCase()}-x`): Implementation => ({ controlId, kind: 'custom', file: `definitions/storage/${label}.ts`, label });
const builtin = (controlId: string): Implementation => ({ controlId, kind: 'built-in', file: 'initiatives/storage.ts', label: `Built-in for ${controlId} (12345678)` });

describe('computeCoverage', () => {
  it('derives custom, built-in and both from the members, and keeps not-policy and pending as declared', () => {
    const r = computeCoverage(catalog, 'zt-umbrella', [custom('ZT-STG-01'), builtin('ZT-STG-02'), custom('ZT-STG-03'), builtin('ZT-STG-03'), custom('ZT-STG-06')], 'initiatives/u.ts');
    expect(r.rows.map((x) => [x.control.id, x.status])).toEqual([
      ['ZT-STG-01', 'custom'],
      ['ZT-STG-02', 'built-in'],
      ['ZT-STG-03', 'both'],
      ['ZT-STG-04', 'not-policy'],
      ['ZT-STG-05', 'missing'],
      ['ZT-STG-06', 'custom'],
    ]);
    // Only the pending id is reported, as one warning naming it.
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['ZT1021', 'warning']]);
    expect(r.diagnostics[0]!.message).toContain('ZT-STG-05');
  });

  it('fails an id that is neither implemented nor given a status (ZT1019)', () => {
    const r = computeCoverage(catalog, 'zt-umbrella', [custom('ZT-STG-01'), builtin('ZT-STG-02'), custom('ZT-STG-03')], 'initiatives/u.ts');
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['ZT1019']);
    expect(errors[0]).toMatchObject({ file: 'initiatives/u.ts' });
    expect(errors[0]!.message).toContain('ZT-STG-06');
    expect(r.rows.find((x) => x.control.id === 'ZT-STG-06')!.status).toBe('missing');
  });

  it('rejects an unknown id (ZT1020), an implemented not-policy id (ZT1022), and warns on a stale pending mark (ZT1023)', () => {
    const all = [custom('ZT-STG-01'), builtin('ZT-STG-02'), custom('ZT-STG-03'), custom('ZT-STG-06')];
    const r = computeCoverage(catalog, 'zt-umbrella', [...all, custom('ZT-STG-99'), builtin('ZT-STG-04'), custom('ZT-STG-05')], 'initiatives/u.ts');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['ZT1020', 'ZT1022', 'ZT1023']);
    expect(r.diagnostics.find((d) => d.code === 'ZT1020')).toMatchObject({ file: 'definitions/storage/zt-zt-stg-99-x.ts' });
  });

  it('renders every id with its status and the not-policy items with what to do instead', () => {
    const md = renderCoverage(computeCoverage(catalog, 'zt-umbrella', [custom('ZT-STG-01'), builtin('ZT-STG-02'), custom('ZT-STG-03'), builtin('ZT-STG-03')], 'i.ts'));
    expect(md).toContain('| ZT-STG-03 | title ZT-STG-03 | Assume breach | both |');
    expect(md).toContain('| ZT-STG-05 | title ZT-STG-05 | Assume breach | **MISSING** | not implemented: later |');
    expect(md).toMatch(/\| ZT-STG-04 \|[^\n]*\| not policy \| Entra decides Instead: Conditional Access Where: Entra admin center \|/);
    expect(md).toContain('- Instead: CA policy');
    expect(md).toContain('| Azure Storage | 6 | 1 | 1 | 1 | 1 | 2 |');
  });
});

describe('the Zero Trust catalog data', () => {
  it('lists the 69 ids of zero-trust-controls.md §7.2, per unit, once each', () => {
    const ids = zeroTrust.controls.map((c) => c.id);
    expect(new Set(ids).size).toBe(69);
    const perUnit = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `ZT-${prefix}-${String(i + 1).padStart(2, '0')}`);
    expect(ids).toEqual([...perUnit('STG', 16), ...perUnit('VM', 17), ...perUnit('SPK', 12), ...perUnit('HUB', 13), ...perUnit('MDC', 10), ...perUnit('MON', 1)]);
    // §7.3: the non-policy recommendations each say what to do instead and where.
    expect(zeroTrust.notPolicy.length).toBeGreaterThanOrEqual(6);
    for (const n of zeroTrust.notPolicy) expect([n.why, n.instead, n.where].every((s) => s.length > 20), n.key).toBe(true);
  });

  it('generated/summaries/coverage.md shows a status for every catalog id', () => {
    const md = readFileSync(join(repoRoot, 'generated', 'summaries', 'coverage.md'), 'utf8');
    for (const c of zeroTrust.controls) expect(md, c.id).toMatch(new RegExp(`\\| ${c.id} \\|[^\\n]*\\| (custom|built-in|both|not policy|\\*\\*MISSING\\*\\*) \\|`));
  });
});
