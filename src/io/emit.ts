/**
 * Renders the generated/ tree in memory: one canonical JSON file per definition and initiative, the manifest
 * (sha256 of each file) and a reviewer summary per initiative. Pure (values in, file map out): no clock, no
 * machine paths, sorted everywhere, so the same sources give the same bytes.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from '../compiler/canonical-json.js';
import { MANAGEMENT_GROUP_PLACEHOLDER, type Manifest, type PolicyDefinitionDocument, type PolicyExemptionDocument, type PolicySetDefinitionDocument, type Unit } from '../model.js';
import { customMemberName } from '../validate/initiative.js';
import type { CoverageReport, CoverageRow } from '../validate/coverage.js';
import { PRINCIPLE_DISPLAY, UNIT_DISPLAY } from '../compiler/compile-initiative.js';
import { UNITS } from '../model.js';
import type { BuiltinInfo } from '../validate/initiative.js';

export interface EmittedDefinition {
  document: PolicyDefinitionDocument;
  unit: Unit;
  controlId: string;
  /** Path under generated/, e.g. policyDefinitions/storage/zt-stg-02-minimum-tls.json */
  file: string;
}

export interface EmittedInitiative {
  document: PolicySetDefinitionDocument;
  file: string;
  /** Built-in members by lower-case id (display name, deprecation, roles). */
  builtins: ReadonlyMap<string, BuiltinSummaryInfo>;
  /** Assignment name at management-group scope (compiler naming). */
  assignmentName: string;
  /** Reviewer notes of the initiative and the initiatives it includes (shown in the summary). */
  notes?: readonly string[];
}

export interface BuiltinSummaryInfo extends BuiltinInfo {
  effects: readonly string[];
  roleDefinitionIds: readonly string[];
  /** metadata.version of the vendored definition: the version the member was tested with. */
  version?: string;
  /** The vendored definition's parameters with their defaults: what is in force when the initiative passes nothing. */
  definitionParameters?: Readonly<Record<string, { defaultValue?: JsonValue }>>;
  /** The definition's then.effect ("[parameters('effect')]", or a fixed effect). */
  effectExpression?: string;
}

export interface EmittedExemption {
  document: PolicyExemptionDocument;
  /** Path under generated/, e.g. policyExemptions/ex-legacy-tls.json */
  file: string;
}

export const MANIFEST_FILE = 'manifest.json';
/** Reviewer view of the whole posture: every catalog id with its status (house layout: generated/summaries/). */
export const COVERAGE_FILE = 'summaries/coverage.md';

const byName = <T extends { document: { name: string } }>(a: T, b: T) => (a.document.name < b.document.name ? -1 : a.document.name > b.document.name ? 1 : 0);

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Role definition ids (full ARM ids) declared by deployIfNotExists/modify details, sorted and unique. */
export function roleDefinitionIds(doc: PolicyDefinitionDocument): string[] {
  const then = doc.properties.policyRule.then as Obj;
  const details = then['details'];
  const ids = isObj(details) && Array.isArray(details['roleDefinitionIds']) ? details['roleDefinitionIds'].filter((x): x is string => typeof x === 'string') : [];
  return [...new Set(ids)].sort();
}

