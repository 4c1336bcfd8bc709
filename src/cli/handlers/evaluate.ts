/**
 * `ztpolicy evaluate`: an impact preview. Evaluates policy definitions and initiatives (generated/, a built-in
 * file, any policy JSON) against exported resource documents and reports, per policy, which resources would be
 * denied, audited, modified or remediated — before anything is assigned.
 *
 * Exit codes: 1 when any resource would be denied (so a pipeline can gate on it), else 2 when an input could
 * not be used (the run still evaluates everything else), else 0. Usage errors exit 2 before evaluating.
 *
 * `--json` prints one object (schemaVersion 1):
 *   {
 *     "schemaVersion": 1,
 *     "summary": { "policies", "members", "resources", "evaluations", "denied", "audited", "modified",
 *                  "appended", "deployIfNotExists", "auditIfNotExists", "denyAction", "manual", "errors",
 *                  "problems" },
 *     "policies": [ { "name", "kind": "definition" | "initiative", "displayName", "file",
 *                     "counts": { "denied", ... },
 *                     "members": [ { "referenceId", "definitionName", "displayName", "origin",
 *                                    "findings": [ { "outcome", "effect", "resourceId", "resourceType",
 *                                                    "file", "jsonPath", "details"?, "error"? } ] } ] } ],
 *     "problems": [ { "file", "jsonPath"?, "code", "severity", "message", "hint"? } ]
 *   }
 * A definition passed on its own appears as a policy of kind "definition" with one member whose referenceId is
 * null. `outcome` is one of denied | audited | modified | appended | deployIfNotExists | auditIfNotExists |
 * denyAction | manual; resources a policy does not act on are not listed. Arrays keep input order.
 */
import { getBuiltinDefinitionJson } from '../../catalog/builtins.js';
import type { JsonObject, JsonValue } from '../../compiler/canonical-json.js';
import { BadInputError, ExitCode, isZtError } from '../../errors.js';
import { closest, distance } from 'fastest-levenshtein';
import { loadBundledAliases } from '../../catalog/aliases.js';
import { compilePolicy, type CompiledPolicy } from '../../evaluator/index.js';
import type { PolicyDefinitionInput, RelatedLookup } from '../../evaluator/types.js';
import { setOwn } from '../../evaluator/values.js';
import {
  InputCode,
  expandInlineChildren,
  loadParametersFile,
  loadPolicies,
  loadResources,
  relatedLookupFrom,
  resolveInitiative,
  type InputProblem,
  type LoadedDefinition,
  type LoadedPolicies,
  type ResourceEntry,
} from '../../io/evaluate-inputs.js';
import type { CommandRun } from '../command.js';
import { coveringExemption, exemptionNote, type ExemptionRef } from '../../evaluator/exemptions.js';
import { defaultExemptionPaths, exemptionSummaries, loadExemptionDocuments } from '../../io/exemption-files.js';
import { reporter } from '../output.js';
import type { PolicyExemptionDocument } from '../../model.js';
import type { EvaluateArgs } from '../commands/evaluate.js';

export type Outcome = 'denied' | 'audited' | 'modified' | 'appended' | 'deployIfNotExists' | 'auditIfNotExists' | 'denyAction' | 'manual' | 'exempted';
const OUTCOMES: readonly Outcome[] = ['denied', 'audited', 'modified', 'appended', 'deployIfNotExists', 'auditIfNotExists', 'denyAction', 'manual', 'exempted'];

export interface Finding {
  outcome: Outcome;
  effect: string;
  resourceId: string;
  resourceType: string;
  file: string;
  jsonPath: string;
  details?: JsonValue;
  error?: { code: string; message: string };
  /** outcome 'exempted': the exemption (exemptions/) that covers the resource; `effect` is what it would have met. */
  exemption?: ExemptionRef;
}

export interface MemberReport {
  referenceId: string | null;
  definitionName: string;
  displayName: string;
  origin: LoadedDefinition['origin'];
  findings: Finding[];
}

export interface PolicyReport {
  name: string;
  kind: 'definition' | 'initiative';
  displayName: string;
  file: string;
  counts: Record<Outcome, number>;
  members: MemberReport[];
}

export interface EvaluateReport {
  schemaVersion: 1;
  summary: Record<Outcome, number> & { policies: number; members: number; resources: number; evaluations: number; errors: number; problems: number };
  policies: PolicyReport[];
  problems: InputProblem[];
}

