/**
 * Naming rules (house style rule 1): definition/set names <= 64 characters with no character ARM forbids,
 * assignment names at management-group scope <= 24 characters (ARM template reference, "Character limit"),
 * derived deterministically and readably.
 */
import { describe, expect, it } from 'vitest';
import {
  assignmentName,
  builtinReferenceId,
  checkPolicyName,
  definitionOutputPath,
  initiativeOutputPath,
} from '../../src/compiler/index.js';

describe('assignmentName', () => {
  it('keeps a short initiative name as it is', () => {
    expect(assignmentName('zt-storage')).toBe('zt-storage');
    expect(assignmentName('zt-zero-trust')).toBe('zt-zero-trust');
  });

  it('is exactly 24 characters at most, readable and deterministic for long names', () => {
    const long = 'zt-landing-zone-corp-connectivity-guardrails';
    const a = assignmentName(long);
    expect(a.length).toBeLessThanOrEqual(24);
    expect(a.startsWith('zt-landing-zone')).toBe(true);
    expect(a).toMatch(/-[0-9a-f]{6}$/);
    expect(assignmentName(long)).toBe(a);
  });

  it('two long names with the same prefix get different assignment names', () => {
    const a = assignmentName('zt-landing-zone-corp-connectivity-a');
    const b = assignmentName('zt-landing-zone-corp-connectivity-b');
    expect(a).not.toBe(b);
  });

  it('a 24-character name still fits, a 25-character one is shortened', () => {
    expect(assignmentName('a'.repeat(24))).toBe('a'.repeat(24));
    expect(assignmentName('a'.repeat(25)).length).toBeLessThanOrEqual(24);
  });

  it('never emits a character ARM forbids in assignment names', () => {
    expect(assignmentName('ZT Storage/Prod.v2')).toMatch(/^[a-z0-9-]{1,24}$/);
  });
});

describe('checkPolicyName', () => {
  it('accepts kebab-case up to 64 characters', () => {
    expect(checkPolicyName('z'.repeat(64), 'definition')).toEqual([]);
    expect(checkPolicyName('zt-stg-02-minimum-tls', 'definition')).toEqual([]);
  });
  it('rejects 65 characters (ZT3001)', () => {
    expect(checkPolicyName('z'.repeat(65), 'definition').map((d) => d.code)).toEqual(['ZT3001']);
  });
  it.each(['a<b', 'a>b', 'a*b', 'a%b', 'a&b', 'a:b', 'a\\b', 'a?b', 'a.b', 'a+b', 'a/b', 'ab.', 'ab '])('rejects %j (ZT3002)', (n) => {
    expect(checkPolicyName(n, 'definition').map((d) => d.code)).toEqual(['ZT3002']);
  });
});

describe('reference ids and paths', () => {
  it('built-in reference ids are readable, carry the GUID prefix and fit 64 characters', () => {
    const id = builtinReferenceId(
      '[Preview]: Configure Azure Defender for Resource Manager to be enabled with a very long display name that goes on',
      'b7021b2b-08fd-4dc0-9de7-3c6ece09faf9',
    );
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(/^configure-azure-defender-for-resource-manager.*-b7021b2b$/);
  });
  it('built-in reference ids lead with the control id they implement and still fit 64 characters', () => {
    const id = builtinReferenceId(
      'Configure Azure Defender for Resource Manager to be enabled with a very long display name that goes on',
      'b7021b2b-08fd-4dc0-9de7-3c6ece09faf9',
      'ZT-MDC-05',
    );
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(/^zt-mdc-05-configure-azure-defender-for-[a-z-]*-b7021b2b$/);
  });
  it('generated/ paths', () => {
    expect(definitionOutputPath('storage', 'zt-stg-02-minimum-tls')).toBe('policyDefinitions/storage/zt-stg-02-minimum-tls.json');
    expect(initiativeOutputPath('zt-storage')).toBe('policySetDefinitions/zt-storage.json');
  });
});
