/**
 * The impact preview's engine: policies (already loaded and resolved into units) against a stream of resource
 * entries (export files, or Azure Resource Graph), evaluated as they arrive, in chunks, on the main thread or on
 * worker threads, with findings kept in input order.
 *
 * Memory stays bounded by the chunk size and the findings kept (at most `maxFindings` per member; the counts
 * are always complete), not by the size of the input: nothing holds the whole estate. The one exception is the
 * documents that answer auditIfNotExists/deployIfNotExists existence checks (`then.details.type`, e.g. the
 * diagnostic settings of every resource): they are collected first, in a pass that keeps only those types,
 * because a resource's related documents may come after it in the input.
 */
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import { compilePolicy } from '../evaluator/index.js';
import type { PolicyDefinitionInput } from '../evaluator/types.js';
import { BadInputError, isZtError } from '../errors.js';
import { InputCode, PARAM_REF, expandInlineChildren, inlineParentsOf, type InputProblem, type LoadedDefinition, type ResourceEntry } from '../io/evaluate-inputs.js';
import { OUTCOMES, type ChunkEntry, type ChunkResult, type ChunkSetup, type MemberSpec, type Outcome } from './chunk.js';
import { normaliseExportedResource } from './normalize.js';
import { CONTAINER_TYPES, ContainerContexts } from './containers.js';
import type { ExemptionRef } from '../evaluator/exemptions.js';
import type { PolicyExemptionDocument } from '../model.js';
import { inlineRunner, workerRunner, type ChunkRunner } from './pool.js';

export type { Outcome } from './chunk.js';
export { OUTCOMES } from './chunk.js';

export interface Finding {
  outcome: Outcome;
  effect: string;
  resourceId: string;
  resourceType: string;
  file: string;
  jsonPath: string;
  details?: JsonValue;
  error?: { code: string; message: string };
  /** outcome 'exempted': the exemption that covers the resource; `effect` is what it would have met. */
  exemption?: ExemptionRef;
}

