/**
 * A control catalog: the list of control ids a project promises to cover, with what each id is and, where it is
 * not (yet) a policy, why. The umbrella initiative names its catalog (`defineInitiative({ catalog })`); the build
 * then derives each id's status from what the umbrella really contains (a custom control carrying the id, a
 * built-in member declared with `controlId`) and writes generated/summaries/coverage.md. An id with neither an
 * implementation nor a declared status fails the build (ZT1019), so the list is a promise, not a hope.
 */
import type { Principle, Unit } from '../model.js';

/** A catalog id that is deliberately not an Azure Policy: what to do instead, and where in Azure. */
export interface NotPolicyStatus {
  readonly kind: 'not-policy';
  /** Why Azure Policy cannot express it. */
  readonly why: string;
  /** What to do instead. */
  readonly instead: string;
  /** Where in Azure (service, blade, API) that is done. */
  readonly where: string;
}

/**
 * A catalog id with no implementation yet. The build reports it as a warning (ZT1021) and coverage.md lists it
 * as MISSING: an honest "not done", never counted as covered. Once the id is implemented the mark is stale
 * (warning ZT1023) and should be removed.
 */
export interface PendingStatus {
  readonly kind: 'pending';
  readonly why: string;
}

export interface CatalogControl {
  /** 'ZT-STG-01' */
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly principles: readonly Principle[];
  /** The catalog's implementation note (built-in GUID prefixes, "Custom (ALZ)", ...), shown to reviewers. */
  readonly implementation: string;
  /** The catalog's proposed effect ("Deny", "Audit→Deny", "DINE", ...). */
  readonly proposedEffect: string;
  /** Only for ids that are not implemented as policy; implemented ids get their status from the build. */
  readonly status?: NotPolicyStatus | PendingStatus;
}

/** A recommendation of the source articles that is not Azure Policy at all (no control id): documented, not generated. */
export interface NotPolicyItem {
  /** Stable key, e.g. 'np-mfa-conditional-access'. */
  readonly key: string;
  readonly title: string;
  /** The article step(s) it comes from. */
  readonly source: string;
  readonly why: string;
  readonly instead: string;
  readonly where: string;
}

export interface ControlCatalog {
  readonly kind: 'control-catalog';
  readonly name: string;
  /** Where the list comes from (document, section, snapshot). */
  readonly source: string;
  readonly controls: readonly CatalogControl[];
  readonly notPolicy: readonly NotPolicyItem[];
}

export function defineControlCatalog(spec: Omit<ControlCatalog, 'kind'>): ControlCatalog {
  return Object.freeze({
    kind: 'control-catalog',
    name: spec.name,
    source: spec.source,
    controls: Object.freeze(spec.controls.map((c) => Object.freeze({ ...c }))),
    notPolicy: Object.freeze(spec.notPolicy.map((n) => Object.freeze({ ...n }))),
  });
}