export interface EvaluateOptions {
  policy: string[];
  resources: string[];
  parameters?: string;
  /** Also evaluate inline children (subnets, security rules, routes) as resources of their own. */
  expandChildren?: boolean;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  /** Exemption documents (generated/policyExemptions/); a finding they cover is reported as exempted. */
  exemptions?: PolicyExemptionDocument[];
  /** Clock for exemption expiry (default: now). */
  now?: Date;
}

const EFFECT_OUTCOME: Record<string, Outcome> = {
  deny: 'denied',
  audit: 'audited',
  modify: 'modified',
  append: 'appended',
  deployifnotexists: 'deployIfNotExists',
  auditifnotexists: 'auditIfNotExists',
  denyaction: 'denyAction',
  manual: 'manual',
};

function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * az CLI and Resource Graph print every envelope field, `null` (or "" in Resource Graph) when absent, where an
 * ARM GET omits the field. Azure Policy evaluates the ARM document, and `exists` tells null from missing, so the
 * absent fields are dropped before evaluation. The az-only columns (resourceGroup, createdTime, ...) are left:
 * no alias points at them.
 */
const ENVELOPE = ['identity', 'kind', 'managedBy', 'plan', 'sku', 'extendedLocation', 'zones', 'tags', 'properties', 'location'];
export function normaliseExportedResource(resource: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  for (const key of ENVELOPE) {
    const v = resource[key];
    if (v === null || (v === '' && key !== 'location')) {
      out ??= { ...resource };
      delete out[key];
    }
  }
  return out ?? resource;
}

function policyDisplayName(doc: JsonObject): string {
  const p = doc.properties;
  return isObject(p) && typeof p.displayName === 'string' ? p.displayName : String(doc.name);
}

function declaredParameterValues(doc: JsonObject, values: Record<string, JsonValue>): Record<string, JsonValue> {
  const p = doc.properties;
  const declared = isObject(p) && isObject(p.parameters) ? Object.keys(p.parameters) : [];
  const out: Record<string, JsonValue> = {};
  for (const name of declared) {
    const key = Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) setOwn(out, name, values[key] as JsonValue);
  }
  return out;
}

/** Known resource types: the vendored alias catalog, plus Microsoft.Resources/* (subscriptions, resource groups). */
function catalogTypes(): { has(type: string): boolean; suggest(type: string): string | undefined } {
  const catalog = loadBundledAliases();
  let all: string[] | undefined;
  return {
    has: (type) => catalog.canonicalResourceType(type) !== undefined || /^microsoft\.resources\//i.test(type),
    suggest: (type) => {
      all ??= catalog.resourceTypes().map((t) => t.toLowerCase());
      const ns = type.split('/')[0]?.toLowerCase() ?? '';
      const sameNs = all.filter((t) => t.startsWith(`${ns}/`));
      const pool = sameNs.length > 0 ? sameNs : all;
      const best = closest(type.toLowerCase(), pool);
      return distance(type.toLowerCase(), best) <= 3 ? catalog.canonicalResourceType(best) : undefined;
    },
  };
}