/** The whole generated/ tree: path (relative to generated/, forward slashes) -> content. Sorted by path. */
export function renderGenerated(
  definitions: readonly EmittedDefinition[],
  initiatives: readonly EmittedInitiative[],
  coverage?: CoverageReport,
  exemptions: readonly EmittedExemption[] = [],
): Map<string, string> {
  const files = new Map<string, string>();
  const manifest: Manifest = { schemaVersion: 1, definitions: [], initiatives: [] };
  const defs = [...definitions].sort(byName);
  for (const d of defs) {
    const text = canonicalJson(d.document);
    files.set(d.file, text);
    manifest.definitions.push({
      name: d.document.name,
      unit: d.unit,
      controlId: d.controlId,
      file: d.file,
      sha256: sha256(text),
      roleDefinitionIds: roleDefinitionIds(d.document),
    });
  }
  const byDefName = new Map(defs.map((d) => [d.document.name, d]));
  for (const i of [...initiatives].sort(byName)) {
    const text = canonicalJson(i.document);
    files.set(i.file, text);
    const custom: string[] = [];
    const builtin: string[] = [];
    for (const m of i.document.properties.policyDefinitions) {
      const n = customMemberName(m.policyDefinitionId);
      if (n !== undefined) custom.push(n);
      else builtin.push(m.policyDefinitionId);
    }
    manifest.initiatives.push({
      name: i.document.name,
      file: i.file,
      sha256: sha256(text),
      customMembers: [...new Set(custom)].sort(),
      builtinMembers: [...new Set(builtin)].sort(),
      builtinDetails: [...new Set(builtin)].sort().map((id) => {
        const b = i.builtins.get(id.toLowerCase());
        return { id, testedVersion: b?.version ?? '', roleDefinitionIds: [...(b?.roleDefinitionIds ?? [])].sort() };
      }),
    });
    files.set(`summaries/${i.document.name}.md`, renderSummary(i, byDefName));
  }
  if (exemptions.length > 0) {
    manifest.exemptions = [];
    for (const e of [...exemptions].sort(byName)) {
      const text = canonicalJson(e.document);
      files.set(e.file, text);
      manifest.exemptions.push({ name: e.document.name, file: e.file, sha256: sha256(text), initiative: e.document.initiative });
    }
  }
  files.set(MANIFEST_FILE, canonicalJson(manifest));
  if (coverage !== undefined) files.set(COVERAGE_FILE, renderCoverage(coverage));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Well-known built-in Azure RBAC roles (GUIDs are the same in every tenant; Learn "Azure built-in roles"),
 * so the summary shows a reviewer a name, not just a GUID. Unknown ids are shown as they are.
 */
const ROLE_NAMES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  '92aaf0da-9dab-42b6-94a3-d43ce8d16293': 'Log Analytics Contributor',
  '749f88d5-cbae-40b8-bcfc-e573ddc772fa': 'Monitoring Contributor',
  '4d97b98b-1d4f-4787-a291-c67834d212e7': 'Network Contributor',
  '9980e02c-c2be-4d73-94e8-173b1dc7cf3c': 'Virtual Machine Contributor',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
  'fb1c8493-542b-48eb-b624-b4c8fea62acd': 'Security Admin',
};

const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

