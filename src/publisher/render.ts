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
      return `role ${role} for the identity of assignment '${item.assignmentName}'${item.action === 'create' ? '' : ` (${item.name})`}`;
    }
    case 'remediation':
      return `${item.name} (assignment '${item.assignmentName}', member ${item.policyDefinitionReferenceId})`;
    default:
      return item.name;
  }
}

function changeLine(c: FieldChange): string {
  return `${c.path}: ${short(c.before)} -> ${short(c.after)}`;
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return plan.hasChanges
    ? `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s['no-op']} unchanged.`
    : `No changes: ${s['no-op']} object(s) already match generated/ and the config.`;
}

export function renderText(plan: Plan): string {
  const out: string[] = [];
  out.push(`Plan for management group '${plan.target.managementGroupId}' (tenant ${plan.target.tenantId}), owner '${plan.target.owner}'`);
  for (const { kind, title } of SECTIONS) {
    const items = plan.items.filter((i) => i.kind === kind);
    if (items.length === 0) continue;
    const unchanged = items.filter((i) => i.action === 'no-op').length;
    out.push('', `${title}:`);
    for (const i of items) {
      if (i.action === 'no-op') continue;
      out.push(`  ${SYMBOL[i.action]} ${i.action} ${label(i)}${i.reason ? `  [${i.reason}]` : ''}`);
      if (i.action === 'update' || (i.action === 'create' && (kind === 'pricing' || kind === 'roleAssignment'))) {
        for (const c of i.changes) out.push(`      ${changeLine(c)}`);
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

export function renderMarkdown(plan: Plan): string {
  const out: string[] = [];
  const s = plan.summary;
  out.push(`### ztpolicy plan for \`${plan.target.managementGroupId}\``, '');
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
    for (const i of items) {
      out.push(`- **${i.action}** \`${label(i)}\`${i.reason ? ` — ${mdEscape(i.reason)}` : ''}`);
      if (i.action === 'update' || (i.action === 'create' && (kind === 'pricing' || kind === 'roleAssignment'))) {
        out.push('  ```diff');
        for (const c of i.changes) {
          if (c.before !== undefined) out.push(`  - ${c.path}: ${short(c.before, 160)}`);
          if (c.after !== undefined) out.push(`  + ${c.path}: ${short(c.after, 160)}`);
        }
        out.push('  ```');
      }
    }
    out.push('');
  }
  out.push(summaryLine(plan));
  return `${out.join('\n')}\n`;
}
