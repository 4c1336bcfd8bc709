import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProject } from '../../src/io/build.js';
import { loadRuleValidator } from '../../src/io/schemas.js';
import { UNITS } from '../../src/model.js';
import { repoRoot } from '../helpers/cli.js';

describe('buildProject on the repository content', () => {
  it('is deterministic, error-free, has members of every unit, and every rule passes the official schema', async () => {
    const a = await buildProject({ projectDir: repoRoot, typecheck: false });
    const b = await buildProject({ projectDir: repoRoot, typecheck: false });
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...b.files]).toEqual([...a.files]);

    const defs = [...a.files.keys()].filter((p) => p.startsWith('policyDefinitions/'));
    // Every unit is in the umbrella (as custom controls or built-in members; monitoring is built-in only).
    const umbrella = JSON.parse(a.files.get('policySetDefinitions/zt-zero-trust.json')!) as { properties: { policyDefinitions: { groupNames?: string[] }[] } };
    for (const u of UNITS) expect(umbrella.properties.policyDefinitions.some((m) => m.groupNames?.includes(`unit-${u}`)), u).toBe(true);
    // Independent of the build's own validation: re-validate the emitted text with a fresh schema load from
    // the upstream reference copy when it is available.
    const schemaDir = join(repoRoot, '..', 'shared', 'azure', 'schemas');
    const validator = loadRuleValidator(existsSync(join(schemaDir, 'common', 'definitions.json')) ? schemaDir : undefined);
    for (const p of defs) {
      const doc = JSON.parse(a.files.get(p)!) as { properties: { policyRule: unknown } };
      expect(validator.validate(doc.properties.policyRule), p).toEqual([]);
    }
    for (const [path, text] of a.files) {
      expect(text).not.toContain(repoRoot);
      // No build timestamps; an exemption's expiresOn is authored data (from its source), so it is left out.
      const checked = path.startsWith('policyExemptions/') ? text.replace(/"expiresOn": "[^"]*"/g, '') : text;
      expect(checked, path).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });
});
