/**
 * `ztpolicy check` on the repository itself: CI proves that the committed generated/ is exactly what a build
 * of definitions/ and initiatives/ writes (no stale, missing or orphan file). Types are checked by
 * test/typecheck.test.ts, so this run skips the type check to stay fast.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('ztpolicy check (the repository)', () => {
  it('exits 0: generated/ is current', async () => {
    const r = await runCli(['check', '--no-typecheck', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { current: boolean; stale: string[]; missing: string[]; orphans: string[]; counts: { definitions: number } };
    expect(out).toMatchObject({ current: true, stale: [], missing: [], orphans: [] });
    expect(out.counts.definitions).toBeGreaterThanOrEqual(5); // a control per unit but monitoring (built-in only)
    expect(r.stderr).toContain('generated/ is current');
  });

  it('--help describes the command and its options', async () => {
    const r = await runCli(['check', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--project', '--no-typecheck', '--json']) expect(r.stdout).toContain(o.replace('--no-', '--'));
  });
});
