/**
 * Coverage of a control catalog by an initiative (the umbrella): pure, values in, report out.
 *
 * Each catalog id gets a status derived from what the initiative really contains, never from a claim:
 *   custom      a custom control carrying the id is a member
 *   built-in    a built-in member is declared with the id (`member(builtin.x, { controlId })`)
 *   both        both of the above
 *   not-policy  the catalog says it is not an Azure Policy (with why, what instead, where)
 *   missing     the catalog marks it `pending` (one warning ZT1021 lists them all): shown as MISSING, never covered
 * An id with no implementation and no status is an error (ZT1019); a member implementing an id the catalog does not
 * list is an error (ZT1020); an id marked not-policy that is implemented anyway is an error (ZT1022); a `pending`
 * mark on an implemented id is stale (warning ZT1023).
 */
import type { Diagnostic } from '../errors.js';
import type { CatalogControl, ControlCatalog } from '../dsl/control-catalog.js';
import { diagnostic } from './codes.js';

export interface Implementation {
  readonly controlId: string;
  readonly kind: 'custom' | 'built-in';
  /** Source file that implements it (definitions/<unit>/<name>.ts, or the initiative declaring the built-in). */
  readonly file: string;
  /** What it is: the control's policy name, or the built-in's display name and GUID prefix. */
  readonly label: string;
}

export type CoverageStatus = 'custom' | 'built-in' | 'both' | 'not-policy' | 'missing';

export interface CoverageRow {
  readonly control: CatalogControl;
  readonly status: CoverageStatus;
  readonly implementations: readonly Implementation[];
}

export interface CoverageReport {
  readonly catalog: ControlCatalog;
  /** The initiative the coverage is measured on. */
  readonly initiative: string;
  readonly rows: readonly CoverageRow[];
  readonly diagnostics: readonly Diagnostic[];
}

export function computeCoverage(catalog: ControlCatalog, initiative: string, implementations: readonly Implementation[], file: string): CoverageReport {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map<string, Implementation[]>();
  for (const impl of implementations) {
    const key = impl.controlId.toUpperCase();
    const list = byId.get(key) ?? [];
    if (!list.some((x) => x.kind === impl.kind && x.label === impl.label)) list.push(impl);
    byId.set(key, list);
  }
  const known = new Set(catalog.controls.map((c) => c.id.toUpperCase()));
  for (const [id, impls] of byId) {
    if (!known.has(id)) {
      diagnostics.push(
        diagnostic('ZT1020', {
          file: impls[0]!.file,
          message: `${impls.map((i) => i.label).join(', ')} implements control ${impls[0]!.controlId}, which catalog "${catalog.name}" does not list`,
        }),
      );
    }
  }
  const rows: CoverageRow[] = catalog.controls.map((control) => {
    const impls = [...(byId.get(control.id.toUpperCase()) ?? [])].sort((a, b) => (a.kind === b.kind ? (a.label < b.label ? -1 : 1) : a.kind === 'custom' ? -1 : 1));
    const jsonPath = `$.catalog.controls[?(@.id=='${control.id}')]`;
    if (impls.length > 0) {
      if (control.status?.kind === 'not-policy') {
        diagnostics.push(diagnostic('ZT1022', { file, jsonPath, message: `catalog id ${control.id} is marked "not policy" but ${impls.map((i) => i.label).join(', ')} implements it` }));
      } else if (control.status?.kind === 'pending') {
        diagnostics.push(diagnostic('ZT1023', { file, jsonPath, message: `catalog id ${control.id} is implemented (${impls.map((i) => i.label).join(', ')}) but still marked pending` }));
      }
      const custom = impls.some((i) => i.kind === 'custom');
      const builtin = impls.some((i) => i.kind === 'built-in');
      return { control, status: custom && builtin ? 'both' : custom ? 'custom' : 'built-in', implementations: impls };
    }
    if (control.status?.kind === 'not-policy') return { control, status: 'not-policy', implementations: [] };
    if (control.status?.kind === 'pending') return { control, status: 'missing', implementations: [] };
    diagnostics.push(
      diagnostic('ZT1019', {
        file,
        jsonPath,
        message: `catalog id ${control.id} (${control.title}) has no status: no member of ${initiative} implements it and the catalog gives no "not-policy" or "pending" status`,
      }),
    );
    return { control, status: 'missing', implementations: [] };
  });
  // One warning for all pending ids (not one per id): the list is what a reader needs, coverage.md has the detail.
  const pendingIds = rows.filter((r) => r.status === 'missing' && r.control.status?.kind === 'pending').map((r) => r.control.id);
  if (pendingIds.length > 0) {
    diagnostics.push(
      diagnostic('ZT1021', {
        file,
        jsonPath: '$.catalog.controls',
        message: `${pendingIds.length} of ${rows.length} catalog ids are not implemented yet (MISSING in summaries/coverage.md): ${pendingIds.join(', ')}`,
      }),
    );
  }
  return { catalog, initiative, rows, diagnostics };
}
