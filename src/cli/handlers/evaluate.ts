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
 *                                    "effectOverride"?: { "from", "to" }, "counts": { "denied", ... },
 *                                    "findings": [ { "outcome", "effect", "resourceId", "resourceType",
 *                                                    "file", "jsonPath", "details"?, "error"?, "exemption"? } ],
 *                                    "findingsOmitted"?, "notEvaluated"? } ] } ],
 *     "problems": [ { "file", "jsonPath"?, "code", "severity", "message", "hint"? } ]
 *   }
 * A definition passed on its own appears as a policy of kind "definition" with one member whose referenceId is
 * null. `outcome` is one of denied | audited | modified | appended | deployIfNotExists | auditIfNotExists |
 * denyAction | manual | exempted (an exemption covers it; `effect` is what it would have met); resources a policy does not act on are not listed. Arrays keep input order. At most
 * --max-findings findings are listed per member (default 1,000; 0 lists all): `counts` stay complete and
 * `findingsOmitted` says how many were not listed; `notEvaluated` holds the code of the problem that says why a member
 * was not evaluated. `effectOverride` marks a member evaluated with
 * --compare-effect's effect instead of its assigned one.
 *
 * Resources come from export files (--resources; any size: large files are stream-parsed, see
 * io/resource-stream.ts) or from Azure Resource Graph (--mg / --subscription, see estate/resource-graph.ts),
 * and are evaluated as they arrive (estate/engine.ts), on worker threads when the input is large.
 */
import { availableParallelism } from 'node:os';
import { getBuiltinDefinitionJson } from '../../catalog/builtins.js';
import type { JsonObject, JsonValue } from '../../compiler/canonical-json.js';
import { BadInputError, ExitCode } from '../../errors.js';
import { closest, distance } from 'fastest-levenshtein';
import { loadBundledAliases } from '../../catalog/aliases.js';
import { setOwn } from '../../evaluator/values.js';
import { InputCode, PARAM_REF, loadParametersFile, loadPolicies, resolveInitiative, type InputProblem, type LoadedDefinition, type LoadedPolicies } from '../../io/evaluate-inputs.js';
import { DEFAULT_STREAM_ABOVE_BYTES, fileSource, inputBytes } from '../../io/resource-stream.js';
import { DEFAULT_MAX_FINDINGS, applicableTypes, policyDisplayName, ruleThen, runPreview, type EvaluateReport, type PreviewMember, type PreviewUnit, type ResourceSource } from '../../estate/engine.js';
import { renderMarkdown, renderText, writeJson, writeText } from '../../estate/render.js';
import type { GraphScope } from '../../estate/resource-graph.js';
import type { AzureGateway } from '../../publisher/gateway.js';
import type { Progress, ProgressTask } from '../../publisher/types.js';
import { cliProgress } from '../progress.js';
import type { CommandRun } from '../command.js';
import { defaultExemptionPaths, exemptionSummaries, loadExemptionDocuments } from '../../io/exemption-files.js';
import { reporter } from '../output.js';
import type { PolicyExemptionDocument } from '../../model.js';
import type { EvaluateArgs } from '../commands/evaluate.js';

export type { EvaluateReport, Finding, MemberReport, Outcome, PolicyReport } from '../../estate/engine.js';
export { normaliseExportedResource } from '../../estate/normalize.js';
export { renderMarkdown, renderText };

export interface EvaluateOptions {
  policy: string[];
  /** Export files or folders; or */
  resources?: string[];
  /** a ready source (Resource Graph). */
  source?: ResourceSource;
  parameters?: string;
  /** Also evaluate inline children (subnets, security rules, routes) as resources of their own. */
  expandChildren?: boolean;
  /** Evaluate every member whose effect parameter allows it with this effect (e.g. Deny). */
  compareEffect?: string;
  maxFindings?: number;
  /** Worker threads; undefined: decided by the size of the input. */
  workers?: number;
  chunkSize?: number;
  streamAboveBytes?: number;
  /** Exemption documents (generated/policyExemptions/); a finding they cover is reported as exempted. */
  exemptions?: PolicyExemptionDocument[];
  /** Clock for exemption expiry (default: now). */
  now?: Date;
  /**
   * Evaluate every resource as a write (PUT) at this API version: requestContext().apiVersion returns it. Without
   * it the preview is a compliance scan, where Azure uses the type's latest API version, which no data ztpolicy
   * ships holds: requestContext().apiVersion is then empty and members guarded by it do not apply.
   */
  apiVersion?: string;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  /**
   * Progress of a streamed export in MB read (src/cli/progress.ts: a live bar on a terminal, a line per 10 % in a
   * log); without it, streamed reads report through `progress` lines.
   */
  streamProgress?: Progress;
}

