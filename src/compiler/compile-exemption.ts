/**
 * Exemption object -> generated/policyExemptions/<name>.json, with every finding at once. Pure: the initiative
 * document it exempts and the clock are passed in (the clock only decides the "expired" warning, never a byte of
 * the output, so a build stays byte-stable).
 *
 * What ARM checks and we check first (policyExemptions.json 2022-07-01-preview; Learn "Azure Policy exemption
 * structure"): exemptionCategory Waiver|Mitigated, displayName <= 128 and description <= 512 characters, the
 * name rules of every policy resource (<= 64, none of <>*%&:\?.+/), policyDefinitionReferenceIds that exist in the
 * assigned initiative, and expiresOn an ISO 8601 UTC date-time. An expiry in the past is not an ARM error (the
 * exemption just stops applying), so it is a warning: the exemption is published and shown as expired.
 */
import type { JsonObject } from './canonical-json.js';
import type { Diagnostic } from '../errors.js';
import type { Exemption, ExemptedMember } from '../dsl/exemption.js';
import { EXEMPTION_CATEGORIES } from '../dsl/exemption.js';
import type { PolicyExemptionDocument, PolicySetDefinitionDocument } from '../model.js';
import { DEFINITION_NAME_MAX } from './naming.js';

const FORBIDDEN = /[<>*%&:\\?.+/\u0000-\u001f]/;
const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** Resource group names: 1-90 of letters, digits, _ ( ) - . and not ending in a period (ARM naming rules). */
const RG = '[-\\w().]{0,89}[-\\w()]';
const MG = '[A-Za-z0-9\\-_().]{0,89}[A-Za-z0-9\\-_()]';
const SCOPES: { kind: ExemptionScopeKind; re: RegExp }[] = [
  { kind: 'managementGroup', re: new RegExp(`^/providers/Microsoft\\.Management/managementGroups/${MG}$`, 'i') },
  { kind: 'subscription', re: new RegExp(`^/subscriptions/${GUID}$`, 'i') },
  { kind: 'resourceGroup', re: new RegExp(`^/subscriptions/${GUID}/resourceGroups/${RG}$`, 'i') },
  { kind: 'resource', re: new RegExp(`^/subscriptions/${GUID}/resourceGroups/${RG}/providers/[A-Za-z][\\w.]*(/[^/]+/[^/]+)+$`, 'i') },
];

export type ExemptionScopeKind = 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

/** What kind of ARM scope `scope` is, or undefined when it is none an exemption can be created at. */
export function exemptionScopeKind(scope: string): ExemptionScopeKind | undefined {
  return SCOPES.find((s) => s.re.test(scope))?.kind;
}

export const EXEMPTION_DISPLAY_NAME_MAX = 128;
export const EXEMPTION_DESCRIPTION_MAX = 512;

/** expiresOn as ARM wants it (yyyy-MM-ddTHH:mm:ssZ); a bare date means the end of that day, UTC. */
export function normalizeExpiry(text: string): string | undefined {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(date)) return undefined;
  const ms = Date.parse(date);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls impossible days over (2027-02-30 -> March 2): refuse them.
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

export interface CompiledExemption {
  document: PolicyExemptionDocument;
  diagnostics: Diagnostic[];
}

function memberLabel(m: ExemptedMember): string {
  return typeof m === 'string' ? `'${m}'` : `${m.kind === 'control' ? 'control' : 'built-in'} '${m.name}'`;
}

/** Reference ids of the initiative members `m` stands for. */
function referenceIdsOf(m: ExemptedMember, set: PolicySetDefinitionDocument): string[] {
  const refs = set.properties.policyDefinitions;
  if (typeof m === 'string') return refs.filter((r) => r.policyDefinitionReferenceId === m).map((r) => r.policyDefinitionReferenceId);
  if (m.kind === 'control') {
    return refs.filter((r) => r.policyDefinitionId.split('/').pop() === m.name && r.policyDefinitionId.includes('/managementGroups/')).map((r) => r.policyDefinitionReferenceId);
  }
  return refs.filter((r) => r.policyDefinitionId.toLowerCase() === m.id.toLowerCase()).map((r) => r.policyDefinitionReferenceId);
}

/**
 * @param set the compiled initiative the exemption names (undefined when the project does not build it: reported
 *   by the build as ZT1107)
 * @param now the clock for the expiry warning
 */