export function runEvaluation(options: EvaluateOptions): EvaluateReport {
  const progress = options.progress ?? (() => {});
  const problems: InputProblem[] = [];
  let assignmentValues: Record<string, JsonValue> = {};
  if (options.parameters) {
    const loadedParams = loadParametersFile(options.parameters);
    problems.push(...loadedParams.problems);
    if (loadedParams.problems.length > 0) {
      throw new BadInputError(InputCode.parametersFile, `cannot use the parameters file: ${loadedParams.problems[0]?.message}`, { file: options.parameters, hint: loadedParams.problems[0]?.hint });
    }
    assignmentValues = loadedParams.values;
  }
  const policies: LoadedPolicies = loadPolicies(options.policy);
  problems.push(...policies.problems);
  if (policies.definitions.length === 0 && policies.initiatives.length === 0) {
    throw new BadInputError(InputCode.emptyInput, `no policy definition or initiative found in ${options.policy.join(', ')}`, {
      hint: 'pass generated/ (after npm run build), a file under it, or any policy definition JSON',
    });
  }
  let lastReport = 0;
  const loaded = loadResources(options.resources, {
    knownTypes: catalogTypes(),
    onFile: (file, count, bytes) => {
      if (bytes > 5_000_000 || count - lastReport >= 10_000) {
        lastReport = count;
        progress(`read ${file}: ${count} resources so far`);
      }
    },
  });
  problems.push(...loaded.problems);
  if (loaded.resources.length === 0 && loaded.problems.length === 0) {
    throw new BadInputError(InputCode.emptyInput, `no resource documents found in ${options.resources.join(', ')}`, {
      hint: 'export them with az resource show --ids ..., az resource list -o json or az graph query -o json',
    });
  }
  const normalised = loaded.resources.map((e) => ({ ...e, resource: normaliseExportedResource(e.resource) }));
  const resources = options.expandChildren ? expandInlineChildren(normalised) : normalised;
  // Plain `az resource list` output has no properties: say so once per file, not once per resource.
  const withoutProperties = new Map<string, ResourceEntry[]>();
  for (const e of resources) {
    if (!isObject(e.resource.properties) && String(e.resource.type).toLowerCase() !== 'microsoft.resources/subscriptions') {
      const list = withoutProperties.get(e.file) ?? [];
      list.push(e);
      withoutProperties.set(e.file, list);
    }
  }
  for (const [file, list] of withoutProperties) {
    const first = list[0]!;
    problems.push({
      file,
      jsonPath: first.jsonPath,
      code: InputCode.noProperties,
      severity: 'warning',
      message:
        list.length === 1
          ? `${String(first.resource.name ?? first.resource.id)} has no "properties"; conditions on them see missing values`
          : `${list.length} resources (the first at ${first.jsonPath}) have no "properties"; conditions on them see missing values`,
      hint: 'az resource list omits properties: export with az resource show --ids ... or az graph query',
    });
  }
  // Existence checks (auditIfNotExists/deployIfNotExists) are answered from the export itself.
  const related = relatedLookupFrom(resources.map((e) => e.resource));
  const lookup: RelatedLookup = (q) => related(q);
  const indexed = resources.map((entry, index) => ({ entry, index }));
  const byType = new Map<string, typeof indexed>();
  for (const x of indexed) {
    const t = String(x.entry.resource.type).toLowerCase();
    let list = byType.get(t);
    if (!list) byType.set(t, (list = []));
    list.push(x);
  }

  // What to evaluate: every initiative, plus each definition that no loaded initiative references (passing
  // generated/ must not report a control twice, once alone and once as a member).
  const units: Array<{ name: string; kind: 'definition' | 'initiative'; displayName: string; file: string; members: Array<{ referenceId: string | null; definition: LoadedDefinition; parameters: Record<string, JsonValue> }> }> = [];
  const memberNames = new Set<string>();
  for (const initiative of policies.initiatives) {
    const resolved = resolveInitiative(initiative, policies, declaredParameterValues(initiative.document, assignmentValues), {
      builtin: (name) => getBuiltinDefinitionJson(name),
    });
    problems.push(...resolved.problems);
    for (const m of resolved.members) memberNames.add(m.definition.name.toLowerCase());
    units.push({
      name: initiative.name,
      kind: 'initiative',
      displayName: policyDisplayName(initiative.document),
      file: initiative.file,
      members: resolved.members.map((m) => ({ referenceId: m.referenceId, definition: m.definition, parameters: m.parameters })),
    });
  }
  for (const d of policies.definitions) {
    if (policies.initiatives.length > 0 && memberNames.has(d.name.toLowerCase())) continue;
    units.push({
      name: d.name,
      kind: 'definition',
      displayName: policyDisplayName(d.document),
      file: d.file,
      members: [{ referenceId: null, definition: d, parameters: declaredParameterValues(d.document, assignmentValues) }],
    });
  }

  const exemptions = options.exemptions ?? [];
  const clock = options.now ?? new Date();
  const summary: EvaluateReport['summary'] = { ...emptyCounts(), policies: units.length, members: 0, resources: resources.length, evaluations: 0, errors: 0, problems: 0 };
  const reports: PolicyReport[] = [];
  const started = Date.now();
  let lastProgress = started;
  for (const unit of units) {
    const report: PolicyReport = { name: unit.name, kind: unit.kind, displayName: unit.displayName, file: unit.file, counts: emptyCounts(), members: [] };
    for (const member of unit.members) {
      summary.members++;
      const mr: MemberReport = {
        referenceId: member.referenceId,
        definitionName: member.definition.name,
        displayName: policyDisplayName(member.definition.document),
        origin: member.definition.origin,
        findings: [],
      };
      let compiled: CompiledPolicy;
      try {
        // Compile once per member (rule -> closures), evaluate against every candidate resource.
        compiled = compilePolicy(member.definition.document as PolicyDefinitionInput, { trace: false });
        // The member's parameter values as Azure checks an assignment (ZT5007 required parameter without value,
        // ZT5008 outside allowedValues, ZT5009 wrong type): reported per policy even when no resource is a
        // candidate; cached per parameters object, so the evaluations below do not repeat it.
        compiled.checkParameters(member.parameters);
      } catch (error) {
        // A malformed definition (PolicyDefinitionError) is bad input: report it, go on. Anything else is a bug.
        if (!isZtError(error)) throw error;
        problems.push(policyProblem(member.definition.file, member, error));
        report.members.push(mr);
        continue;
      }
      // Only resources of the types the rule can match (literal type conditions every match requires).
      const candidates = compiled.resourceTypes ? compiled.resourceTypes.flatMap((t) => byType.get(t.toLowerCase()) ?? []).sort((a, b) => a.index - b.index) : indexed;
      let broken = false;
      for (const { entry } of candidates) {
        summary.evaluations++;
        let result;
        try {
          result = compiled.evaluate(entry.resource, { parameters: member.parameters, related: lookup });
        } catch (error) {
          // A malformed rule or a parameter without value throws: report the policy once, skip it.
          if (!isZtError(error)) throw error;
          problems.push(policyProblem(member.definition.file, member, error));
          broken = true;
          break;
        }
        const effect = result.effect;
        if (result.error) summary.errors++;
        if (!effect) continue;
        const acted = EFFECT_OUTCOME[effect];
        if (!acted) continue; // mutate / addToNetworkGroup: resource-provider modes, nothing to preview here
        // auditIfNotExists/deployIfNotExists act only when the existence check failed (NonCompliant).
        if ((acted === 'deployIfNotExists' || acted === 'auditIfNotExists') && result.compliance !== 'NonCompliant') continue;
        // An exemption of this initiative (and member) at or above the resource: Azure skips it.
        const exempt = unit.kind === 'initiative' ? coveringExemption(exemptions, unit.name, member.referenceId, String(entry.resource.id ?? ''), clock) : undefined;
        const outcome: Outcome = exempt ? 'exempted' : acted;
        const finding: Finding = {
          outcome,
          effect,
          resourceId: String(entry.resource.id ?? entry.resource.name),
          resourceType: String(entry.resource.type),
          file: entry.file,
          jsonPath: entry.jsonPath,
        };
        if (result.details !== undefined && result.details !== null && outcome !== 'denied' && outcome !== 'audited') finding.details = compactDetails(result.details);
        if (result.error) finding.error = result.error;
        if (exempt) finding.exemption = exempt;
        mr.findings.push(finding);
        report.counts[outcome]++;
        summary[outcome]++;
        const now = Date.now();
        if (now - lastProgress > 2000) {
          lastProgress = now;
          progress(`evaluated ${summary.evaluations} policy x resource pairs`);
        }
      }
      if (broken) {
        for (const f of mr.findings) {
          report.counts[f.outcome]--;
          summary[f.outcome]--;
        }
        mr.findings = [];
      }
      report.members.push(mr);
    }
    reports.push(report);
  }
  summary.problems = problems.length;
  return { schemaVersion: 1, summary, policies: reports, problems };
}

