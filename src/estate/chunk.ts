/**
 * Evaluates a chunk of resources against every member of a preview: the unit of work that runs on the main
 * thread for small inputs and in worker threads (worker.ts) for large ones. Everything here is plain data in,
 * plain data out (structured-clone safe), so a chunk gives the same result wherever it runs.
 */
import type { JsonObject, JsonValue } from '../compiler/canonical-json.js';
import { fold } from '../evaluator/case-fold.js';
import { compilePolicy, type CompiledPolicy } from '../evaluator/index.js';
import type { EvaluationContext, PolicyDefinitionInput, RelatedLookup } from '../evaluator/types.js';
import { isObject, setOwn } from '../evaluator/values.js';
import { isZtError } from '../errors.js';
import { relatedLookupFrom } from '../io/evaluate-inputs.js';
import { coveringExemption, type ExemptionRef } from '../evaluator/exemptions.js';
import type { PolicyExemptionDocument } from '../model.js';

export type Outcome = 'denied' | 'audited' | 'modified' | 'appended' | 'deployIfNotExists' | 'auditIfNotExists' | 'denyAction' | 'manual' | 'exempted';
export const OUTCOMES: readonly Outcome[] = ['denied', 'audited', 'modified', 'appended', 'deployIfNotExists', 'auditIfNotExists', 'denyAction', 'manual', 'exempted'];

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

export interface MemberSpec {
  /** The definition document ({ name, properties }). */
  document: JsonObject;
  parameters: Record<string, JsonValue>;
  /** The initiative it is a member of (exemptions name an initiative assignment and reference ids). */
  initiative?: string;
  referenceId: string | null;
}

export interface ChunkSetup {
  members: MemberSpec[];
  /** Documents that answer auditIfNotExists/deployIfNotExists existence checks. */
  related: JsonObject[];
  /**
   * Hits listed in full per member (0: all). Beyond it only counts are returned: chunks reach an evaluator in
   * input order, so a member's first `maxFindings` hits overall are among the first `maxFindings` this
   * evaluator sees, and nothing listed is lost; the rest is not built (no details) nor copied between threads.
   */
  maxFindings?: number;
  /** Exemption documents: a finding one covers is reported as exempted (evaluator/exemptions.ts). */
  exemptions?: PolicyExemptionDocument[];
  /** The time exemptions expire against (ISO 8601; default: now). */
  now?: string;
  /** Evaluate as writes at this API version (requestContext().apiVersion); absent: a compliance scan. */
  apiVersion?: string;
}

export interface ChunkEntry {
  resource: JsonObject;
  context?: EvaluationContext;
}

export interface ChunkHit {
  member: number;
  /** Index of the resource in the chunk. */
  entry: number;
  outcome: Outcome;
  effect: string;
  details?: JsonValue;
  error?: { code: string; message: string };
  exemption?: ExemptionRef;
}

export interface ChunkFailure {
  member: number;
  /** Index of the resource in the chunk whose evaluation threw. */
  entry: number;
  code?: string;
  message: string;
  hint?: string;
  jsonPath?: string;
}

export interface ChunkResult {
  hits: ChunkHit[];
  evaluations: number;
  errors: number;
  /** Members that cannot be evaluated (a parameter without value, a malformed rule found at run time). */
  failures: ChunkFailure[];
  /** Hits beyond maxFindings, counted by member and outcome. */
  overflow: Array<{ member: number; outcome: Outcome; count: number }>;
}

/**
 * Details as a finding keeps them. Dropped: the evaluated resource that existence-check details echo
 * (query.resource; the finding already names it) and a deployIfNotExists deployment's template (the same for
 * every finding: it is in the definition; the deployment's parameters, evaluated for this resource, stay). At
 * 30,000 resources these echoes made 180 MB of a 190 MB report.
 */
export function compactDetails(details: unknown): JsonValue {
  const strip = (v: unknown, key: string | undefined): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, undefined));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (key === 'query' && k === 'resource') continue;
      if (key === undefined && k === 'deployment' && isObject(x) && isObject(x.properties) && 'template' in x.properties) {
        const { template: _template, ...properties } = x.properties;
        setOwn(out, k, strip({ ...x, properties }, k));
        continue;
      }
      if (x !== undefined) setOwn(out, k, strip(x, k));
    }
    return out;
  };
  return strip(details, undefined) as JsonValue;
}

