/**
 * src/dsl/network.ts through the offline evaluator, against independent references written here:
 * - portSpecCovers: the NSG port spec grammar ('*', 'n', 'a-b'; Learn "Network security groups", Security rules)
 *   parsed numerically in the test;
 * - anySecurityRule / sourceIn / destinationPortsCoverAny: a plain TypeScript reading of "an inbound Allow from one
 *   of these sources opening one of these ports", checked on random rules both inline in an NSG and as a child
 *   securityRules resource (the two shapes must agree).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileControl } from '../../src/compiler/index.js';
import {
  allOf,
  anySecurityRule,
  countRules,
  defineControl,
  deny,
  destinationPortsCoverAny,
  destinationPortsOnly,
  INTERNET_SOURCES,
  isInboundAllow,
  not,
  param,
  portSpecCovers,
  sourceIn,
  value,
} from '../../src/dsl/index.js';
import { evaluatePolicy } from '../../src/evaluator/index.js';
import type { PolicyDefinitionInput } from '../../src/evaluator/types.js';
import { networkSecurityGroup, securityRule, securityRuleObject, storageAccount } from '../../src/testing/index.js';

function compiled(control: Parameters<typeof compileControl>[0]): PolicyDefinitionInput {
  const { document, diagnostics } = compileControl(control);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return document as unknown as PolicyDefinitionInput;
}

/** A throw-away control whose rule is "value(portSpecCovers(spec, port)) equals true", both as parameters. */
const coversDef = compiled(
  defineControl({
    name: 'zt-spk-99-port-spec',
    controlId: 'ZT-SPK-99',
    displayName: 't',
    description: 't',
    principle: 'least-privilege',
    unit: 'spoke-vnet',
    version: '1.0.0',
    category: 'Network',
    mode: 'All',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: { spec: param.string(), port: param.string() },
    rule: ({ p }) => ({ if: value(portSpecCovers(p.spec, p.port)).equals(true), then: deny() }),
    remediation: 'n/a',
  }),
);

function covers(spec: string, port: number): boolean {
  const r = evaluatePolicy({ definition: coversDef, resource: storageAccount(), parameters: { spec, port: String(port) } });
  if (r.error) throw new Error(`evaluation error for spec ${JSON.stringify(spec)}: ${r.error.message}`);
  return r.effect === 'deny';
}

/** Reference: the spec grammar read numerically. */
function referenceCovers(spec: string, port: number): boolean {
  if (spec === '') return false;
  if (spec === '*') return true;
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return Number(m[1]) <= port && port <= Number(m[2]);
  return Number(spec) === port;
}

const portArb = fc.integer({ min: 0, max: 65535 });
const specArb = fc.oneof(
  fc.constant('*'),
  portArb.map(String),
  fc.tuple(portArb, portArb).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  // Ranges near a chosen port, so the boundaries are hit often.
  fc.tuple(portArb, fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })).map(([p, d1, d2]) => {
    const a = Math.max(0, Math.min(p + d1, p + d2));
    const b = Math.max(a, p + Math.max(d1, d2));
    return `${a}-${b}`;
  }),
);