/** Where --mg / --subscription read from: the publisher's Azure gateway (credential, endpoint, retry, throttling). */
export interface GraphTarget {
  scope: GraphScope;
  label: string;
  endpoint?: string;
  log?: (line: string) => void;
  /** Tests: a ready gateway (emulator CA, test credential). */
  gateway?: Pick<AzureGateway, 'resourceGraphPages'> & Partial<Pick<AzureGateway, 'waits'>>;
  /** Rows per page (default 1000, Resource Graph's maximum). */
  top?: number;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

/**
 * --compare-effect: the member's effect parameter (the one its `then.effect` reads) set to `effect` when the
 * parameter's allowedValues admit it (spelled as allowed); otherwise the member keeps its assigned effect and
 * a warning says why. Azure refuses an assignment whose value is outside allowedValues, so a preview must too.
 */
function withEffect(member: PreviewMember, effect: string, problems: InputProblem[]): PreviewMember {
  const props = member.definition.document.properties;
  const then = ruleThen(member.definition.document);
  const written = isObject(then) ? Object.entries(then).find(([k]) => k.toLowerCase() === 'effect')?.[1] : undefined;
  const name = typeof written === 'string' ? PARAM_REF.exec(written)?.[1] : undefined;
  const label = `${member.definition.name}${member.referenceId ? ` (member ${member.referenceId})` : ''}`;
  if (typeof written === 'string' && written.toLowerCase() === effect.toLowerCase()) return member;
  const decl = name && isObject(props) && isObject(props.parameters) ? Object.entries(props.parameters).find(([k]) => k.toLowerCase() === name.toLowerCase()) : undefined;
  const allowed = decl && isObject(decl[1]) && Array.isArray(decl[1].allowedValues) ? decl[1].allowedValues : undefined;
  const spelled = allowed?.find((v): v is string => typeof v === 'string' && v.toLowerCase() === effect.toLowerCase());
  if (!decl || spelled === undefined) {
    problems.push({
      file: member.definition.file,
      code: InputCode.compareEffect,
      severity: 'warning',
      message: `${label}: ${!decl ? `its effect is ${typeof written === 'string' ? `"${written}"` : 'not a parameter'}` : `its effect parameter '${decl[0]}' does not allow ${effect} (allowed: ${(allowed ?? []).map(String).join(', ') || 'any value'})`}; evaluated with its assigned effect`,
      hint: `--compare-effect changes only effects whose parameter allows ${effect}`,
    });
    return member;
  }
  const current = Object.entries(member.parameters).find(([k]) => k.toLowerCase() === decl[0].toLowerCase());
  const from = current ? current[1] : isObject(decl[1]) && decl[1].defaultValue !== undefined ? (decl[1].defaultValue as JsonValue) : null;
  const parameters: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(member.parameters)) if (k.toLowerCase() !== decl[0].toLowerCase()) setOwn(parameters, k, v);
  setOwn(parameters, decl[0], spelled);
  return { ...member, parameters, effectOverride: { from, to: spelled } };
}

/**
 * What to evaluate: every initiative, plus each definition that no loaded initiative references (passing
 * generated/ must not report a control twice, once alone and once as a member).
 */
export function previewUnits(policies: LoadedPolicies, assignmentValues: Record<string, JsonValue>, problems: InputProblem[], compareEffect?: string): PreviewUnit[] {
  const units: PreviewUnit[] = [];
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
      members: [{ referenceId: null, definition: d as LoadedDefinition, parameters: declaredParameterValues(d.document, assignmentValues) }],
    });
  }
  if (compareEffect) for (const u of units) u.members = u.members.map((m) => withEffect(m, compareEffect, problems));
  return units;
}

/**
 * Worker threads by input size: a file read whole is evaluated on the main thread (below the streaming
 * threshold the work is seconds, and starting workers that each compile every policy costs more than it saves
 * on a shared 2-core runner: bench, workers 2 slower at 27 MB). A streamed export keeps the main thread busy
 * parsing (stream-parse ~15-30 MB/s), so the evaluation moves to the other cores: one worker per core left.
 */
