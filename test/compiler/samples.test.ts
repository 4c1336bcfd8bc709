/**
 * Every sample control and initiative compiles without error diagnostics, to policy rules the official
 * 2020-10-01 schema accepts, with the metadata the generated docs and the publisher read.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/compiler/canonical-json.js';
import { compileControl, compileInitiative, isControl, isInitiative } from '../../src/compiler/index.js';
import type { Control } from '../../src/dsl/index.js';
import type { Initiative } from '../../src/dsl/index.js';
import { UNITS } from '../../src/model.js';
import { repoRoot } from '../helpers/cli.js';
import { policyRuleSchemaErrors } from './schema-helper.js';

/** Units with their own initiative: monitoring (ZT-MON-01) lives in the Defender initiative. */
const INITIATIVE_UNITS = UNITS.filter((u) => u !== 'monitoring');
// A unit whose controls are all built-ins (monitoring: ZT-MON-01) has no definitions folder.
const definitionFiles = UNITS.filter((u) => existsSync(join(repoRoot, 'definitions', u))).flatMap((u) =>
  readdirSync(join(repoRoot, 'definitions', u))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('definitions', u, f)),
);
const initiativeFiles = readdirSync(join(repoRoot, 'initiatives'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join('initiatives', f));

async function load(file: string): Promise<unknown> {
  return ((await import(pathToFileURL(join(repoRoot, file)).href)) as { default: unknown }).default;
}

describe('sample controls', () => {
  it('there is at least one control per unit (monitoring has only a built-in member)', () => {
    for (const u of UNITS.filter((x) => x !== 'monitoring')) expect(definitionFiles.some((f) => f.includes(`/${u}/`)), u).toBe(true);
  });

  it.each(definitionFiles)('%s compiles to a schema-valid definition', async (file) => {
    const control = await load(file);
    expect(isControl(control)).toBe(true);
    const c = control as Control;
    const { document, diagnostics } = compileControl(c);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(policyRuleSchemaErrors(document.properties.policyRule)).toEqual([]);
    // House style: the file is named after the policy name, which carries the control id.
    expect(file.endsWith(`/${c.unit}/${document.name}.ts`)).toBe(true);
    expect(document.name.startsWith(c.controlId.toLowerCase())).toBe(true);
    expect(document.properties.metadata).toMatchObject({
      version: c.version,
      category: c.category,
      ztpolicy: { controlId: c.controlId, principle: c.principle, unit: c.unit, remediation: c.remediation },
    });
    expect(document.properties.version).toBe(c.version);
    expect(document.properties.policyType).toBe('Custom');
  });

  it.each(definitionFiles)('%s compiles to the same bytes twice', async (file) => {
    const control = (await load(file)) as Control;
    expect(canonicalJson(compileControl(control).document)).toBe(canonicalJson(compileControl(control).document));
  });
});

describe('sample initiatives', () => {
  it('there is one initiative per unit (defender with monitoring, issue 7) plus the umbrella', () => {
    expect(initiativeFiles.map((f) => f.replace('initiatives/', '')).sort()).toEqual(
      [...INITIATIVE_UNITS.map((u) => `${u}.ts`), 'zero-trust.ts'].sort(),
    );
  });

  it.each(initiativeFiles)('%s compiles without errors and has a custom and a built-in member', async (file) => {
    const initiative = await load(file);
    expect(isInitiative(initiative)).toBe(true);
    const { document, diagnostics } = compileInitiative(initiative as Initiative);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ids = document.properties.policyDefinitions.map((m) => m.policyDefinitionId);
    expect(ids.some((id) => id.startsWith('/providers/Microsoft.Management/managementGroups/{managementGroupId}/'))).toBe(true);
    expect(ids.some((id) => /^\/providers\/Microsoft\.Authorization\/policyDefinitions\/[0-9a-f-]{36}$/.test(id))).toBe(true);
    // Every groupNames entry names a declared group (Azure rejects dangling group names).
    const groups = new Set((document.properties.policyDefinitionGroups ?? []).map((g) => g.name));
    for (const m of document.properties.policyDefinitions) for (const g of m.groupNames ?? []) expect(groups.has(g)).toBe(true);
    // Every "[parameters('x')]" passed to a member names a parameter of the initiative.
    const declared = Object.keys(document.properties.parameters ?? {});
    for (const m of document.properties.policyDefinitions) {
      for (const { value } of Object.values(m.parameters ?? {})) {
        const ref = typeof value === 'string' ? /^\[parameters\('([^']+)'\)\]$/.exec(value) : null;
        if (ref) expect(declared).toContain(ref[1]);
      }
    }
  });

  it('the umbrella holds every member of every unit initiative, grouped by principle and unit', async () => {
    const umbrella = compileInitiative((await load('initiatives/zero-trust.ts')) as Initiative).document;
    const unitMembers: string[] = [];
    for (const u of INITIATIVE_UNITS) {
      const doc = compileInitiative((await load(`initiatives/${u}.ts`)) as Initiative).document;
      unitMembers.push(...doc.properties.policyDefinitions.map((m) => m.policyDefinitionReferenceId));
    }
    const umbrellaIds = umbrella.properties.policyDefinitions.map((m) => m.policyDefinitionReferenceId);
    expect([...umbrellaIds].sort()).toEqual([...unitMembers].sort());
    const groupNames = (umbrella.properties.policyDefinitionGroups ?? []).map((g) => g.name);
    expect(groupNames).toEqual(expect.arrayContaining(['verify-explicitly', 'least-privilege', 'assume-breach']));
    for (const u of UNITS) expect(groupNames).toContain(`unit-${u}`);
    for (const m of umbrella.properties.policyDefinitions) {
      expect(m.groupNames?.some((g) => ['verify-explicitly', 'least-privilege', 'assume-breach'].includes(g))).toBe(true);
      expect(m.groupNames?.some((g) => g.startsWith('unit-'))).toBe(true);
    }
  });

  it('the defender initiative enables Defender plans through built-in deployIfNotExists members', async () => {
    const initiative = (await load('initiatives/defender.ts')) as Initiative;
    const builtins = initiative.members.map((m) => m.target).filter((t) => t.kind === 'builtin-policy');
    expect(builtins.length).toBeGreaterThanOrEqual(2);
    for (const b of builtins) {
      expect(b.effects).toContain('deployifnotexists');
      // The publisher grants these roles to the assignment identity: a DINE member without them cannot remediate.
      expect(b.roleDefinitionIds.length).toBeGreaterThan(0);
    }
  });
});

describe('the schema check itself', () => {
  it('rejects a rule Azure would reject (unknown effect, operator-less condition)', () => {
    const errors = policyRuleSchemaErrors({ if: { field: 'type' }, then: { effect: 'block' } });
    expect(errors).toContain('/then/effect must be equal to one of the allowed values');
    expect(errors).toContain("/if must have required property 'equals'");
    // ...and accepts the same rule once both are fixed, so the errors above are about these two faults.
    expect(policyRuleSchemaErrors({ if: { field: 'type', equals: 'a' }, then: { effect: 'deny' } })).toEqual([]);
  });
});
