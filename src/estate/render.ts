/**
 * Renderings of an impact preview: text (humans), JSON (machines; written in pieces, since a report of a large
 * estate can exceed the longest string V8 can build) and Markdown (a pull-request comment).
 */
import type { EvaluateReport, Outcome, PolicyReport } from './engine.js';
import { OUTCOMES } from './chunk.js';
import { exemptionNote } from '../evaluator/exemptions.js';

/** Collects output in ~1 MB pieces before handing them on. */
function buffered(write: (text: string) => void): { put(text: string): void; flush(): void } {
  let buf = '';
  return {
    put(text) {
      buf += text;
      if (buf.length > 1 << 20) {
        write(buf);
        buf = '';
      }
    },
    flush() {
      if (buf) write(buf);
      buf = '';
    },
  };
}

/** Whether a value holds an array long enough to be worth writing in pieces (the findings of a large estate). */
function holdsLargeArray(v: unknown, depth = 0): boolean {
  if (v === null || typeof v !== 'object' || depth > 3) return false;
  if (Array.isArray(v)) return v.length > 500 || v.some((x) => holdsLargeArray(x, depth + 1));
  return Object.values(v).some((x) => holdsLargeArray(x, depth + 1));
}

/**
 * Writes `value` exactly as `JSON.stringify(value, null, 2) + '\n'` would, in pieces: containers that hold a
 * large array are walked, everything else (and runs of up to 1,000 small array elements) is stringified at once
 * and re-indented, so no single string grows with the report and the common case stays one native call.
 */