export function defaultWorkers(bytes: number, streamAboveBytes = DEFAULT_STREAM_ABOVE_BYTES): number {
  return bytes > streamAboveBytes ? Math.max(1, Math.min(3, availableParallelism() - 1)) : 0;
}

/**
 * The resources under a management group or subscriptions, from Azure Resource Graph: only the types the
 * policies can apply to. Azure failures (no credential, no access, throttled beyond the retries) are exit 3.
 */
async function graphSource(target: GraphTarget, units: PreviewUnit[], problems: InputProblem[], progress: (line: string) => void): Promise<ResourceSource> {
  // Lazy: the Azure SDK loads only when the estate is read from Azure.
  const { resourceGraphSource } = await import('../../estate/resource-graph.js');
  const { azureErrorFrom } = await import('../../publisher/session.js');
  let gateway = target.gateway;
  if (!gateway) {
    const { AzureGateway } = await import('../../publisher/gateway.js');
    gateway = await AzureGateway.create({ ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}), ...(target.log ? { log: target.log } : {}) });
  }
  const g = gateway;
  const pages = async function* (query: string, scope: GraphScope) {
    // A line when requests start waiting on throttling (Resource Graph's per-user quota, a 429's Retry-After), so a
    // wait of seconds does not look like a hang; not one per wait.
    let before = 0;
    const unsubscribe = g.waits?.subscribe(() => {
      const n = g.waits!.waiting('throttled');
      if (n > 0 && before === 0) progress(`Resource Graph: ${n} request(s) waiting on throttling (its quota reset or Retry-After is honoured)`);
      before = n;
    });
    try {
      yield* g.resourceGraphPages(query, scope, target.top !== undefined ? { top: target.top } : {});
    } catch (error) {
      azureErrorFrom('reading the estate from Azure Resource Graph', error);
    } finally {
      unsubscribe?.();
    }
  };
  const types = applicableTypes(units);
  progress(`Reading ${types ? `${types.size} resource type(s)` : 'every resource type'} under ${target.label} from Azure Resource Graph...`);
  return resourceGraphSource({ pages, scope: target.scope, types, problems, progress, label: `resource graph (${target.label})` });
}

export async function runEvaluation(options: EvaluateOptions & { graph?: GraphTarget }): Promise<EvaluateReport> {
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
  const units = previewUnits(policies, assignmentValues, problems, options.compareEffect);
  const progress = options.progress ?? (() => {});
  let source = options.source;
  let workers = options.workers;
  if (!source && options.graph) source = await graphSource(options.graph, units, problems, progress);
  if (!source) {
    const paths = options.resources ?? [];
    let lastReport = 0;
    let bar: { task: ProgressTask; shown: number } | undefined;
    const mb = (bytes: number) => Math.floor(bytes / 1_048_576);
    source = fileSource(paths, problems, {
      knownTypes: catalogTypes(),
      streamAboveBytes: options.streamAboveBytes ?? DEFAULT_STREAM_ABOVE_BYTES,
      onFile: (file, count, bytes) => {
        // Files are read one after another: a streamed file's bar ends with it (the stream reports only every
        // `progressEvery` entries, so the last stretch is ticked here).
        if (bar) {
          bar.task.tick(mb(bytes) - bar.shown);
          bar.task.done();
          bar = undefined;
        }
        if (bytes > 5_000_000 || count - lastReport >= 10_000) {
          lastReport = count;
          progress(`read ${file}: ${count} resources so far`);
        }
      },
      onStreamProgress: (file, entries, read, total) => {
        if (!options.streamProgress) return progress(`reading ${file}: ${entries} resources, ${Math.round((100 * read) / Math.max(1, total))}%`);
        bar ??= { task: options.streamProgress(`reading ${file} (MB)`, mb(total)), shown: 0 };
        bar.task.tick(mb(read) - bar.shown);
        bar.shown = mb(read);
      },
    });
    workers ??= defaultWorkers(inputBytes(paths), options.streamAboveBytes ?? DEFAULT_STREAM_ABOVE_BYTES);
  }
  return runPreview({
    units,
    source,
    problems,
    // Resource Graph has no rows for children ARM returns inline (subnets, security rules, routes): a compliance
    // scan evaluates them, so the preview expands them from their parents.
    expandChildren: Boolean(options.expandChildren) || options.graph !== undefined,
    maxFindings: options.maxFindings ?? DEFAULT_MAX_FINDINGS,
    ...(options.exemptions ? { exemptions: options.exemptions } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.apiVersion !== undefined ? { apiVersion: options.apiVersion } : {}),
    workers: workers ?? 0,
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
    progress,
    // An estate without a resource the policies apply to is an answer; export files without resources are not.
    ...(options.source || options.graph ? {} : { emptyHint: 'export them with az resource show --ids ..., az resource list -o json or az graph query -o json' }),
  });
}

