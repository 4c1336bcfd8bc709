/**
 * Renders a plan for people (text for the terminal, Markdown for a pull-request comment) and machines (JSON).
 */
import { canonicalJson } from '../compiler/canonical-json.js';
import type { FieldChange } from './normalize.js';
import type { ObjectKind, Plan, PlanItem } from './planner.js';

const SECTIONS: { kind: ObjectKind; title: string }[] = [
  { kind: 'policyDefinition', title: 'Policy definitions' },
  { kind: 'policySetDefinition', title: 'Policy set definitions (initiatives)' },
  { kind: 'policyAssignment', title: 'Policy assignments' },
  { kind: 'policyExemption', title: 'Policy exemptions' },
  { kind: 'roleAssignment', title: 'Role assignments (managed identities)' },
  { kind: 'pricing', title: 'Defender for Cloud plans' },
  { kind: 'remediation', title: 'Remediation tasks' },
];

const SYMBOL = { create: '+', update: '~', delete: '-', 'no-op': '=' } as const;

function short(value: unknown, max = 100): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function label(item: PlanItem): string {
  switch (item.kind) {
    case 'pricing':
      return `${item.name} on subscription ${item.subscriptionId}`;
    case 'roleAssignment': {
      const role = item.roleDefinitionId.split('/').pop();
      // Which members need the role: a reviewer can tell a grant is justified (least privilege, issue 11.1).
      const needed = item.members.length > 0 ? `, needed by member(s) ${item.members.join(', ')}` : '';
      // A grant outside the management groups (an assignPermissions scope, e.g. a workspace) says where.
      const where = /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(item.scope) ? '' : ` at ${item.scope}`;
      return `role ${role} for the identity of assignment '${item.assignmentName}'${where}${needed}${item.action === 'create' ? '' : ` (${item.name})`}`;
    }
    case 'policyExemption':
      return `${item.name} at ${item.scope}${item.expired ? ` (EXPIRED ${item.expired})` : ''}`;
    case 'remediation':
      return `${item.name} (assignment '${item.assignmentName}', member ${item.policyDefinitionReferenceId})`;
    default:
      return item.name;
  }
}

const MEMBER_KEY = 'policyDefinitionReferenceId';

type Member = Record<string, unknown>;

function members(v: unknown): Map<string, Member> | undefined {
  if (v === undefined) return new Map();
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'object' && x !== null && typeof (x as Member)[MEMBER_KEY] === 'string')) return undefined;
  return new Map(v.map((x) => [(x as Member)[MEMBER_KEY] as string, x as Member]));
}

const same = (a: unknown, b: unknown) => a === b || (a !== undefined && b !== undefined && canonicalJson(a as never) === canonicalJson(b as never));

/**
 * An initiative's member list changes as a whole array in the normalized diff; printed as one before -> after line
 * it is unreadable (both sides truncate to the same first member). Per member, by policyDefinitionReferenceId, a
 * reviewer sees which control was added, removed or re-parameterized.
 */
function memberLines(c: FieldChange): { path: string; before?: unknown; after?: unknown; note?: string }[] | undefined {
  const before = members(c.before);
  const after = members(c.after);
  if (!before || !after || (c.before === undefined && c.after === undefined)) return undefined;
  const out: { path: string; before?: unknown; after?: unknown; note?: string }[] = [];
  for (const [id, b] of before) {
    const a = after.get(id);
    const at = `${c.path}['${id}']`;
    if (!a) {
      out.push({ path: at, note: 'member removed' });
      continue;
    }
    for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
      if (!same(b[k], a[k])) out.push({ path: `${at}.${k}`, before: b[k], after: a[k] });
    }
  }
  for (const [id, a] of after) if (!before.has(id)) out.push({ path: `${c.path}['${id}']`, note: `member added: ${short(a.policyDefinitionId)}` });
  if (out.length === 0) out.push({ path: c.path, note: 'members reordered' });
  return out;
}

function changeLines(c: FieldChange): string[] {
  const m = memberLines(c);
  if (!m) return [`${c.path}: ${short(c.before)} -> ${short(c.after)}`];
  return m.map((x) => (x.note !== undefined ? `${x.path}: ${x.note}` : `${x.path}: ${short(x.before)} -> ${short(x.after)}`));
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return plan.hasChanges
    ? `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s['no-op']} unchanged.`
    : `No changes: ${s['no-op']} object(s) already match generated/ and the config.`;
}