export function writeJson(value: unknown, write: (text: string) => void): void {
  const out = buffered(write);
  const stringify = (v: unknown, indent: string): string => {
    const text = JSON.stringify(v, null, 2) ?? 'null';
    return indent ? text.replace(/\n/g, `\n${indent}`) : text;
  };
  const walk = (v: unknown, indent: string): void => {
    if (!holdsLargeArray(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return out.put(stringify(v, indent));
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      out.put('[');
      let first = true;
      for (let i = 0; i < v.length; ) {
        if (holdsLargeArray(v[i])) {
          out.put(`${first ? '' : ','}\n${inner}`);
          walk(v[i], inner);
          i++;
        } else {
          let j = i;
          while (j < v.length && j - i < 1000 && !holdsLargeArray(v[j])) j++;
          // "[\n  a,\n  b\n]" -> "a,\n  b": the run's elements, each on its own line at this depth.
          const run = stringify(v.slice(i, j), indent);
          out.put(`${first ? '' : ','}\n${inner}${run.slice(2 + inner.length, -(1 + indent.length + 1))}`);
          i = j;
        }
        first = false;
      }
      return out.put(`\n${indent}]`);
    }
    const keys = Object.keys(v as object).filter((k) => {
      const x = (v as Record<string, unknown>)[k];
      return x !== undefined && typeof x !== 'function' && typeof x !== 'symbol';
    });
    out.put('{');
    keys.forEach((k, i) => {
      out.put(`${i ? ',' : ''}\n${inner}${JSON.stringify(k)}: `);
      walk((v as Record<string, unknown>)[k], inner);
    });
    out.put(`\n${indent}}`);
  };
  walk(value, '');
  out.put('\n');
  out.flush();
}

/** How text and Markdown name an auditIfNotExists finding (one wording for both). */
const NO_COMPLIANT_RELATED = 'no compliant related resource';

const LABEL: Record<Outcome, string> = {
  denied: 'deny',
  audited: 'audit',
  modified: 'modify',
  appended: 'append',
  deployIfNotExists: 'remediate',
  // Azure marks the resource non-compliant when no related resource matches the existence condition: the related
  // resource may be absent or present but failing it (e.g. an Unhealthy Defender assessment), so the label must not
  // say "missing" (learn.microsoft.com/azure/governance/policy/concepts/effect-audit-if-not-exists).
  auditIfNotExists: `audit (${NO_COMPLIANT_RELATED})`,
  denyAction: 'denyAction',
  manual: 'manual',
  exempted: 'exempted',
};

function summaryLine(report: EvaluateReport): string {
  const s = report.summary;
  const parts = [
    `${s.denied} denied`,
    `${s.audited} audited`,
    `${s.modified} modified`,
    ...(s.appended ? [`${s.appended} appended`] : []),
    `${s.deployIfNotExists} to remediate (deployIfNotExists)`,
    `${s.auditIfNotExists} auditIfNotExists`,
    ...(s.denyAction ? [`${s.denyAction} denyAction`] : []),
    ...(s.manual ? [`${s.manual} manual`] : []),
    ...(s.exempted ? [`${s.exempted} exempted`] : []),
  ];
  return (
    `summary: ${s.policies} ${s.policies === 1 ? 'policy' : 'policies'} (${s.members} ${s.members === 1 ? 'definition' : 'definitions'}) x ${s.resources} ${s.resources === 1 ? 'resource' : 'resources'}: ${parts.join(', ')}` +
    `${s.errors ? `; ${s.errors} evaluation errors (Azure denies on error)` : ''}; ${s.problems} input ${s.problems === 1 ? 'problem' : 'problems'}`
  );
}

/** The colours the text output uses (picocolors' createColors() has them; identity functions when colour is off). */
export interface TextColours {
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const NO_COLOUR: TextColours = { red: String, yellow: String, cyan: String, dim: String, bold: String };

/**
 * What an outcome's label looks like on a terminal: what blocks a write in red, what only reports in yellow, what
 * changes or deploys in cyan, an exemption dimmed. Only the label is coloured: the words are the same without colour.
 */
function paintOutcome(outcome: Outcome, label: string, c: TextColours): string {
  switch (outcome) {
    case 'denied':
    case 'denyAction':
      return c.red(label);
    case 'audited':
    case 'auditIfNotExists':
    case 'manual':
      return c.yellow(label);
    case 'modified':
    case 'appended':
    case 'deployIfNotExists':
      return c.cyan(label);
    case 'exempted':
      return c.dim(label);
  }
}

/**
 * Human rendering, written line by line: per policy, the resources it acts on, then the problems and a summary.
 * `colours` paints the outcome labels, policy headings and problem severities (the CLI passes colour only on a
 * terminal, never with NO_COLOR).
 */
export function writeText(report: EvaluateReport, write: (text: string) => void, colours: TextColours = NO_COLOUR): void {
  const c = colours;
  const out = buffered(write);
  const line = (text: string) => out.put(`${text}\n`);
  for (const p of report.policies) {
    const acted = p.members.reduce((n, m) => n + m.findings.length + (m.findingsOmitted ?? 0), 0);
    line(c.bold(`${p.kind === 'initiative' ? 'initiative' : 'policy'} ${p.name}: ${p.displayName} (${p.file})`));
    if (acted === 0) {
      line('  no resource affected');
      continue;
    }
    for (const m of p.members) {
      if (m.findings.length === 0 && !m.findingsOmitted) continue;
      const indent = p.kind === 'initiative' ? '    ' : '  ';
      const override = m.effectOverride ? ` [effect ${m.effectOverride.to} instead of ${String(m.effectOverride.from ?? 'the default')}]` : '';
      if (p.kind === 'initiative') line(`  ${m.referenceId} (${m.origin === 'builtin' ? 'built-in ' : ''}${m.definitionName}): ${m.displayName}${override}`);
      else if (override) line(`  ${override.trim()}`);
      for (const f of m.findings) {
        const extra = f.error ? `  [evaluation error ${f.error.code}: ${f.error.message}]` : '';
        const why = f.exemption ? exemptionNote(f.effect, f.exemption) : '';
        line(`${indent}${paintOutcome(f.outcome, LABEL[f.outcome].padEnd(10), c)} ${f.resourceId}${extra}${why}`);
      }
      if (m.findingsOmitted) line(`${indent}... and ${m.findingsOmitted} more (--max-findings 0 lists all)`);
    }
  }
  if (report.problems.length > 0) {
    line('');
    line(`input problems (${report.problems.length}):`);
    for (const pr of report.problems) {
      const severity = pr.severity === 'error' ? c.red(pr.severity) : c.yellow(pr.severity);
      line(`  ${pr.file}${pr.jsonPath ? ` at ${pr.jsonPath}` : ''}: ${severity} ${pr.code}: ${pr.message}`);
      if (pr.hint) line(`      ${c.cyan('fix:')} ${pr.hint}`);
    }
  }
  line('');
  line(summaryLine(report));
  out.flush();
}

export function renderText(report: EvaluateReport): string {
  let text = '';
  writeText(report, (t) => (text += t));
  return text;
}

const MD_COLUMNS: Array<[Outcome, string]> = [
  ['denied', 'Deny'],
  ['audited', 'Audit'],
  ['modified', 'Modify'],
  ['deployIfNotExists', 'Deploy'],
  ['auditIfNotExists', 'AuditIfNotExists'],
];

/** Markdown cell text: pipes and line breaks would end the cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * Markdown for a pull-request comment: per policy, a table with one row per control (member) and how many
 * resources it would deny / audit / modify / deploy, then the first ids of each.
 */
export function renderMarkdown(report: EvaluateReport, options: { firstIds?: number; title?: string } = {}): string {
  const first = options.firstIds ?? 5;
  const s = report.summary;
  const lines: string[] = [`## ${options.title ?? 'ztpolicy impact preview'}`, ''];
  const others = OUTCOMES.filter((o) => !MD_COLUMNS.some(([c]) => c === o));
  lines.push(
    `${s.resources} resources x ${s.members} policy definitions (${s.policies} ${s.policies === 1 ? 'policy' : 'policies'}): ` +
      `**${s.denied} would be denied**, ${s.audited} audited, ${s.modified} modified, ${s.deployIfNotExists} deployed (deployIfNotExists), ${s.auditIfNotExists} audited (${NO_COMPLIANT_RELATED})` +
      `${others.some((o) => s[o] > 0) ? `, ${others.filter((o) => s[o] > 0).map((o) => `${s[o]} ${o}`).join(', ')}` : ''}.`,
  );
  const overridden = report.policies.flatMap((p) => p.members).filter((m) => m.effectOverride);
  if (overridden.length > 0) lines.push('', `Evaluated with effect **${overridden[0]!.effectOverride!.to}** for ${overridden.length} control(s) that allow it (their assigned effect otherwise).`);
  for (const p of report.policies) lines.push('', ...policyMarkdown(p, first));
  const errors = report.problems.filter((x) => x.severity === 'error');
  if (report.problems.length > 0) {
    lines.push('', `<details><summary>${report.problems.length} input problem(s), ${errors.length} error(s)</summary>`, '');
    for (const pr of report.problems) lines.push(`- \`${cell(pr.file)}\`${pr.jsonPath ? ` at \`${cell(pr.jsonPath)}\`` : ''}: ${pr.severity} ${pr.code}: ${cell(pr.message)}`);
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

function policyMarkdown(p: PolicyReport, first: number): string[] {
  const lines = [`### ${p.kind === 'initiative' ? 'Initiative' : 'Policy'} \`${cell(p.name)}\`: ${cell(p.displayName)}`, ''];
  lines.push(`| Control | ${MD_COLUMNS.map(([, h]) => h).join(' | ')} | First resources |`, `|---|${MD_COLUMNS.map(() => '---:').join('|')}|---|`);
  for (const m of p.members) {
    const counts = m.counts;
    const total = m.findings.length + (m.findingsOmitted ?? 0);
    const ids = m.findings.slice(0, first).map((f) => `\`${cell(f.resourceId.split('/').slice(-1)[0] ?? f.resourceId)}\``);
    const more = total > ids.length ? ` (+${total - ids.length})` : '';
    const name = `${m.referenceId ?? m.definitionName}${m.effectOverride ? ` (${m.effectOverride.to})` : ''}`;
    if (m.notEvaluated) lines.push(`| ${cell(name)} | ${MD_COLUMNS.map(() => '').join(' | ')} | _not previewed (${m.notEvaluated}, see the problems)_ |`);
    else lines.push(`| ${cell(name)} | ${MD_COLUMNS.map(([o]) => (counts[o] ? String(counts[o]) : '')).join(' | ')} | ${ids.join(', ')}${more} |`);
  }
  return lines;
}
