/**
 * `ztpolicy status`: Azure Policy's compliance results for the assignments this repo owns (issue 10), per unit (one
 * assignment of an initiative) and per control (a member of it): resources compliant, non-compliant and exempt,
 * the resources failing the most controls, and remediation tasks still running. Read-only.
 *
 * Sources (Microsoft.PolicyInsights 2024-10-01, the REST spec's policyStates.json and remediations.json):
 * - PolicyStates - Summarize For Management Group, filtered to one assignment: resource counts per compliance state,
 *   overall and per member definition (`policyDefinitions[].policyDefinitionReferenceId`);
 * - PolicyStates - List Query Results For Management Group, non-compliant records of the assignment: the offenders;
 * - Remediations - List For Management Group: tasks not yet Succeeded, Failed or Canceled.
 * An assignment Azure holds no compliance record for has not been evaluated yet (a new assignment is evaluated
 * within about 30 minutes: Learn, "Get compliance data of Azure resources", evaluation triggers): it is reported as
 * "not evaluated yet", never as zero resources.
 */
import { canonicalJson, type JsonObject } from '../compiler/canonical-json.js';
import { ownerOf } from './planner.js';
import { targetName } from './render.js';
import { readTarget, type Session } from './session.js';
import type { ComplianceCounts, RemediationState } from './types.js';

export interface Counts {
  compliant: number;
  nonCompliant: number;
  exempt: number;
  /** Any other state Azure reports (unknown, conflict, error, protected...). */
  other: number;
}

export interface ControlStatus extends Counts {
  /** The member's policyDefinitionReferenceId (the control id in ztpolicy's initiatives). */
  control: string;
  displayName?: string;
}

export interface UnitStatus {
  /** The initiative (unit) the assignment is for. */
  initiative: string;
  assignment: string;
  assignmentId: string;
  managementGroupId: string;
  /** false: Azure has no compliance result for the assignment yet (counts are then absent, not zero). */
  evaluated: boolean;
  totals?: Counts;
  controls: ControlStatus[];
  /** Resources failing the most controls, most first (at most WORST_OFFENDERS). */
  worstOffenders: { resourceId: string; controls: string[] }[];
  /** Remediation tasks of the assignment still running. */
  remediations: RemediationState[];
}

export interface StatusReport {
  target: { tenantId: string; managementGroupId: string; owner: string; requestedAs?: string; tenantRoot?: boolean };
  units: UnitStatus[];
}

export const WORST_OFFENDERS = 5;
/** Non-compliant records read per assignment to rank offenders (one page of PolicyStates query results). */
const OFFENDER_RECORDS = 1000;
const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

function counts(c: ComplianceCounts): Counts {
  const out: Counts = { compliant: 0, nonCompliant: 0, exempt: 0, other: 0 };
  for (const [state, n] of Object.entries(c)) {
    if (state === 'compliant') out.compliant += n;
    else if (state === 'noncompliant') out.nonCompliant += n;
    else if (state === 'exempt') out.exempt += n;
    else out.other += n;
  }
  return out;
}

const lastSegment = (id: string) => id.split('/').pop() ?? id;

export async function readStatus(session: Session): Promise<StatusReport> {
  const { gateway, content } = session;
  const { config, managementGroup, assignments } = await readTarget(session);
  const owned = assignments.filter((a) => ownerOf(a.properties) === config.owner).sort((a, b) => a.name.localeCompare(b.name));
  const remediationsByGroup = new Map<string, Promise<RemediationState[]>>();
  const remediationsAt = (mg: string) => {
    let p = remediationsByGroup.get(mg.toLowerCase());
    if (!p) remediationsByGroup.set(mg.toLowerCase(), (p = gateway.listRemediations(mg)));
    return p;
  };
  const units = await Promise.all(
    owned.map(async (a): Promise<UnitStatus> => {
      const mg = a.managementGroupId;
      const initiative = lastSegment(String(a.properties.policyDefinitionId ?? ''));
      const [summary, offenders, tasks] = await Promise.all([
        gateway.summarizeAssignment(mg, a.id),
        gateway.nonCompliantStates(mg, a.id, OFFENDER_RECORDS),
        remediationsAt(mg),
      ]);
      // Members in the initiative's order as this repo publishes it; a member only Azure reports is appended.
      const set = content.setDefinitions.find((s) => s.name.toLowerCase() === initiative.toLowerCase());
      const members = (set?.properties.policyDefinitions ?? []).map((m) => ({
        control: String(m.policyDefinitionReferenceId),
        definition: lastSegment(String(m.policyDefinitionId)),
      }));
      for (const m of summary?.members ?? []) {
        if (!members.some((x) => x.control.toLowerCase() === m.referenceId.toLowerCase())) members.push({ control: m.referenceId, definition: lastSegment(m.policyDefinitionId) });
      }
      const controls = members.map(({ control, definition }): ControlStatus => {
        const live = summary?.members.find((m) => m.referenceId.toLowerCase() === control.toLowerCase());
        const displayName = content.definitions.find((d) => d.name.toLowerCase() === definition.toLowerCase())?.properties.displayName;
        return { control, ...(typeof displayName === 'string' ? { displayName } : {}), ...counts(live?.resources ?? {}) };
      });
      const byResource = new Map<string, Set<string>>();
      for (const o of offenders) byResource.set(o.resourceId, (byResource.get(o.resourceId) ?? new Set()).add(o.referenceId));
      const worstOffenders = [...byResource]
        .map(([resourceId, c]) => ({ resourceId, controls: [...c].sort() }))
        .sort((x, y) => y.controls.length - x.controls.length || x.resourceId.localeCompare(y.resourceId))
        .slice(0, WORST_OFFENDERS);
      const unit: UnitStatus = {
        initiative,
        assignment: a.name,
        assignmentId: a.id,
        managementGroupId: mg,
        evaluated: summary !== undefined,
        controls: summary ? controls : controls.map(({ control, displayName }) => ({ control, ...(displayName ? { displayName } : {}), compliant: 0, nonCompliant: 0, exempt: 0, other: 0 })),
        worstOffenders,
        remediations: tasks.filter((t) => t.policyAssignmentId.toLowerCase() === a.id.toLowerCase() && !TERMINAL.has(t.state.toLowerCase())),
      };
      if (summary) unit.totals = counts(summary.resources);
      return unit;
    }),
  );
  const target: StatusReport['target'] = { tenantId: config.tenantId, managementGroupId: managementGroup.name, owner: config.owner };
  if (managementGroup.requestedAs !== undefined) target.requestedAs = managementGroup.requestedAs;
  if (managementGroup.tenantRoot) target.tenantRoot = true;
  return { target, units };
}

