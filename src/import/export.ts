/**
 * `ztpolicy export --mg ID`: what a management group holds (custom definitions, initiatives, assignments and
 * exemptions at that scope) as JSON files `ztpolicy import` reads, so a team can move an estate under ztpolicy.
 * Each file is the REST shape (`{ id, name, type, properties }`), written with the one canonical JSON writer.
 * Objects carrying ztpolicy's ownership marker (metadata.ztpolicyOwner, set by publish) are listed as owned in
 * export.json: they are already managed from a repository and need no import.
 * Pure: reads through the reader it is given (the Azure gateway in the CLI), returns the files to write.
 */
import { canonicalJson, type JsonObject } from '../compiler/canonical-json.js';
import { OWNER_KEY } from '../publisher/planner.js';
import type { LivePolicyAssignment, LivePolicyDefinition } from '../publisher/types.js';

export interface LiveExemption {
  readonly id: string;
  readonly name: string;
  readonly properties: JsonObject;
}

/** What export reads (the gateway's list calls). */
export interface ExportReader {
  listDefinitions(mg: string): Promise<LivePolicyDefinition[]>;
  listSetDefinitions(mg: string): Promise<LivePolicyDefinition[]>;
  listAssignments(mg: string): Promise<LivePolicyAssignment[]>;
  listExemptions(mg: string): Promise<LiveExemption[]>;
}

export type ExportKind = 'policyDefinitions' | 'policySetDefinitions' | 'policyAssignments' | 'policyExemptions';

export interface ExportedObject {
  readonly kind: ExportKind;
  readonly name: string;
  readonly id: string;
  /** Relative path in the export folder, forward slashes. */
  readonly file: string;
  /** The ztpolicy owner (repository marker) when ztpolicy already manages the object. */
  readonly owner?: string;
}

export interface ExportResult {
  readonly managementGroup: string;
  /** Relative path -> file text. */
  readonly files: ReadonlyMap<string, string>;
  readonly objects: readonly ExportedObject[];
}

const TYPES: Record<ExportKind, string> = {
  policyDefinitions: 'Microsoft.Authorization/policyDefinitions',
  policySetDefinitions: 'Microsoft.Authorization/policySetDefinitions',
  policyAssignments: 'Microsoft.Authorization/policyAssignments',
  policyExemptions: 'Microsoft.Authorization/policyExemptions',
};

function ownerOf(properties: JsonObject): string | undefined {
  const m = properties['metadata'];
  return typeof m === 'object' && m !== null && !Array.isArray(m) && typeof m[OWNER_KEY] === 'string' ? (m[OWNER_KEY] as string) : undefined;
}

/** A file name for an object name: Azure names may hold characters a file system does not (e.g. spaces are fine, ':' is not). */
function fileName(name: string): string {
  return `${name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_')}.json`;
}

export async function exportManagementGroup(reader: ExportReader, mg: string, onProgress?: (what: string) => void): Promise<ExportResult> {
  const files = new Map<string, string>();
  const objects: ExportedObject[] = [];
  const add = (kind: ExportKind, o: { id: string; name: string; properties: JsonObject }, extra: JsonObject = {}): void => {
    const file = `${kind}/${fileName(o.name)}`;
    const owner = ownerOf(o.properties);
    files.set(file, canonicalJson({ id: o.id, name: o.name, type: TYPES[kind], ...extra, properties: o.properties }));
    objects.push({ kind, name: o.name, id: o.id, file, ...(owner !== undefined ? { owner } : {}) });
  };
  // The four lists are independent reads: issued together (the gateway's retry policy handles throttling).
  const [definitions, sets, assignments, exemptions] = await Promise.all([
    reader.listDefinitions(mg),
    reader.listSetDefinitions(mg),
    reader.listAssignments(mg),
    reader.listExemptions(mg),
  ]);
  onProgress?.(`read ${definitions.length} definition(s), ${sets.length} initiative(s), ${assignments.length} assignment(s), ${exemptions.length} exemption(s)`);
  for (const d of sortByName(definitions)) add('policyDefinitions', d);
  for (const s of sortByName(sets)) add('policySetDefinitions', s);
  for (const a of sortByName(assignments)) {
    const extra: JsonObject = {};
    if (a.location !== undefined) extra['location'] = a.location;
    // The identity's principal id belongs to the live object; an import recreates the identity.
    if (a.identity !== undefined) extra['identity'] = { type: a.identity.type };
    add('policyAssignments', a, extra);
  }
  // The exemption list of a management group also returns those of the groups above it (REST spec,
  // PolicyExemptionFilterParameter: "including those that apply ... from containing scopes"): an exemption at
  // another management group is not this one's.
  const mgPrefix = '/providers/microsoft.management/managementgroups/';
  const foreign = (id: string): boolean => id.toLowerCase().startsWith(mgPrefix) && !id.toLowerCase().startsWith(`${mgPrefix}${mg.toLowerCase()}/`);
  for (const e of sortByName(exemptions.filter((x) => !foreign(x.id)))) add('policyExemptions', e);
  const summary = {
    managementGroup: mg,
    counts: Object.fromEntries((Object.keys(TYPES) as ExportKind[]).map((k) => [k, objects.filter((o) => o.kind === k).length])),
    ownedByZtpolicy: objects.filter((o) => o.owner !== undefined).map((o) => ({ kind: o.kind, name: o.name, owner: o.owner!, file: o.file })),
    objects: objects.map((o) => ({ kind: o.kind, name: o.name, id: o.id, file: o.file, ...(o.owner !== undefined ? { ownedByZtpolicy: o.owner } : {}) })),
  };
  files.set('export.json', canonicalJson(summary));
  return { managementGroup: mg, files, objects };
}

function sortByName<T extends { name: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
}
