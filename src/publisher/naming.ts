/**
 * Deterministic names the publisher derives: role assignment GUIDs, assignment names (<= 24 at MG scope),
 * versioned definition names for parameter changes Azure rejects in place.
 */
import { createHash } from 'node:crypto';
// Name limits and the short hash live with the other naming rules in the compiler (house style rule 1).
import { DEFINITION_NAME_MAX, shortHash } from '../compiler/naming.js';

/** Namespace for ztpolicy's name-based UUIDs (a random v4 UUID fixed once; changing it renames every role assignment). */
const ZTPOLICY_NAMESPACE = '5c6f1d2e-8b0a-4f53-9a39-0f6e2d7b4c11';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/**
 * RFC 9562 version 5 (SHA-1, name-based) UUID of `name` in `namespace`. Role assignment names must be GUIDs
 * (400 InvalidRoleAssignmentId); a name derived from (scope, principal, role) makes a re-run PUT the same
 * resource instead of hitting 409 RoleAssignmentExists with a random name.
 */
export function uuidV5(name: string, namespace: string = ZTPOLICY_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(Buffer.from(name, 'utf8')).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** ARM scope of a policy assignment: its subscription when it has one, else its management group. */
export function assignmentScope(a: { managementGroupId: string; subscriptionId?: string }): string {
  return a.subscriptionId ? `/subscriptions/${a.subscriptionId}` : `/providers/Microsoft.Management/managementGroups/${a.managementGroupId}`;
}

/** Role assignment name for (scope, principal, role): case-insensitive in every part, as ARM ids are. */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
  return uuidV5(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`);
}

/**
 * Name of version `n` (>= 2) of a definition or set whose parameters changed incompatibly:
 * `<base>-v<n>`, shortened with a hash when it would exceed 64 characters.
 */
export function versionedName(base: string, n: number): string {
  const suffix = `-v${n}`;
  if (base.length + suffix.length <= DEFINITION_NAME_MAX) return `${base}${suffix}`;
  const hash = shortHash(base, 6);
  return `${base.slice(0, DEFINITION_NAME_MAX - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}

/** Version number in a name produced by versionedName, 1 for the base name itself. */
export function versionOf(name: string, base: string): number | undefined {
  if (name.toLowerCase() === base.toLowerCase()) return 1;
  const m = /-v(\d+)$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  return versionedName(base, n).toLowerCase() === name.toLowerCase() ? n : undefined;
}

/** Remediation task name: one per (assignment, member reference) and run. */
export function remediationName(assignment: string, referenceId: string, runId: string): string {
  return `zt-${assignment}-${shortHash(referenceId, 8)}-${runId}`.slice(0, 90);
}
