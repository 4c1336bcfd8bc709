import { describe, expect, it } from 'vitest';
import { roleAssignmentName, uuidV5, versionedName, versionOf } from '../../src/publisher/naming.js';

describe('deterministic names', () => {
  it('uuidV5 matches the RFC 9562 name-based SHA-1 algorithm (DNS namespace test vector)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com')
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('role assignment names are GUIDs, stable, case-insensitive and distinct per role and principal', () => {
    const scope = '/providers/Microsoft.Management/managementGroups/root';
    const p = '0d1f3c2a-1111-4222-8333-444455556666';
    const a = roleAssignmentName(scope, p, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentName(scope.toUpperCase(), p.toUpperCase(), '8E3AF657-A8FF-443C-A75C-2FE8C4BCB635')).toBe(a);
    expect(roleAssignmentName(scope, p, 'fb1c8493-542b-48eb-b624-b4c8fea62acd')).not.toBe(a);
    expect(roleAssignmentName(scope, '0d1f3c2a-1111-4222-8333-444455556667', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')).not.toBe(a);
  });

  it('versioned names stay within ARM’s 64-character limit and round-trip', () => {
    expect(versionedName('zt-stg-02-minimum-tls', 2)).toBe('zt-stg-02-minimum-tls-v2');
    const long = `zt-${'x'.repeat(61)}`;
    const v = versionedName(long, 12);
    expect(v.length).toBeLessThanOrEqual(64);
    expect(versionOf(v, long)).toBe(12);
    expect(versionOf(long, long)).toBe(1);
    expect(versionOf('zt-other-v2', long)).toBeUndefined();
  });
});