export class ChunkEvaluator {
  private readonly compiled: Array<CompiledPolicy | undefined>;
  private readonly byType = new Map<string, number[]>();
  private readonly anyType: number[] = [];
  private readonly merged = new Map<string, readonly number[]>();
  private readonly lookup: RelatedLookup;
  /** Members that failed once: skipped from then on (the main thread reports them). */
  private readonly failed = new Set<number>();
  /** Hits listed so far per member. */
  private readonly listed: number[];

  constructor(private readonly setup: ChunkSetup) {
    this.compiled = setup.members.map((m) => {
      try {
        const c = compilePolicy(m.document as PolicyDefinitionInput, { trace: false });
        c.checkParameters(m.parameters);
        return c;
      } catch (error) {
        // Reported by the main thread, which compiles every member once before any chunk runs.
        if (!isZtError(error)) throw error;
        return undefined;
      }
    });
    this.compiled.forEach((c, i) => {
      if (!c) return;
      if (!c.resourceTypes) this.anyType.push(i);
      else
        for (const t of c.resourceTypes) {
          let l = this.byType.get(t);
          if (!l) this.byType.set(t, (l = []));
          l.push(i);
        }
    });
    this.listed = setup.members.map(() => 0);
    const related = relatedLookupFrom(setup.related);
    this.lookup = (q) => related(q);
  }

  /** Members that can apply to a resource type, in member order. */
  private candidates(type: string): readonly number[] {
    const key = fold(type);
    let c = this.merged.get(key);
    if (!c) this.merged.set(key, (c = [...(this.byType.get(key) ?? []), ...this.anyType].sort((a, b) => a - b)));
    return c;
  }

  evaluate(entries: readonly ChunkEntry[]): ChunkResult {
    const result: ChunkResult = { hits: [], evaluations: 0, errors: 0, failures: [], overflow: [] };
    const max = this.setup.maxFindings ?? 0;
    const exemptions = this.setup.exemptions ?? [];
    const now = this.setup.now !== undefined ? new Date(this.setup.now) : new Date();
    const overflow = new Map<string, { member: number; outcome: Outcome; count: number }>();
    for (let e = 0; e < entries.length; e++) {
      const { resource, context } = entries[e]!;
      for (const m of this.candidates(String(resource.type))) {
        if (this.failed.has(m)) continue;
        const policy = this.compiled[m]!;
        result.evaluations++;
        let r;
        try {
          r = policy.evaluate(resource, {
            parameters: this.setup.members[m]!.parameters,
            related: this.lookup,
            ...(context ? { context } : {}),
            ...(this.setup.apiVersion !== undefined ? { apiVersion: this.setup.apiVersion } : {}),
          });
        } catch (error) {
          // A parameter without value or a rule malformed in a way only a run shows: the member is skipped.
          if (!isZtError(error)) throw error;
          this.failed.add(m);
          const x = error as { code?: string; message: string; hint?: string; jsonPath?: string };
          result.failures.push({ member: m, entry: e, message: x.message, ...(x.code ? { code: x.code } : {}), ...(x.hint ? { hint: x.hint } : {}), ...(x.jsonPath ? { jsonPath: x.jsonPath } : {}) });
          continue;
        }
        if (r.error) result.errors++;
        const effect = r.effect;
        if (!effect) continue;
        const acted = EFFECT_OUTCOME[effect];
        if (!acted) continue; // mutate / addToNetworkGroup: resource-provider modes, nothing to preview here
        // auditIfNotExists/deployIfNotExists act only when the existence check failed (NonCompliant).
        if ((acted === 'deployIfNotExists' || acted === 'auditIfNotExists') && r.compliance !== 'NonCompliant') continue;
        // An exemption of this initiative (and member) at or above the resource: Azure skips it.
        const spec = this.setup.members[m]!;
        const exempt = spec.initiative !== undefined && exemptions.length > 0 ? coveringExemption(exemptions, spec.initiative, spec.referenceId, String(resource.id ?? ''), now) : undefined;
        const outcome: Outcome = exempt ? 'exempted' : acted;
        if (max > 0 && this.listed[m]! >= max) {
          const key = `${m} ${outcome}`;
          const o = overflow.get(key);
          if (o) o.count++;
          else overflow.set(key, { member: m, outcome, count: 1 });
          continue;
        }
        this.listed[m]!++;
        const hit: ChunkHit = { member: m, entry: e, outcome, effect };
        if (r.details !== undefined && r.details !== null && outcome !== 'denied' && outcome !== 'audited') hit.details = compactDetails(r.details);
        if (r.error) hit.error = r.error;
        if (exempt) hit.exemption = exempt;
        result.hits.push(hit);
      }
    }
    result.overflow = [...overflow.values()];
    return result;
  }
}