const NOT_EVALUATED = 'not evaluated yet: Azure has no compliance result for this assignment (a new assignment is evaluated within about 30 minutes)';

function countsText(c: Counts): string {
  return `${c.compliant} compliant, ${c.nonCompliant} non-compliant, ${c.exempt} exempt${c.other ? `, ${c.other} other` : ''}`;
}

function remediationText(r: RemediationState): string {
  return `${r.referenceId || r.name}: ${r.state}, ${r.total} deployment(s): ${r.succeeded} succeeded, ${r.failed} failed`;
}

export function renderStatusText(report: StatusReport): string {
  const out = [`Compliance for management group ${targetName(report.target)} (tenant ${report.target.tenantId}), owner '${report.target.owner}'`, ''];
  if (report.units.length === 0) out.push('No assignment of this owner at the target or below: nothing to report (publish first).', '');
  for (const u of report.units) {
    out.push(`${u.initiative} (assignment ${u.assignment} at ${u.managementGroupId}): ${u.totals ? countsText(u.totals) : NOT_EVALUATED}`);
    if (u.evaluated) {
      const width = Math.max(7, ...u.controls.map((c) => c.control.length));
      out.push(`  ${'control'.padEnd(width)}  compliant  non-compliant  exempt`);
      for (const c of u.controls) {
        out.push(`  ${c.control.padEnd(width)}  ${String(c.compliant).padStart(9)}  ${String(c.nonCompliant).padStart(13)}  ${String(c.exempt).padStart(6)}`);
      }
      if (u.worstOffenders.length > 0) {
        out.push('  worst offenders:');
        for (const o of u.worstOffenders) out.push(`    ${o.resourceId}  (${o.controls.length} control(s): ${o.controls.join(', ')})`);
      }
    }
    for (const r of u.remediations) out.push(`  remediation in progress: ${remediationText(r)}`);
    out.push('');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

export function renderStatusMarkdown(report: StatusReport): string {
  const out = [`### ztpolicy compliance for ${targetName(report.target).replace(/'/g, '`')}`, '', `Tenant \`${report.target.tenantId}\`, owner \`${report.target.owner}\`.`, ''];
  if (report.units.length === 0) out.push('No assignment of this owner at the target or below.', '');
  for (const u of report.units) {
    out.push(`#### ${u.initiative} (\`${u.assignment}\` at \`${u.managementGroupId}\`)`, '');
    if (!u.totals) {
      out.push(`_${NOT_EVALUATED}_`, '');
    } else {
      out.push(`${countsText(u.totals)}.`, '', '| control | compliant | non-compliant | exempt |', '|---|---:|---:|---:|');
      for (const c of u.controls) out.push(`| \`${c.control}\`${c.displayName ? ` ${c.displayName.replace(/\|/g, '\\|')}` : ''} | ${c.compliant} | ${c.nonCompliant} | ${c.exempt} |`);
      out.push('');
      if (u.worstOffenders.length > 0) {
        out.push('Worst offenders:', '');
        for (const o of u.worstOffenders) out.push(`- \`${o.resourceId}\`: ${o.controls.map((c) => `\`${c}\``).join(', ')}`);
        out.push('');
      }
    }
    if (u.remediations.length > 0) {
      out.push('Remediation in progress:', '');
      for (const r of u.remediations) out.push(`- ${remediationText(r)}`);
      out.push('');
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

export function renderStatusJson(report: StatusReport): string {
  return canonicalJson(report as unknown as JsonObject);
}