export function exitCodeFor(report: EvaluateReport): ExitCode {
  if (report.summary.denied > 0) return ExitCode.checkFailed;
  if (report.problems.some((p) => p.severity === 'error')) return ExitCode.badInput;
  return ExitCode.ok;
}

const USAGE = 'ztpolicy evaluate --policy generated/ (--resources export.json | --mg ID | --subscription ID) [--parameters values.json] [--compare-effect Deny] [--json | --markdown]';

export const run: CommandRun<EvaluateArgs> = async (args, io, result) => {
  // `--policy` given without a value parses as an empty list, which yargs' demandOption lets through.
  const targets = [args.resources?.length ? 'resources' : undefined, args.mg ? 'mg' : undefined, args.subscription?.length ? 'subscription' : undefined].filter(Boolean);
  if (!args.policy?.length || targets.length !== 1) {
    throw new BadInputError(
      InputCode.usage,
      !args.policy?.length ? 'evaluate needs --policy' : targets.length === 0 ? 'evaluate needs --resources, --mg or --subscription' : `evaluate reads one source of resources; got --${targets.join(' and --')}`,
      { hint: USAGE },
    );
  }
  if (args.json && args.markdown) throw new BadInputError(InputCode.usage, 'choose one of --json and --markdown', { hint: USAGE });
  if (args.maxFindings !== undefined && (!Number.isInteger(args.maxFindings) || args.maxFindings < 0)) {
    throw new BadInputError(InputCode.usage, `--max-findings must be a whole number >= 0 (0 lists all), not ${String(args.maxFindings)}`, { hint: USAGE });
  }
  if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 0 || args.workers > 64)) {
    throw new BadInputError(InputCode.usage, `--workers must be a whole number from 0 to 64, not ${String(args.workers)}`, { hint: USAGE });
  }
  // ARM api-version syntax: a date, optionally with a suffix (2024-07-01, 2023-05-01-preview).
  if (args.apiVersion !== undefined && !/^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9]+)?$/.test(args.apiVersion)) {
    throw new BadInputError(InputCode.usage, `--api-version must be an ARM API version like 2024-07-01 or 2023-05-01-preview, not '${args.apiVersion}'`, { hint: USAGE });
  }
  const say = reporter(io, args);
  const progress = say.info;
  const exemptions = loadExemptionDocuments(args.exemptions ?? defaultExemptionPaths(args.policy));
  for (const line of exemptionSummaries(exemptions, new Date())) say.detail(line);
  const report = await runEvaluation({
    policy: args.policy,
    ...(args.resources?.length ? { resources: args.resources } : {}),
    ...(args.mg || args.subscription?.length
      ? {
          graph: {
            scope: args.mg ? { managementGroups: [args.mg] } : { subscriptions: args.subscription! },
            label: args.mg ? `management group ${args.mg}` : `subscription ${args.subscription!.join(', ')}`,
            ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
            ...(args.verbose ? { log: say.detail } : {}),
          },
        }
      : {}),
    ...(args.parameters ? { parameters: args.parameters } : {}),
    ...(args.compareEffect ? { compareEffect: args.compareEffect } : {}),
    ...(args.apiVersion !== undefined ? { apiVersion: args.apiVersion } : {}),
    ...(args.maxFindings !== undefined ? { maxFindings: args.maxFindings } : {}),
    ...(args.workers !== undefined ? { workers: args.workers } : {}),
    ...(args.chunkSize !== undefined ? { chunkSize: args.chunkSize } : {}),
    ...(args.streamAbove !== undefined ? { streamAboveBytes: args.streamAbove } : {}),
    expandChildren: args.expandChildren,
    exemptions,
    progress,
    ...(say.quiet ? {} : { streamProgress: cliProgress(io, { minTotal: 1 }) }),
  });
  if (args.json) writeJson(report, io.stdout);
  else if (args.markdown) io.stdout(renderMarkdown(report));
  else writeText(report, io.stdout, say.out);
  result.exitCode = exitCodeFor(report);
};
