import { badRequest } from './arm-error.js';

/**
 * An ARM scope parsed from path segments. `key` is the lower-cased canonical id used to index state
 * (ARM ids are case-insensitive); `id` is the canonical id the emulator echoes.
 */
export type Scope =
  | { kind: 'tenant'; key: ''; id: '' }
  | { kind: 'managementGroup'; key: string; id: string; managementGroup: string }
  | { kind: 'subscription'; key: string; id: string; subscriptionId: string }
  | { kind: 'resourceGroup'; key: string; id: string; subscriptionId: string; resourceGroup: string }
  | { kind: 'resource'; key: string; id: string; subscriptionId: string; resourceGroup: string };

export const MG_PREFIX = '/providers/Microsoft.Management/managementGroups/';

export function mgScopeId(name: string): string {
  return `${MG_PREFIX}${name}`;
}

export function mgScope(name: string): Scope {
  const id = mgScopeId(name);
  return { kind: 'managementGroup', key: id.toLowerCase(), id, managementGroup: name };
}

export function subscriptionScope(subscriptionId: string): Scope {
  const id = `/subscriptions/${subscriptionId}`;
  return { kind: 'subscription', key: id.toLowerCase(), id, subscriptionId };
}

/** Parses the segments before `/providers/<namespace>/<type>` into a scope. */
export function parseScope(segments: readonly string[]): Scope {
  const lower = segments.map((s) => s.toLowerCase());
  if (segments.length === 0) return { kind: 'tenant', key: '', id: '' };
  if (
    segments.length === 4 &&
    lower[0] === 'providers' &&
    lower[1] === 'microsoft.management' &&
    lower[2] === 'managementgroups'
  ) {
    return mgScope(segments[3]!);
  }
  if (lower[0] === 'subscriptions' && segments.length >= 2) {
    const subscriptionId = segments[1]!;
    if (segments.length === 2) return subscriptionScope(subscriptionId);
    if (lower[2] === 'resourcegroups' && segments.length >= 4) {
      const resourceGroup = segments[3]!;
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}${segments.length > 4 ? '/' + segments.slice(4).join('/') : ''}`;
      return segments.length === 4
        ? { kind: 'resourceGroup', key: id.toLowerCase(), id, subscriptionId, resourceGroup }
        : { kind: 'resource', key: id.toLowerCase(), id, subscriptionId, resourceGroup };
    }
  }
  throw badRequest('InvalidScope', `The scope '/${segments.join('/')}' is not a valid ARM scope for this request.`);
}

/** Parses a full scope id string (e.g. a policyAssignment's scope or a notScope). */
export function parseScopeId(id: string): Scope {
  return parseScope(id.split('/').filter((s) => s.length > 0));
}
