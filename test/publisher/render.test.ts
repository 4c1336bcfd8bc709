/** The plan renderer: initiative member changes are shown per member, the blockers with how to proceed. */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/compiler/canonical-json.js';
import type { Plan } from '../../src/publisher/planner.js';
import { renderMarkdown, renderText } from '../../src/publisher/render.js';

const ref = (id: string, extra: object = {}) => ({ policyDefinitionReferenceId: id, policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${id}-guid`, ...extra });

function planWith(before: JsonValue, after: JsonValue): Plan {
  return {
    schemaVersion: 1,
    target: { tenantId: 't', managementGroupId: 'root', owner: 'o' },
    items: [{ kind: 'policySetDefinition', action: 'update', name: 'zt-vm', id: 'x', managementGroupId: 'root', changes: [{ path: '$.policyDefinitions', before, after }] }],
    warnings: [],
    blockers: [{ code: 'ZT8106', message: "policy definition 'd' already exists", object: 'd', hint: 're-run with --adopt' }],
    summary: { create: 0, update: 1, delete: 0, 'no-op': 0 },
    hasChanges: true,
    hasDeletes: false,
  };
}

describe('renderText', () => {
  it('lists removed, added and re-parameterized members by reference id', () => {
    const before = [ref('a'), ref('b', { parameters: { effect: { value: 'Audit' } } })];
    const after = [ref('b', { parameters: { effect: { value: 'Deny' } } }), ref('c')];
    const text = renderText(planWith(before, after));
    expect(text).toContain(
      [
        '  ~ update zt-vm',
        "      $.policyDefinitions['a']: member removed",
        `      $.policyDefinitions['b'].parameters: {"effect":{"value":"Audit"}} -> {"effect":{"value":"Deny"}}`,
        `      $.policyDefinitions['c']: member added: "/providers/Microsoft.Authorization/policyDefinitions/c-guid"`,
      ].join('\n'),
    );
    expect(text).toContain('  x ZT8106 policy definition \'d\' already exists\n      how to proceed: re-run with --adopt\n');
  });

  it('says when only the order changed, and keeps the plain line for arrays that are not member lists', () => {
    expect(renderText(planWith([ref('a'), ref('b')], [ref('b'), ref('a')]))).toContain('      $.policyDefinitions: members reordered\n');
    expect(renderText(planWith(['x'], ['y']))).toContain('      $.policyDefinitions: ["x"] -> ["y"]\n');
  });
});

describe('renderMarkdown', () => {
  it('shows member changes as diff lines and blockers with how to proceed', () => {
    const md = renderMarkdown(planWith([ref('a')], [ref('c')]));
    expect(md).toContain("  - $.policyDefinitions['a']: member removed\n");
    expect(md).toContain("  + $.policyDefinitions['c']: member added: ");
    expect(md).toContain("> - **ZT8106** policy definition 'd' already exists. How to proceed: re-run with --adopt\n");
  });
});
