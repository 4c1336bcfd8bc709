import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, DiagnosticsError, ExitCode } from '../../src/errors.js';
import { loadConfig, parseConfig } from '../../src/publisher/config.js';
import { fixturesDir } from './helpers.js';

const valid = () => JSON.parse(readFileSync(join(fixturesDir, 'ztpolicy.config.json'), 'utf8'));

function problems(value: unknown) {
  try {
    parseConfig(value, 'ztpolicy.config.json');
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticsError);
    const err = e as DiagnosticsError;
    expect(err.exitCode).toBe(ExitCode.badInput);
    return err.diagnostics;
  }
  throw new Error('expected the config to be rejected');
}

describe('publisher config', () => {
  it('accepts the fixture config and fills in documented defaults', () => {
    const c = parseConfig(valid(), 'x.json');
    expect(c.managementGroupId).toBe('root');
    expect(c.concurrency).toBe(16);
    expect(c.assignments[1]!.parameters).toEqual({});
    expect(c.assignments[1]!.notScopes).toEqual([]);
    expect(c.defender.plans.VirtualMachines?.subPlan).toBe('P2');
    expect(c.defender.plans.AppServices).toBeUndefined();
  });

  it('names the file, the JSON path and a fix for each problem, all at once', () => {
    const v = valid();
    v.tenantId = 'not-a-guid';
    v.defender.plans.VirtualMachines.subPlan = 'P3';
    v.assignments[0].name = 'this-assignment-name-is-too-long';
    v.assignments[1].enforcment = 'Default';
    const d = problems(v);
    const at = (p: string) => d.find((x) => x.jsonPath === p);
    expect(at('$.tenantId')?.message).toMatch(/GUID/);
    expect(at('$.defender.plans.VirtualMachines.subPlan')?.hint).toMatch(/"P1", "P2"/);
    expect(at('$.assignments[0].name')?.message).toMatch(/24/);
    expect(at('$.assignments[1]')?.hint).toMatch(/enforcment/);
    for (const x of d) expect(x.file).toBe('ztpolicy.config.json');
  });

  it('rejects an extension a plan does not have and a sub-plan on a plan without sub-plans', () => {
    const v = valid();
    v.defender.plans.KeyVaults = { subPlan: 'P1' };
    v.defender.plans.StorageAccounts.extensions.AgentlessVmScanning = true;
    const d = problems(v);
    expect(d.find((x) => x.jsonPath === '$.defender.plans.KeyVaults.subPlan')).toBeDefined();
    expect(d.find((x) => x.jsonPath === '$.defender.plans.StorageAccounts.extensions')?.hint).toMatch(/AgentlessVmScanning/);
  });

  it('rejects an unknown Defender plan and a region with spaces', () => {
    const v = valid();
    v.defender.plans.Dns = { tier: 'Standard' };
    v.identityLocation = 'West Europe';
    const d = problems(v);
    expect(d.map((x) => x.jsonPath)).toEqual(expect.arrayContaining(['$.defender.plans', '$.identityLocation']));
  });

  it('reports a missing file and invalid JSON as bad input (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztcfg-'));
    expect(() => loadConfig(join(dir, 'nope.json'), dir)).toThrowError(BadInputError);
    writeFileSync(join(dir, 'bad.json'), '{ "tenantId": ');
    try {
      loadConfig(join(dir, 'bad.json'), dir);
      throw new Error('not rejected');
    } catch (e) {
      expect(e).toBeInstanceOf(BadInputError);
      expect((e as BadInputError).code).toBe('ZT8002');
      expect((e as BadInputError).file).toBe('bad.json');
    }
  });
});