describe('portSpecCovers', () => {
  it('decides the documented examples', () => {
    expect(covers('20-4000', 22)).toBe(true);
    expect(covers('22', 22)).toBe(true);
    expect(covers('*', 3389)).toBe(true);
    expect(covers('23-3388', 22)).toBe(false);
    expect(covers('23-3388', 3389)).toBe(false);
    expect(covers('3389-3389', 3389)).toBe(true);
    expect(covers('', 22)).toBe(false);
    expect(covers('220', 22)).toBe(false);
  });

  it('agrees with a numeric reference on random specs and ports (range bounds inclusive)', () => {
    fc.assert(
      fc.property(specArb, portArb, (spec, port) => {
        expect(covers(spec, port)).toBe(referenceCovers(spec, port));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on ports at and next to the bounds of a range', () => {
    fc.assert(
      fc.property(portArb, portArb, fc.integer({ min: -1, max: 1 }), fc.boolean(), (a, b, delta, atLow) => {
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const port = Math.max(0, (atLow ? lo : hi) + delta);
        expect(covers(`${lo}-${hi}`, port)).toBe(referenceCovers(`${lo}-${hi}`, port));
      }),
      { numRuns: 200 },
    );
  });
});

/** "An inbound Allow from one of INTERNET_SOURCES opening one of `ports`", on both rule shapes. */
const opensDef = compiled(
  defineControl({
    name: 'zt-spk-98-opens',
    controlId: 'ZT-SPK-98',
    displayName: 't',
    description: 't',
    principle: 'least-privilege',
    unit: 'spoke-vnet',
    version: '1.0.0',
    category: 'Network',
    mode: 'All',
    resourceType: 'Microsoft.Network/networkSecurityGroups',
    parameters: { ports: param.array({ defaultValue: ['22', '3389'] }) },
    rule: ({ p }) => ({
      if: anySecurityRule((r) => allOf(isInboundAllow(r), sourceIn(r, INTERNET_SOURCES), destinationPortsCoverAny(r, p.ports))),
      then: deny(),
    }),
    remediation: 'n/a',
  }),
);

interface Rule {
  access: 'Allow' | 'Deny';
  direction: 'Inbound' | 'Outbound';
  sourceAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  destinationPortRange?: string;
  destinationPortRanges: string[];
}

function referenceOpens(rule: Rule, ports: readonly number[]): boolean {
  const fromInternet = [rule.sourceAddressPrefix, ...rule.sourceAddressPrefixes].some((s) => s !== undefined && INTERNET_SOURCES.includes(s));
  const specs = [rule.destinationPortRange ?? '', ...rule.destinationPortRanges];
  return rule.access === 'Allow' && rule.direction === 'Inbound' && fromInternet && specs.some((s) => ports.some((p) => referenceCovers(s, p)));
}

const sourceArb = fc.constantFrom('*', 'Internet', '0.0.0.0/0', '::/0', '10.0.0.0/8', 'VirtualNetwork', '192.168.1.0/24');
// A rule has either a single spec or a list (Azure accepts one of destinationPortRange / destinationPortRanges).
const ruleArb: fc.Arbitrary<Rule> = fc.record({
  access: fc.constantFrom('Allow' as const, 'Deny' as const),
  direction: fc.constantFrom('Inbound' as const, 'Outbound' as const),
  single: fc.boolean(),
  source: sourceArb,
  sources: fc.array(sourceArb, { maxLength: 3 }),
  singleSource: fc.boolean(),
  spec: specArb,
  specs: fc.array(specArb, { minLength: 1, maxLength: 3 }),
}).map((r) => ({
  access: r.access,
  direction: r.direction,
  ...(r.singleSource ? { sourceAddressPrefix: r.source } : {}),
  sourceAddressPrefixes: r.singleSource ? [] : r.sources,
  ...(r.single ? { destinationPortRange: r.spec } : {}),
  destinationPortRanges: r.single ? [] : r.specs,
}));

function decide(resource: object, ports: readonly number[]): boolean {
  const r = evaluatePolicy({ definition: opensDef, resource, parameters: { ports: ports.map(String) } });
  if (r.error) throw new Error(r.error.message);
  return r.effect === 'deny';
}

describe('anySecurityRule with sourceIn and destinationPortsCoverAny', () => {
  const ports = [22, 3389];

  it('agrees with the reference for child rules and for the same rule inline in an NSG', () => {
    fc.assert(
      fc.property(ruleArb, fc.array(portArb, { minLength: 1, maxLength: 3 }), (rule, extraPorts) => {
        const want = [...ports, ...extraPorts];
        const expected = referenceOpens(rule, want);
        const props = { ...rule, priority: 300, protocol: 'Tcp' };
        expect(decide(securityRule({ ...props, sourceAddressPrefix: rule.sourceAddressPrefix, destinationPortRange: rule.destinationPortRange }), want)).toBe(expected);
        expect(decide(networkSecurityGroup({ securityRules: [securityRuleObject('r', props)] }), want)).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('finds a matching rule anywhere in the NSG, not only the first', () => {
    const open = securityRuleObject('ssh', { access: 'Allow', direction: 'Inbound', priority: 900, sourceAddressPrefix: 'Internet', destinationPortRange: '22' });
    const safe = securityRuleObject('web', { access: 'Allow', direction: 'Inbound', priority: 100, sourceAddressPrefix: 'Internet', destinationPortRange: '443' });
    expect(decide(networkSecurityGroup({ securityRules: [safe, open] }), ports)).toBe(true);
    expect(decide(networkSecurityGroup({ securityRules: [safe] }), ports)).toBe(false);
    expect(decide(networkSecurityGroup({ securityRules: [] }), ports)).toBe(false);
  });
});

describe('destinationPortsOnly and countRules', () => {
  const onlyDef = compiled(
    defineControl({
      name: 'zt-spk-97-only',
      controlId: 'ZT-SPK-97',
      displayName: 't',
      description: 't',
      principle: 'least-privilege',
      unit: 'spoke-vnet',
      version: '1.0.0',
      category: 'Network',
      mode: 'All',
      resourceType: 'Microsoft.Network/networkSecurityGroups',
      parameters: { allowed: param.array({ defaultValue: ['443'] }) },
      // Deny when some inline inbound Allow opens anything beyond the allowed ports.
      rule: ({ p, field }) => ({
        if: allOf(field('type').equals('Microsoft.Network/networkSecurityGroups'), countRules((r) => allOf(isInboundAllow(r), not(destinationPortsOnly(r, p.allowed)))).greater(0)),
        then: deny(),
      }),
      remediation: 'n/a',
    }),
  );
  const rule = (ports: { destinationPortRange?: string; destinationPortRanges?: string[] }) =>
    networkSecurityGroup({ securityRules: [securityRuleObject('r', { access: 'Allow', direction: 'Inbound', priority: 100, sourceAddressPrefix: '*', ...ports })] });
  const denied = (doc: object) => evaluatePolicy({ definition: onlyDef, resource: doc }).effect === 'deny';

  it('accepts exactly the allowed ports, single or listed, and rejects ranges, * and others', () => {
    expect(denied(rule({ destinationPortRange: '443' }))).toBe(false);
    expect(denied(rule({ destinationPortRanges: ['443'] }))).toBe(false);
    expect(denied(rule({ destinationPortRange: '*' }))).toBe(true);
    expect(denied(rule({ destinationPortRange: '400-500' }))).toBe(true);
    expect(denied(rule({ destinationPortRanges: ['443', '80'] }))).toBe(true);
  });
});