/** The target as the header names it: with the `root` alias, both names ("'root' = Tenant Root Group '<id>'"). */
export function targetName(t: Pick<Plan['target'], 'managementGroupId' | 'requestedAs' | 'tenantRoot'>): string {
  if (t.requestedAs === undefined) return `'${t.managementGroupId}'`;
  return t.tenantRoot ? `'${t.requestedAs}' = Tenant Root Group '${t.managementGroupId}'` : `'${t.managementGroupId}' (a group named ${t.requestedAs}, not the Tenant Root Group: see ZT8107)`;
}

/** Where the Defender pricing state came from (the plan says which read was used, issue 8 point 5). */
export function pricingSourceLine(plan: Plan): string | undefined {
  const s = plan.pricingSource;
  if (!s) return undefined;
  const n = (k: number) => `${k} subscription${k === 1 ? '' : 's'}`;
  if (s.method === 'direct') {
    return `state read per subscription, ${n(s.direct)}${s.fallbackReason ? ` (Azure Resource Graph unavailable: ${s.fallbackReason})` : ''}`;
  }
  const extra = [
    ...(s.direct > 0 ? [`${s.direct} not indexed yet, read directly`] : []),
    ...(s.confirmed > 0 ? [`${s.confirmed} with differences re-read directly`] : []),
  ];
  return `state read from Azure Resource Graph, ${n(s.resourceGraph)}${extra.length ? `; ${extra.join('; ')}` : ''}`;
}

interface PricingGroup {
  action: PlanItem['action'];
  name: string;
  lines: string[];
  changes: FieldChange[];
  subscriptions: string[];
}

/**
 * Pricing changes grouped by plan and change (sub-plan, extensions...) with the number of subscriptions: a tenant of
 * 1,000 subscriptions reads as a few lines, not 9,000. `--verbose` and `--json` list every subscription.
 */
function pricingGroups(items: PlanItem[]): PricingGroup[] {
  const groups = new Map<string, PricingGroup>();
  for (const i of items) {
    if (i.kind !== 'pricing' || i.action === 'no-op') continue;
    const lines = i.changes.flatMap(changeLines);
    const key = JSON.stringify([i.action, i.name, lines]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { action: i.action, name: i.name, lines, changes: i.changes, subscriptions: [] }));
    g.subscriptions.push(i.subscriptionId);
  }
  return [...groups.values()];
}

const subscriptionCount = (n: number) => `${n} subscription${n === 1 ? '' : 's'}`;

export interface RenderOptions {
  /** List every subscription's pricing change instead of grouping them by plan and change. */
  verbose?: boolean;
}

export function renderText(plan: Plan, options: RenderOptions = {}): string {
  const out: string[] = [];
  const env = plan.target.environment !== undefined ? `environment '${plan.target.environment}': ` : '';
  out.push(`Plan for ${env}management group ${targetName(plan.target)} (tenant ${plan.target.tenantId}), owner '${plan.target.owner}'`);
  for (const { kind, title } of SECTIONS) {
    const items = plan.items.filter((i) => i.kind === kind);
    if (items.length === 0) continue;
    const unchanged = items.filter((i) => i.action === 'no-op').length;
    out.push('', `${title}:`);
    if (kind === 'pricing') {
      const source = pricingSourceLine(plan);
      if (source) out.push(`  ${source}`);
      if (!options.verbose) {
        for (const g of pricingGroups(items)) {
          out.push(`  ${SYMBOL[g.action]} ${g.action} ${g.name} on ${subscriptionCount(g.subscriptions.length)}`);
          for (const line of g.lines) out.push(`      ${line}`);
        }
        if (unchanged > 0) out.push(`  = ${unchanged} unchanged`);
        continue;
      }
    }
    for (const i of items) {
      if (i.action === 'no-op') continue;
      out.push(`  ${SYMBOL[i.action]} ${i.action} ${label(i)}${i.reason ? `  [${i.reason}]` : ''}`);
      if (i.action === 'update' || (i.action === 'create' && (kind === 'pricing' || kind === 'roleAssignment'))) {
        for (const c of i.changes) for (const line of changeLines(c)) out.push(`      ${line}`);
      }
    }
    if (unchanged > 0) out.push(`  = ${unchanged} unchanged`);
  }
  if (plan.blockers.length > 0) {
    out.push('', 'Blocked (publish will refuse):');
    for (const b of plan.blockers) {
      out.push(`  x ${b.code} ${b.message}`);
      if (b.hint) out.push(`      how to proceed: ${b.hint}`);
    }
  }
  if (plan.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of plan.warnings) out.push(`  ! ${w.code} ${w.message}`);
  }
  out.push('', summaryLine(plan));
  return `${out.join('\n')}\n`;
}

