import { describe, expect, it } from 'vitest';
import { evaluatePolicy, templateResources } from '../../src/evaluator/index.js';

describe('templateResources', () => {
  const template = {
    resources: [
      {
        type: 'Microsoft.Sql/servers',
        apiVersion: '2021-11-01',
        name: 'server1',
        location: 'westeurope',
        resources: [{ type: 'databases', apiVersion: '2021-11-01', name: 'db1', location: 'westeurope', properties: {} }],
      },
      { type: 'Microsoft.Sql/servers/firewallRules', apiVersion: '2021-11-01', name: 'server1/allowAll', properties: { startIpAddress: '0.0.0.0' } },
    ],
  };
  it('expands nested children to full type and parent/child name', () => {
    expect(templateResources(template).map((r) => [r['type'], r['name']])).toEqual([
      ['Microsoft.Sql/servers', 'server1'],
      ['Microsoft.Sql/servers/databases', 'server1/db1'],
      ['Microsoft.Sql/servers/firewallRules', 'server1/allowAll'],
    ]);
    expect(templateResources(template)[0]).not.toHaveProperty('resources');
  });
  it('the expanded child evaluates like the request Azure sees (type, name, fullName)', () => {
    const db = templateResources(template)[1]!;
    const rule = { if: { allOf: [{ field: 'type', equals: 'Microsoft.Sql/servers/databases' }, { field: 'name', equals: 'db1' }, { field: 'fullName', equals: 'server1/db1' }] }, then: { effect: 'audit' } };
    expect(evaluatePolicy({ policyRule: rule, resource: db }).effect).toBe('audit');
  });
});