export interface MemberReport {
  referenceId: string | null;
  definitionName: string;
  displayName: string;
  origin: LoadedDefinition['origin'];
  /** The effect this preview evaluated instead of the assigned one (--compare-effect). */
  effectOverride?: { from: JsonValue | null; to: string };
  /** Resources per outcome (complete even when findings are capped). */
  counts: Record<Outcome, number>;
  findings: Finding[];
  /** Findings counted but not listed (more than maxFindings). */
  findingsOmitted?: number;
  /** Set when the member was not evaluated (the problem with this code explains why). */
  notEvaluated?: string;
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

export interface PreviewMember {
  referenceId: string | null;
  definition: LoadedDefinition;
  parameters: Record<string, JsonValue>;
  effectOverride?: { from: JsonValue | null; to: string };
}

export interface PreviewUnit {
  name: string;
  kind: 'definition' | 'initiative';
  displayName: string;
  file: string;
  members: PreviewMember[];
}

/** Where the resources come from: read once for existence-check documents (when needed), once to evaluate. */
export interface ResourceSource {
  /** Every entry, in order. */
  entries(): AsyncIterable<ResourceEntry>;
  /** Entries of these lower-cased types only (undefined: every type); a source may filter at the server. */
  ofTypes(types: ReadonlySet<string> | undefined): AsyncIterable<ResourceEntry>;
  /** Why existence checks on this (lower-cased) type cannot be answered from this source, if they cannot. */
  cannotAnswer?(relatedType: string): string | undefined;
}

export interface EngineOptions {
  units: PreviewUnit[];
  source: ResourceSource;
  /** Problems found so far; the engine appends its own. */
  problems: InputProblem[];
  expandChildren?: boolean;
  /** Findings listed per member (0: all). Default 1,000: bounded memory at any input size. */
  maxFindings?: number;
  /** Worker threads (0: evaluate on the main thread). */
  workers?: number;
  /** Resources per chunk (default 2,000). */
  chunkSize?: number;
  progress?: (line: string) => void;
  /** Exemption documents; a finding one covers is reported as exempted. */
  exemptions?: PolicyExemptionDocument[];
  /** Clock for exemption expiry (default: now). */
  now?: Date;
  /** Evaluate as writes at this API version (requestContext().apiVersion); absent: a compliance scan. */
  apiVersion?: string;
  /** Hint for the "no resource found" error; without it an empty source is an empty report. */
  emptyHint?: string;
}

export const DEFAULT_MAX_FINDINGS = 1_000;

/**
 * Lower-cased resource types the members can apply to (the literal type conditions every match requires), or
 * undefined when one of them can apply to any type: what a source needs to read.
 */
export function applicableTypes(units: readonly PreviewUnit[]): Set<string> | undefined {
  const types = new Set<string>();
  for (const u of units)
    for (const m of u.members) {
      let compiled;
      try {
        compiled = compilePolicy(m.definition.document as PolicyDefinitionInput, { trace: false });
      } catch (error) {
        if (!isZtError(error)) throw error;
        continue; // reported when the preview runs
      }
      if (!compiled.resourceTypes) return undefined;
      for (const t of compiled.resourceTypes) types.add(t.toLowerCase());
    }
  return types;
}
export const DEFAULT_CHUNK_SIZE = 2_000;

export function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function policyDisplayName(doc: JsonObject): string {
  const p = doc.properties;
  return isObject(p) && typeof p.displayName === 'string' ? p.displayName : String(doc.name);
}

/**
 * The related type an auditIfNotExists/deployIfNotExists member asks about (then.details.type), lower-cased:
 * a literal, or `[parameters('x')]` resolved from the member's values or the parameter's default. Undefined when
 * the member has no existence check; 'unknown' when the type is an expression the preview cannot resolve.
 */
/** A key of an object, matched case-insensitively as ARM reads policy JSON. */
function prop(o: unknown, key: string): unknown {
  return isObject(o) ? Object.entries(o).find(([k]) => k.toLowerCase() === key)?.[1] : undefined;
}

/** The `then` block of a definition document ({ name, properties: { policyRule } }). */
export function ruleThen(document: JsonObject): JsonObject | undefined {
  const props = document.properties;
  const then = prop(isObject(props) ? props.policyRule : undefined, 'then');
  return isObject(then) ? then : undefined;
}

/** A template call that reads a resource's containers (case-insensitive, as template function names are). */
const CONTEXT_CALL = /\b(?:resourcegroup|subscription)\s*\(/i;

export function relatedTypeOf(member: PreviewMember): string | 'unknown' | undefined {
  const props = member.definition.document.properties;
  const then = ruleThen(member.definition.document);
  const type = prop(prop(then, 'details'), 'type');
  if (typeof type !== 'string') return undefined;
  if (!type.startsWith('[')) return type.toLowerCase();
  const m = PARAM_REF.exec(type);
  if (!m) return 'unknown';
  const name = m[1]!.toLowerCase();
  const given = Object.entries(member.parameters).find(([k]) => k.toLowerCase() === name)?.[1];
  const declared = isObject(props) && isObject(props.parameters) ? Object.entries(props.parameters).find(([k]) => k.toLowerCase() === name)?.[1] : undefined;
  const value = given ?? (isObject(declared) ? declared.defaultValue : undefined);
  return typeof value === 'string' ? value.toLowerCase() : 'unknown';
}

function policyProblem(file: string, member: PreviewMember, error: { code?: string; message?: string; hint?: string; jsonPath?: string }): InputProblem {
  return {
    file,
    ...(error.jsonPath ? { jsonPath: error.jsonPath } : {}),
    code: typeof error.code === 'string' ? error.code : InputCode.policyFailed,
    severity: 'error',
    message: `policy ${member.definition.name}${member.referenceId ? ` (member ${member.referenceId})` : ''} cannot be evaluated: ${error.message ?? 'unknown error'}; it is skipped`,
    ...(error.hint ? { hint: error.hint } : {}),
  };
}

/** Entry as evaluated: envelope normalised, and (with expandChildren) its inline children after it. */
function preparer(expandChildren: boolean): (entry: ResourceEntry) => ResourceEntry[] {
  // Ids of children already evaluated: a child written inline in its parent and exported on its own too is
  // evaluated once, whichever comes first.
  const children = new Set<string>();
  return (entry) => {
    const e = { ...entry, resource: normaliseExportedResource(entry.resource) };
    if (!expandChildren) return [e];
    const id = typeof e.resource.id === 'string' ? e.resource.id.toLowerCase() : undefined;
    if (id !== undefined && children.has(id)) return [];
    const all = expandInlineChildren([e]);
    for (const c of all.slice(1)) children.add(String(c.resource.id).toLowerCase());
    return all;
  };
}

export async function runPreview(options: EngineOptions): Promise<EvaluateReport> {
  const progress = options.progress ?? (() => {});
  const problems = options.problems;
  const maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);

  // Flatten the members; compile each once here to report malformed definitions and parameter values per
  // policy (ZT5007 required parameter without value, ZT5008 outside allowedValues, ZT5009 wrong type) even when
  // no resource is a candidate. A member that fails is reported and not evaluated.
  const flat: Array<{ unit: number; member: PreviewMember; ok: boolean; why?: string }> = [];
  options.units.forEach((unit, u) => {
    for (const member of unit.members) {
      let ok = true;
      try {
        compilePolicy(member.definition.document as PolicyDefinitionInput, { trace: false }).checkParameters(member.parameters);
      } catch (error) {
        if (!isZtError(error)) throw error;
        const problem = policyProblem(member.definition.file, member, error);
        problems.push(problem);
        ok = false;
        flat.push({ unit: u, member, ok, why: problem.code });
        continue;
      }
      flat.push({ unit: u, member, ok });
    }
  });
  // Existence checks the source cannot answer (a type it has no data for): the member is reported, not guessed.
  for (const f of flat) {
    if (!f.ok) continue;
    const t = relatedTypeOf(f.member);
    const why = t !== undefined && t !== 'unknown' ? options.source.cannotAnswer?.(t) : undefined;
    if (why === undefined) continue;
    f.ok = false;
    f.why = InputCode.resourceGraph;
    problems.push({
      file: f.member.definition.file,
      code: InputCode.resourceGraph,
      severity: 'warning',
      message: `policy ${f.member.definition.name}${f.member.referenceId ? ` (member ${f.member.referenceId})` : ''} is not previewed: ${why}`,
      hint: 'preview it on an export that includes those resources (--resources), or read its compliance after assignment',
    });
  }
  const evaluated = flat.map((f, i) => ({ ...f, index: i })).filter((f) => f.ok);

  const prepare = preparer(Boolean(options.expandChildren));
  // Existence-check documents first (only their types; all types if one cannot be resolved).
  const relatedTypes = new Set<string>();
  let allTypes = false;
  for (const f of evaluated) {
    const t = relatedTypeOf(f.member);
    if (t === 'unknown') allTypes = true;
    else if (t !== undefined) relatedTypes.add(t);
  }
  const related: JsonObject[] = [];
  // Resource groups and subscriptions in the input (az group list, Subscriptions - Get) are the resourceGroup()
  // and subscription() of the resources they hold, read in the same pass (a source that already knows them,
  // Resource Graph, has set each entry's context).
  const containers = new ContainerContexts();
  // The first pass costs a whole read of the input (for a streamed export: parsing it all once more). Only existence
  // checks (related documents) and resourceGroup()/subscription() (the containers) need it: a rule that uses
  // neither is evaluated in one pass.
  const needsContainers = evaluated.some((f) => CONTEXT_CALL.test(JSON.stringify(f.member.definition.document)));
  if (allTypes || relatedTypes.size > 0 || needsContainers) {
    const relatedPrepare = preparer(Boolean(options.expandChildren));
    // With --expand-children a related child (a subnet) may only exist inline in its parent (a VNet): read the parents too.
    const wanted = new Set([...relatedTypes, ...CONTAINER_TYPES]);
    if (options.expandChildren) for (const t of relatedTypes) for (const p of inlineParentsOf(t)) wanted.add(p);
    for await (const raw of options.source.ofTypes(allTypes ? undefined : wanted)) {
      for (const e of relatedPrepare(raw)) {
        const type = String(e.resource.type).toLowerCase();
        if (!e.context && CONTAINER_TYPES.has(type)) containers.add(e.resource);
        if (allTypes || relatedTypes.has(type)) related.push(e.resource);
      }
    }
  }

  const setup: ChunkSetup = {
    members: evaluated.map(
      (f): MemberSpec => ({
        document: f.member.definition.document,
        parameters: f.member.parameters,
        referenceId: f.member.referenceId,
        ...(options.units[f.unit]!.kind === 'initiative' ? { initiative: options.units[f.unit]!.name } : {}),
      }),
    ),
    related,
    maxFindings,
    ...(options.exemptions?.length ? { exemptions: options.exemptions } : {}),
    ...(options.now ? { now: options.now.toISOString() } : {}),
    ...(options.apiVersion !== undefined ? { apiVersion: options.apiVersion } : {}),
  };
  const reports: PolicyReport[] = options.units.map((u) => ({ name: u.name, kind: u.kind, displayName: u.displayName, file: u.file, counts: emptyCounts(), members: [] }));
  const memberReports: MemberReport[] = flat.map((f) => {
    const mr: MemberReport = {
      referenceId: f.member.referenceId,
      definitionName: f.member.definition.name,
      displayName: policyDisplayName(f.member.definition.document),
      origin: f.member.definition.origin,
      ...(f.member.effectOverride ? { effectOverride: f.member.effectOverride } : {}),
      counts: emptyCounts(),
      findings: [],
      ...(f.why ? { notEvaluated: f.why } : {}),
    };
    reports[f.unit]!.members.push(mr);
    return mr;
  });
  const summary: EvaluateReport['summary'] = { ...emptyCounts(), policies: options.units.length, members: flat.length, resources: 0, evaluations: 0, errors: 0, problems: 0 };
  // Per evaluated member: its report's counts (undone when the member turns out broken).
  const memberCounts = evaluated.map((f) => memberReports[f.index]!.counts);
  const broken = new Set<number>();

  const runner: ChunkRunner = options.workers && options.workers > 0 ? workerRunner(setup, options.workers) : inlineRunner(setup);
  const inFlight: Array<{ meta: ResourceEntry[]; result: Promise<ChunkResult> }> = [];
  const merge = (meta: ResourceEntry[], r: ChunkResult): void => {
    summary.evaluations += r.evaluations;
    summary.errors += r.errors;
    for (const f of r.failures) {
      if (broken.has(f.member)) continue;
      broken.add(f.member);
      const ev = evaluated[f.member]!;
      const problem = policyProblem(ev.member.definition.file, ev.member, f);
      problems.push(problem);
      memberReports[ev.index]!.notEvaluated = problem.code;
      // Undo what the member reported before it failed: a half-evaluated policy would mislead.
      const counts = memberCounts[f.member]!;
      for (const o of OUTCOMES) {
        reports[ev.unit]!.counts[o] -= counts[o];
        summary[o] -= counts[o];
        counts[o] = 0;
      }
      const mr = memberReports[ev.index]!;
      mr.findings = [];
      delete mr.findingsOmitted;
    }
    for (const o of r.overflow) {
      if (broken.has(o.member)) continue;
      const ev = evaluated[o.member]!;
      memberCounts[o.member]![o.outcome] += o.count;
      reports[ev.unit]!.counts[o.outcome] += o.count;
      summary[o.outcome] += o.count;
      const mr = memberReports[ev.index]!;
      mr.findingsOmitted = (mr.findingsOmitted ?? 0) + o.count;
    }
    for (const h of r.hits) {
      if (broken.has(h.member)) continue;
      const ev = evaluated[h.member]!;
      memberCounts[h.member]![h.outcome]!++;
      reports[ev.unit]!.counts[h.outcome]++;
      summary[h.outcome]++;
      const mr = memberReports[ev.index]!;
      if (maxFindings > 0 && mr.findings.length >= maxFindings) {
        mr.findingsOmitted = (mr.findingsOmitted ?? 0) + 1;
        continue;
      }
      const entry = meta[h.entry]!;
      const finding: Finding = {
        outcome: h.outcome,
        effect: h.effect,
        resourceId: String(entry.resource.id ?? entry.resource.name),
        resourceType: String(entry.resource.type),
        file: entry.file,
        jsonPath: entry.jsonPath,
      };
      if (h.details !== undefined) finding.details = h.details;
      if (h.error) finding.error = h.error;
      if (h.exemption) finding.exemption = h.exemption;
      mr.findings.push(finding);
    }
  };

  // Resources without properties (plain `az resource list`): said once per file, not once per resource.
  const withoutProperties = new Map<string, { first: ResourceEntry; count: number }>();
  let chunk: ResourceEntry[] = [];
  let lastProgress = Date.now();
  const send = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const meta = chunk;
    chunk = [];
    // Only what the evaluator reads crosses to a worker; file and JSON path stay here for the findings.
    const entries: ChunkEntry[] = meta.map((e) => (e.context ? { resource: e.resource, context: e.context } : { resource: e.resource }));
    const result = runner.run(entries);
    // Awaited in order below; marked handled now so a failure of a later chunk is not reported as unhandled
    // while an earlier one is awaited.
    result.catch(() => {});
    inFlight.push({ meta, result });
    while (inFlight.length >= runner.capacity) {
      const next = inFlight.shift()!;
      merge(next.meta, await next.result);
    }
    const now = Date.now();
    if (now - lastProgress > 2000) {
      lastProgress = now;
      progress(`evaluated ${summary.resources} resources (${summary.evaluations} policy x resource pairs)`);
    }
  };
  try {
    for await (const raw of options.source.entries()) {
      for (const prepared of prepare(raw)) {
        const context = prepared.context ? undefined : containers.contextOf(String(prepared.resource.id ?? ''));
        const e = context ? { ...prepared, context } : prepared;
        summary.resources++;
        if (!isObject(e.resource.properties) && String(e.resource.type).toLowerCase() !== 'microsoft.resources/subscriptions') {
          const w = withoutProperties.get(e.file);
          if (w) w.count++;
          else withoutProperties.set(e.file, { first: e, count: 1 });
        }
        chunk.push(e);
        if (chunk.length >= chunkSize) await send();
      }
    }
    await send();
    while (inFlight.length > 0) {
      const next = inFlight.shift()!;
      merge(next.meta, await next.result);
    }
  } finally {
    await runner.close();
  }
  if (summary.resources === 0 && options.emptyHint !== undefined && !problems.some((p) => p.severity === 'error')) {
    throw new BadInputError(InputCode.emptyInput, 'no resource documents found', { ...(options.emptyHint ? { hint: options.emptyHint } : {}) });
  }
  for (const [file, { first, count }] of withoutProperties) {
    problems.push({
      file,
      jsonPath: first.jsonPath,
      code: InputCode.noProperties,
      severity: 'warning',
      message:
        count === 1
          ? `${String(first.resource.name ?? first.resource.id)} has no "properties"; conditions on them see missing values`
          : `${count} resources (the first at ${first.jsonPath}) have no "properties"; conditions on them see missing values`,
      hint: 'az resource list omits properties: export with az resource show --ids ... or az graph query',
    });
  }
  summary.problems = problems.length;
  return { schemaVersion: 1, summary, policies: reports, problems };
}