export function renderJson(plan: Plan): string {
  return canonicalJson(plan);
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderMarkdown(plan: Plan, options: RenderOptions = {}): string {
  const out: string[] = [];
  const s = plan.summary;
  out.push(`### ztpolicy plan for ${plan.target.environment !== undefined ? `environment \`${plan.target.environment}\`, ` : ''}${targetName(plan.target).replace(/'/g, '`')}`, '');
  out.push(`Tenant \`${plan.target.tenantId}\`, owner \`${plan.target.owner}\`.`, '');
  out.push('| | create | update | delete | unchanged |', '|---|---:|---:|---:|---:|');
  for (const { kind, title } of SECTIONS) {
    const items = plan.items.filter((i) => i.kind === kind);
    if (items.length === 0) continue;
    const n = (a: PlanItem['action']) => items.filter((i) => i.action === a).length;
    out.push(`| ${title} | ${n('create')} | ${n('update')} | ${n('delete')} | ${n('no-op')} |`);
  }
  out.push(`| **Total** | **${s.create}** | **${s.update}** | **${s.delete}** | ${s['no-op']} |`, '');
  if (plan.blockers.length > 0) {
    out.push('> [!CAUTION]', '> Publish will refuse:');
    for (const b of plan.blockers) out.push(`> - **${b.code}** ${mdEscape(b.message)}${b.hint ? `. How to proceed: ${mdEscape(b.hint)}` : ''}`);
    out.push('');
  }
  if (plan.warnings.length > 0) {
    out.push('> [!WARNING]');
    for (const w of plan.warnings) out.push(`> - **${w.code}** ${mdEscape(w.message)}`);
    out.push('');
  }
  for (const { kind, title } of SECTIONS) {
    const items = plan.items.filter((i) => i.kind === kind && i.action !== 'no-op');
    if (items.length === 0) continue;
    out.push(`#### ${title}`, '');
    if (kind === 'pricing') {
      const source = pricingSourceLine(plan);
      if (source) out.push(`_Defender plan ${source}._`, '');
      if (!options.verbose) {
        for (const g of pricingGroups(items)) {
          out.push(`- **${g.action}** \`${g.name}\` on ${subscriptionCount(g.subscriptions.length)}`, ...markdownDiff(g.changes));
        }
        out.push('');
        continue;
      }
    }
    for (const i of items) {
      out.push(`- **${i.action}** \`${label(i)}\`${i.reason ? ` — ${mdEscape(i.reason)}` : ''}`);
      if (i.action === 'update' || (i.action === 'create' && (kind === 'pricing' || kind === 'roleAssignment'))) out.push(...markdownDiff(i.changes));
    }
    out.push('');
  }
  out.push(summaryLine(plan));
  return `${out.join('\n')}\n`;
}

/** A ```diff block of field changes (initiative members one by one). */
function markdownDiff(changes: FieldChange[]): string[] {
  const out: string[] = ['  ```diff'];
  for (const c of changes) {
    const m = memberLines(c);
    if (m) {
      for (const x of m) {
        if (x.note !== undefined) out.push(`  ${x.note.startsWith('member removed') ? '-' : x.note.startsWith('member added') ? '+' : ' '} ${x.path}: ${x.note}`);
        else {
          if (x.before !== undefined) out.push(`  - ${x.path}: ${short(x.before, 160)}`);
          if (x.after !== undefined) out.push(`  + ${x.path}: ${short(x.after, 160)}`);
        }
      }
      continue;
    }
    if (c.before !== undefined) out.push(`  - ${c.path}: ${short(c.before, 160)}`);
    if (c.after !== undefined) out.push(`  + ${c.path}: ${short(c.after, 160)}`);
  }
  out.push('  ```');
  return out;
}