/**
 * The evaluator's existence-check details echo the evaluated resource (query.resource); the finding already
 * names it, and at 100,000 resources the echo would multiply the report size, so it is dropped.
 */
function compactDetails(details: unknown): JsonValue {
  const strip = (v: unknown, key: string | undefined): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, undefined));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (key === 'query' && k === 'resource') continue;
      if (x !== undefined) setOwn(out, k, strip(x, k));
    }
    return out;
  };
  return strip(details, undefined) as JsonValue;
}

function policyProblem(file: string, member: { referenceId: string | null; definition: LoadedDefinition }, error: unknown): InputProblem {
  const e = error as { code?: string; message?: string; hint?: string; jsonPath?: string };
  return {
    file,
    ...(e.jsonPath ? { jsonPath: e.jsonPath } : {}),
    code: typeof e.code === 'string' ? e.code : InputCode.policyFailed,
    severity: 'error',
    message: `policy ${member.definition.name}${member.referenceId ? ` (member ${member.referenceId})` : ''} cannot be evaluated: ${e.message ?? String(error)}; it is skipped`,
    ...(e.hint ? { hint: e.hint } : {}),
  };
}

const LABEL: Record<Outcome, string> = {
  denied: 'deny',
  audited: 'audit',
  modified: 'modify',
  appended: 'append',
  deployIfNotExists: 'remediate',
  auditIfNotExists: 'audit (missing related)',
  denyAction: 'denyAction',
  manual: 'manual',
  exempted: 'exempted',
};