export function compileExemption(ex: Exemption, set: PolicySetDefinitionDocument | undefined, now: Date, file?: string): CompiledExemption {
  const diagnostics: Diagnostic[] = [];
  const add = (code: string, severity: 'error' | 'warning', message: string, jsonPath: string, hint: string) =>
    diagnostics.push({ code, severity, message, jsonPath, hint, ...(file !== undefined ? { file } : {}) });
  const name = String(ex.name ?? '');
  if (name.length === 0 || name.length > DEFINITION_NAME_MAX) {
    add('ZT3001', 'error', `policy exemption name "${name}" has ${name.length} characters; Azure allows 1 to ${DEFINITION_NAME_MAX}`, '$.name', 'Shorten the exemption name.');
  }
  if (FORBIDDEN.test(name) || /[ .]$/.test(name)) {
    add('ZT3002', 'error', `policy exemption name "${name}" contains a character Azure forbids (< > * % & : \\ ? . + / or a control character) or ends with a space or period`, '$.name', 'Use kebab-case, e.g. ex-legacy-tls-app1.');
  }
  const displayName = ex.displayName ?? name;
  if (displayName.length === 0 || displayName.length > EXEMPTION_DISPLAY_NAME_MAX) {
    add('ZT3004', 'error', `exemption displayName has ${displayName.length} characters; Azure allows 1 to ${EXEMPTION_DISPLAY_NAME_MAX}`, '$.properties.displayName', 'Shorten it; put detail in the description.');
  }
  const description = String(ex.description ?? '');
  if (description.trim().length === 0 || description.length > EXEMPTION_DESCRIPTION_MAX) {
    add('ZT3005', 'error', `exemption description has ${description.length} characters; give the reason in 1 to ${EXEMPTION_DESCRIPTION_MAX}`, '$.properties.description', 'Say why the resource is exempt (what mitigates the risk), in at most 512 characters.');
  }
  if (!EXEMPTION_CATEGORIES.includes(ex.category)) {
    add('ZT1106', 'error', `exemption category "${String(ex.category)}" is not one Azure accepts`, '$.properties.exemptionCategory', "Use 'Waiver' (accepted risk) or 'Mitigated' (the intent is met another way).");
  }
  if (typeof ex.ticket !== 'string' || ex.ticket.trim().length === 0) {
    add('ZT1106', 'error', 'exemption has no ticket reference', '$.properties.metadata.ticket', 'Name the change or risk ticket that approved the exemption (ticket: "CHG-1234").');
  }
  const scope = String(ex.scope ?? '');
  if (exemptionScopeKind(scope) === undefined) {
    add(
      'ZT1102',
      'error',
      `exemption scope "${scope}" is not a management group, subscription, resource group or resource id`,
      '$.scope',
      'Use /providers/Microsoft.Management/managementGroups/<id>, /subscriptions/<guid>, /subscriptions/<guid>/resourceGroups/<name> or a full resource id.',
    );
  }
  let expiresOn: string | undefined;
  if (ex.expiresOn !== undefined) {
    expiresOn = normalizeExpiry(String(ex.expiresOn));
    if (expiresOn === undefined) {
      add('ZT1105', 'error', `expiresOn "${String(ex.expiresOn)}" is not an ISO 8601 date or UTC date-time`, '$.properties.expiresOn', "Write '2027-03-31' (end of that day, UTC) or '2027-03-31T12:00:00Z'.");
    } else if (Date.parse(expiresOn) <= now.getTime()) {
      add('ZT1104', 'warning', `exemption "${name}" expired on ${expiresOn}; Azure no longer applies it`, '$.properties.expiresOn', 'Renew it with a new expiry and ticket, or delete the file once the resource complies.');
    }
  }
  const refIds: string[] = [];
  ex.members.forEach((m, i) => {
    if (!set) return;
    const ids = referenceIdsOf(m, set);
    if (ids.length === 0) {
      add('ZT1103', 'error', `${memberLabel(m)} is not a member of initiative "${set.name}"`, `$.members[${i}]`, `Exempt one of its members: ${set.properties.policyDefinitions.map((r) => r.policyDefinitionReferenceId).join(', ')}.`);
    }
    for (const id of ids) if (!refIds.includes(id)) refIds.push(id);
  });
  const metadata: JsonObject = { ticket: String(ex.ticket ?? '') };
  if (file !== undefined) metadata.ztpolicy = { source: file };
  const properties: PolicyExemptionDocument['properties'] = {
    exemptionCategory: ex.category,
    displayName,
    description,
    metadata,
  };
  if (expiresOn !== undefined) properties.expiresOn = expiresOn;
  if (refIds.length > 0) properties.policyDefinitionReferenceIds = refIds;
  const document: PolicyExemptionDocument = {
    name,
    scope,
    initiative: ex.initiative?.name ?? '',
    properties,
  };
  if (ex.assignment !== undefined) document.assignment = ex.assignment;
  if (ex.environments !== undefined) document.environments = [...ex.environments];
  return { document, diagnostics };
}

/** generated/ path of an exemption. */
export function exemptionOutputPath(name: string): string {
  return `policyExemptions/${name}.json`;
}