function roleLabel(id: string): string {
  const guid = id.split('/').pop()?.toLowerCase() ?? id;
  const name = ROLE_NAMES[guid];
  return name ? `${name} (\`${guid}\`)` : `\`${id}\``;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

interface DefinitionView {
  readonly parameters: Readonly<Record<string, { defaultValue?: unknown }>>;
  /** then.effect as the definition writes it. */
  readonly effect: string;
}

const PARAM_REF = /^\[parameters\('([^']+)'\)\]$/i;
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const findCi = <T>(o: Readonly<Record<string, T>> | undefined, name: string): [string, T] | undefined =>
  Object.entries(o ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());

/**
 * The value in force for one member parameter and where it comes from: passed as a literal (fixed by the
 * initiative), passed from an initiative parameter (its default, or set at assignment), or not passed (the
 * definition's own default).
 */
function inForce(view: DefinitionView, name: string, passed: Obj | undefined, initiativeParams: PolicySetDefinitionDocument['properties']['parameters']): string {
  const given = findCi(passed, name)?.[1];
  const value = isObj(given) ? given['value'] : undefined;
  if (value !== undefined) {
    const ref = typeof value === 'string' ? PARAM_REF.exec(value) : null;
    if (!ref) return `${shown(value)} (set by the initiative)`;
    const decl = findCi(initiativeParams, ref[1]!)?.[1];
    return decl?.defaultValue === undefined ? `initiative parameter ${ref[1]} (required at assignment)` : `${shown(decl.defaultValue)} (initiative parameter ${ref[1]})`;
  }
  const own = findCi(view.parameters, name)?.[1];
  return own?.defaultValue === undefined ? '(no value: required)' : `${shown(own.defaultValue)} (definition default)`;
}

/** Effect column: what the member does as assigned with defaults; a definition without effect parameter is fixed. */
function effectInForce(view: DefinitionView, passed: Obj | undefined, initiativeParams: PolicySetDefinitionDocument['properties']['parameters']): string {
  const ref = PARAM_REF.exec(view.effect);
  if (!ref) return `${view.effect} (fixed: the definition has no effect parameter)`;
  return inForce(view, ref[1]!, passed, initiativeParams);
}

/** Every other parameter of the member with the value in force (definition defaults included). */
function parametersInForce(view: DefinitionView, passed: Obj | undefined, initiativeParams: PolicySetDefinitionDocument['properties']['parameters']): string {
  const effectParam = PARAM_REF.exec(view.effect)?.[1]?.toLowerCase();
  const names = new Set([...Object.keys(view.parameters), ...Object.keys(passed ?? {})]);
  return [...names]
    .filter((n) => n.toLowerCase() !== effectParam)
    .sort()
    .map((n) => `${n} = ${inForce(view, n, passed, initiativeParams)}`)
    .join('; ');
}

function renderSummary(i: EmittedInitiative, defs: ReadonlyMap<string, EmittedDefinition>): string {
  const p = i.document.properties;
  const lines: string[] = [];
  lines.push(`# ${i.document.name}: ${p.displayName}`, '');
  lines.push('<!-- Generated by `ztpolicy build` from initiatives/; do not edit. -->', '');
  lines.push(cell(p.description), '');
  const version = p.version ?? (typeof p.metadata['version'] === 'string' ? p.metadata['version'] : undefined);
  lines.push(`- Version: ${version ?? 'unversioned'}`);
  lines.push(`- Members: ${p.policyDefinitions.length}`);
  lines.push(`- Assignment name at management-group scope: \`${i.assignmentName}\``);
  if (p.policyDefinitions.some((m) => customMemberName(m.policyDefinitionId) !== undefined)) {
    lines.push(
      `- Custom members are referenced as \`/providers/Microsoft.Management/managementGroups/${MANAGEMENT_GROUP_PLACEHOLDER}/providers/Microsoft.Authorization/policyDefinitions/<name>\`: ` +
        `the publisher fills in \`${MANAGEMENT_GROUP_PLACEHOLDER}\` with the target management group when it publishes.`,
    );
  }
  lines.push('');

  lines.push('## Members', '');
  lines.push(
    'Effect and parameters are the values in force when the initiative is assigned with its defaults: passed by the initiative, taken from an initiative parameter, or the definition\'s own default.',
    '',
  );
  lines.push('| Reference id | Policy | Kind | Effect | Groups | Parameters in force |', '|---|---|---|---|---|---|');
  const roles = new Map<string, Set<string>>();
  for (const m of p.policyDefinitions) {
    const custom = customMemberName(m.policyDefinitionId);
    const passed = m.parameters as Obj | undefined;
    let policy: string;
    let kind: string;
    let view: DefinitionView | undefined;
    let memberRoles: readonly string[] = [];
    if (custom !== undefined) {
      const d = defs.get(custom);
      policy = d ? `${custom}: ${d.document.properties.displayName}` : custom;
      kind = d ? `custom (${d.unit})` : 'custom';
      if (d) view = { parameters: d.document.properties.parameters ?? {}, effect: String((d.document.properties.policyRule.then as Obj)['effect']) };
      memberRoles = d ? roleDefinitionIds(d.document) : [];
    } else {
      const b = i.builtins.get(m.policyDefinitionId.toLowerCase());
      policy = b ? `${b.displayName} (\`${m.policyDefinitionId.split('/').pop()}\`)` : `\`${m.policyDefinitionId}\``;
      kind = `built-in${b?.version ? ` ${b.version} tested` : ''}${m.definitionVersion ? `, pinned ${m.definitionVersion}` : ''}${b?.deprecated ? ', DEPRECATED' : ''}`;
      if (b?.definitionParameters && b.effectExpression) view = { parameters: b.definitionParameters, effect: b.effectExpression };
      memberRoles = b?.roleDefinitionIds ?? [];
    }
    for (const r of memberRoles) {
      // Built-ins spell the provider in either case; one role is one GUID.
      const guid = r.split('/').pop()?.toLowerCase() ?? r;
      const set = roles.get(guid) ?? new Set<string>();
      set.add(m.policyDefinitionReferenceId);
      roles.set(guid, set);
    }
    const effect = view ? effectInForce(view, passed, p.parameters) : '?';
    const params = view ? parametersInForce(view, passed, p.parameters) : '';
    lines.push(`| ${cell(m.policyDefinitionReferenceId)} | ${cell(policy)} | ${kind} | ${cell(effect)} | ${(m.groupNames ?? []).join(', ')} | ${cell(params)} |`);
  }
  lines.push('');

  lines.push('## Parameters', '');
  const params = Object.entries(p.parameters ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (params.length === 0) lines.push('None.', '');
  else {
    lines.push('| Name | Type | Default | Allowed values |', '|---|---|---|---|');
    for (const [n, d] of params) {
      lines.push(`| ${n} | ${d.type} | ${d.defaultValue === undefined ? '(required)' : cell(JSON.stringify(d.defaultValue))} | ${d.allowedValues ? cell(d.allowedValues.map((v) => JSON.stringify(v)).join(', ')) : ''} |`);
    }
    lines.push('');
  }

  lines.push('## Groups', '');
  const groups = p.policyDefinitionGroups ?? [];
  if (groups.length === 0) lines.push('None.', '');
  else {
    for (const g of groups) {
      const count = p.policyDefinitions.filter((m) => m.groupNames?.includes(g.name)).length;
      lines.push(`- \`${g.name}\`${g.displayName ? `: ${g.displayName}` : ''} (${count} member${count === 1 ? '' : 's'})`);
    }
    lines.push('');
  }

  lines.push('## Roles the assignment identity will get', '');
  if (roles.size === 0) {
    lines.push('None: no member deploys or modifies resources, so the assignment needs no managed identity.', '');
  } else {
    lines.push('The publisher grants these roles to the assignment\'s managed identity at the assignment scope (needed by deployIfNotExists/modify remediation):', '');
    for (const [r, refs] of [...roles].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`- ${roleLabel(r)}, for ${[...refs].sort().join(', ')}`);
    lines.push('');
    if (roles.has(OWNER_ROLE)) {
      lines.push(
        '**Owner**: the members above declare Owner in their roleDefinitionIds, so the assignment identity gets Owner at the assignment scope (the root management group when assigned there). See the notes below for why, and how to avoid it.',
        '',
      );
    }
  }
  if ((i.notes ?? []).length > 0) {
    lines.push('## Notes for reviewers', '');
    for (const n of i.notes ?? []) lines.push(`- ${cell(n)}`);
    lines.push('');
  }
  return lines.join('\n');
}

const STATUS_LABEL: Record<CoverageRow['status'], string> = {
  custom: 'custom',
  'built-in': 'built-in',
  both: 'both',
  'not-policy': 'not policy',
  missing: '**MISSING**',
};

/** generated/summaries/coverage.md: per unit, every catalog id with its status, the implementing files, and the non-policy items. */
export function renderCoverage(report: CoverageReport): string {
  const { catalog, rows } = report;
  const lines: string[] = [];
  lines.push(`# Coverage: ${catalog.name}`, '');
  lines.push('<!-- Generated by `ztpolicy build` from the control catalog and initiatives/; do not edit. -->', '');
  lines.push(
    `Every id of the catalog (${cell(catalog.source)}) with its status in \`${report.initiative}\`, derived from the members the umbrella really contains: ` +
      '**custom** (a custom control of this repository), **built-in** (an Azure built-in member declared for the id), **both**, ' +
      '**not policy** (with why and what to do instead), or **MISSING** (not implemented yet; `ztpolicy build` warns with their list). ' +
      'An id without any of these fails the build (ZT1019).',
    '',
  );
  const count = (rs: readonly CoverageRow[], s: CoverageRow['status']) => rs.filter((r) => r.status === s).length;
  lines.push('| Unit | Ids | Custom | Built-in | Both | Not policy | Missing |', '|---|---:|---:|---:|---:|---:|---:|');
  const units = UNITS.filter((u) => rows.some((r) => r.control.unit === u));
  for (const u of units) {
    const rs = rows.filter((r) => r.control.unit === u);
    lines.push(`| ${UNIT_DISPLAY[u]} | ${rs.length} | ${count(rs, 'custom')} | ${count(rs, 'built-in')} | ${count(rs, 'both')} | ${count(rs, 'not-policy')} | ${count(rs, 'missing')} |`);
  }
  lines.push(`| **Total** | ${rows.length} | ${count(rows, 'custom')} | ${count(rows, 'built-in')} | ${count(rows, 'both')} | ${count(rows, 'not-policy')} | ${count(rows, 'missing')} |`, '');
  for (const u of units) {
    lines.push(`## ${UNIT_DISPLAY[u]}`, '');
    lines.push('| Id | Title | Principles | Status | Implemented by | Catalog: implementation, effect |', '|---|---|---|---|---|---|');
    for (const r of rows.filter((x) => x.control.unit === u)) {
      const c = r.control;
      let by: string;
      if (r.implementations.length > 0) by = r.implementations.map((i) => `${i.kind} ${cell(i.label)} (\`${i.file}\`)`).join('<br>');
      else if (c.status?.kind === 'not-policy') by = `${cell(c.status.why)} Instead: ${cell(c.status.instead)} Where: ${cell(c.status.where)}`;
      else if (c.status?.kind === 'pending') by = `not implemented: ${cell(c.status.why)}`;
      else by = 'no status (build error ZT1019)';
      lines.push(`| ${c.id} | ${cell(c.title)} | ${c.principles.map((p) => PRINCIPLE_DISPLAY[p]).join(', ')} | ${STATUS_LABEL[r.status]} | ${by} | ${cell(c.implementation)}; ${cell(c.proposedEffect)} |`);
    }
    lines.push('');
  }
  lines.push('## Not Azure Policy: what to do instead', '');
  lines.push('Recommendations of the source articles that Azure Policy cannot enforce. They are documented here, not generated as policies.', '');
  for (const n of catalog.notPolicy) {
    lines.push(`### ${n.title}`, '');
    lines.push(`- From: ${n.source}`);
    lines.push(`- Why not policy: ${n.why}`);
    lines.push(`- Instead: ${n.instead}`);
    lines.push(`- Where in Azure: ${n.where}`, '');
  }
  return lines.join('\n');
}