/** Human rendering: per policy, the resources it acts on, then the problems and a summary. */
export function renderText(report: EvaluateReport): string {
  const lines: string[] = [];
  for (const p of report.policies) {
    const acted = p.members.reduce((n, m) => n + m.findings.length, 0);
    lines.push(`${p.kind === 'initiative' ? 'initiative' : 'policy'} ${p.name}: ${p.displayName} (${p.file})`);
    if (acted === 0) {
      lines.push('  no resource affected');
      continue;
    }
    for (const m of p.members) {
      if (m.findings.length === 0) continue;
      const indent = p.kind === 'initiative' ? '    ' : '  ';
      if (p.kind === 'initiative') lines.push(`  ${m.referenceId} (${m.origin === 'builtin' ? 'built-in ' : ''}${m.definitionName}): ${m.displayName}`);
      for (const f of m.findings) {
        const extra = f.error ? `  [evaluation error ${f.error.code}: ${f.error.message}]` : '';
        const why = f.exemption ? exemptionNote(f.effect, f.exemption) : '';
        lines.push(`${indent}${LABEL[f.outcome].padEnd(10)} ${f.resourceId}${extra}${why}`);
      }
    }
  }
  if (report.problems.length > 0) {
    lines.push('', `input problems (${report.problems.length}):`);
    for (const pr of report.problems) {
      lines.push(`  ${pr.file}${pr.jsonPath ? ` at ${pr.jsonPath}` : ''}: ${pr.severity} ${pr.code}: ${pr.message}`);
      if (pr.hint) lines.push(`      fix: ${pr.hint}`);
    }
  }
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
  lines.push(
    '',
    `summary: ${s.policies} ${s.policies === 1 ? 'policy' : 'policies'} (${s.members} ${s.members === 1 ? 'definition' : 'definitions'}) x ${s.resources} ${s.resources === 1 ? 'resource' : 'resources'}: ${parts.join(', ')}` +
      `${s.errors ? `; ${s.errors} evaluation errors (Azure denies on error)` : ''}; ${s.problems} input ${s.problems === 1 ? 'problem' : 'problems'}`,
  );
  return `${lines.join('\n')}\n`;
}

export function exitCodeFor(report: EvaluateReport): ExitCode {
  if (report.summary.denied > 0) return ExitCode.checkFailed;
  if (report.problems.some((p) => p.severity === 'error')) return ExitCode.badInput;
  return ExitCode.ok;
}

export const run: CommandRun<EvaluateArgs> = (args, io, result) => {
  // `--policy` given without a value parses as an empty list, which yargs' demandOption lets through.
  if (!args.policy?.length || !args.resources?.length) {
    throw new BadInputError(InputCode.usage, `evaluate needs ${!args.policy?.length ? '--policy' : '--resources'}`, {
      hint: 'ztpolicy evaluate --policy generated/ --resources export.json [--parameters values.json] [--json]',
    });
  }
  const say = reporter(io, args);
  const exemptions = loadExemptionDocuments(args.exemptions ?? defaultExemptionPaths(args.policy));
  for (const line of exemptionSummaries(exemptions, new Date())) say.detail(line);
  const report = runEvaluation({
    policy: args.policy,
    resources: args.resources,
    ...(args.parameters ? { parameters: args.parameters } : {}),
    expandChildren: args.expandChildren,
    exemptions,
    progress: say.info,
  });
  io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
  result.exitCode = exitCodeFor(report);
};
