/**
 * Which exemption covers a finding of `ztpolicy evaluate`: Azure skips an exempted resource for the exempted
 * assignment and members ("Azure Policy exemption structure": exemptions apply at their scope and below, to the
 * listed policyDefinitionReferenceIds or to every member when none is listed, until expiresOn). Pure.
 *
 * Offline there is no management group hierarchy, so an exemption at a management group scope cannot be matched
 * to a resource id; only subscription, resource group and resource scopes are.
 */
import type { PolicyExemptionDocument } from '../model.js';

/** True when `resourceId` is `scope` or lies below it (ARM ids compare case-insensitively, by whole segments). */
export function isAtOrBelowScope(resourceId: string, scope: string): boolean {
  const r = resourceId.toLowerCase().replace(/\/+$/, '');
  const s = scope.toLowerCase().replace(/\/+$/, '');
  return s.startsWith('/subscriptions/') && (r === s || r.startsWith(`${s}/`));
}

/** The first exemption that covers (initiative, member reference id, resource) at `now`, if any. */
export function exemptionFor(
  exemptions: readonly PolicyExemptionDocument[],
  initiative: string,
  referenceId: string | null,
  resourceId: string,
  now: Date,
): PolicyExemptionDocument | undefined {
  return exemptions.find((e) => {
    if (e.initiative !== initiative) return false;
    const refs = e.properties.policyDefinitionReferenceIds;
    if (refs !== undefined && refs.length > 0 && (referenceId === null || !refs.includes(referenceId))) return false;
    if (e.properties.expiresOn !== undefined && Date.parse(e.properties.expiresOn) <= now.getTime()) return false;
    return isAtOrBelowScope(resourceId, e.scope);
  });
}

/** How a finding names the exemption that covers it (the evaluate report's `exemption`). */
export interface ExemptionRef {
  name: string;
  category: string;
  expiresOn?: string;
}

/** The exemption covering (initiative, member, resource) at `now`, as a finding records it; undefined when none does. */
export function coveringExemption(
  exemptions: readonly PolicyExemptionDocument[],
  initiative: string,
  referenceId: string | null,
  resourceId: string,
  now: Date,
): ExemptionRef | undefined {
  const e = exemptionFor(exemptions, initiative, referenceId, resourceId, now);
  if (!e) return undefined;
  return { name: e.name, category: e.properties.exemptionCategory, ...(e.properties.expiresOn ? { expiresOn: e.properties.expiresOn } : {}) };
}

/** The text report's note on an exempted finding: what it would have met and which exemption spares it. */
export function exemptionNote(effect: string, e: ExemptionRef): string {
  return `  [would ${effect}; exemption ${e.name} (${e.category}${e.expiresOn ? `, until ${e.expiresOn}` : ''})]`;
}
