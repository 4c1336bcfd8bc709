/**
 * The generated initiatives as Azure will receive them (issue 7, "done when"), checked against the vendored
 * built-in definitions and Azure Policy's documented limits (Learn, "Azure Policy limits": 1,000 definitions and 400
 * parameters per initiative; 1 MiB request body (ARM); assignment names at management-group scope <= 24 characters),
 * not through the validator that the build runs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBuiltinDefinitionJson } from '../../src/catalog/builtins.js';
import { repoRoot } from '../helpers/cli.js';

const dir = join(repoRoot, 'generated/policySetDefinitions');
const sets = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }))
  .map(({ file, text }) => ({ file, bytes: Buffer.byteLength(text), doc: JSON.parse(text) as SetDocument }));

interface SetDocument {
  name: string;
  properties: {
    parameters?: Record<string, { defaultValue?: unknown }>;
    policyDefinitions: Array<{ policyDefinitionId: string; policyDefinitionReferenceId: string; definitionVersion?: string; parameters?: Record<string, unknown> }>;
  };
}
const BUILTIN = /^\/providers\/Microsoft\.Authorization\/policyDefinitions\/[0-9a-f-]{36}$/i;

describe('generated initiatives', () => {
  it('are one per unit and the umbrella', () => {
    expect(sets.map((s) => s.doc.name).sort()).toEqual(['zt-defender', 'zt-hub-vnet', 'zt-spoke-vnet', 'zt-storage', 'zt-vm', 'zt-zero-trust']);
  });

  it.each(sets.map((s) => [s.doc.name, s] as const))('%s stays within Azure limits', (_name, s) => {
    expect(s.bytes).toBeLessThan(1024 * 1024);
    expect(s.doc.properties.policyDefinitions.length).toBeLessThanOrEqual(1000);
    expect(Object.keys(s.doc.properties.parameters ?? {}).length).toBeLessThanOrEqual(400);
    // The publisher assigns each initiative under its own name at management-group scope.
    expect(s.doc.name.length).toBeLessThanOrEqual(24);
  });

  it.each(sets.map((s) => [s.doc.name, s] as const))('%s references built-ins that exist, are not deprecated, and get only parameters they declare', (_name, s) => {
    const builtins = s.doc.properties.policyDefinitions.filter((m) => BUILTIN.test(m.policyDefinitionId));
    expect(builtins.length).toBeGreaterThan(0); // every unit prefers the catalog's built-ins where they exist
    for (const m of builtins) {
      const where = `${s.doc.name}: ${m.policyDefinitionReferenceId}`;
      const def = getBuiltinDefinitionJson(m.policyDefinitionId);
      expect(def, where).toBeDefined();
      const metadata = (def!.properties.metadata ?? {}) as { deprecated?: boolean; version?: string };
      expect(metadata.deprecated === true || /^\[deprecated\]/i.test(String(def!.properties.displayName)), where).toBe(false);
      const declared = new Map(Object.entries(def!.properties.parameters ?? {}).map(([k, v]) => [k.toLowerCase(), v as { defaultValue?: unknown }]));
      const passed = new Set(Object.keys(m.parameters ?? {}).map((k) => k.toLowerCase()));
      for (const p of passed) expect(declared.has(p), `${where} passes undeclared ${p}`).toBe(true);
      for (const [p, d] of declared) if (d.defaultValue === undefined) expect(passed.has(p), `${where} leaves ${p} (no default) unset`).toBe(true);
      // Pinned to the major version that was tested (the vendored one).
      if (m.definitionVersion !== undefined && metadata.version !== undefined) expect(m.definitionVersion.split('.')[0], where).toBe(metadata.version.split('.')[0]);
    }
    // An initiative parameter without default must be passed at assignment: the config does (ztpolicy.config.json).
    const config = JSON.parse(readFileSync(join(repoRoot, 'ztpolicy.config.json'), 'utf8')) as { assignments: Array<{ initiative: string; parameters?: Record<string, unknown> }> };
    const assignment = config.assignments.find((a) => a.initiative === s.doc.name);
    if (assignment) {
      const required = Object.entries(s.doc.properties.parameters ?? {}).filter(([, d]) => d.defaultValue === undefined).map(([k]) => k);
      expect(required.filter((k) => !(k in (assignment.parameters ?? {})))).toEqual([]);
    }
  });
});
