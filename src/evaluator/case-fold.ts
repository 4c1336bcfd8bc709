/**
 * Case-insensitive string handling. Azure Policy compares strings with .NET InvariantCultureIgnoreCase, which
 * (ICU-backed) folds full Unicode case: "Straße" equals "STRASSE", "ﬁle" equals "FILE". JavaScript's
 * toLowerCase alone does not do that; upper-casing first expands ß, ligatures and final sigma, and lower-casing
 * the result gives a fold that matches .NET on those cases. ASCII-only strings take the fast path.
 */

export function fold(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return s.toUpperCase().toLowerCase();
  return s.toLowerCase();
}

export function equalsIgnoreCase(a: string, b: string): boolean {
  return a === b || fold(a) === fold(b);
}

/** Ordinal comparison of folded strings: -1, 0, 1. */
export function compareIgnoreCase(a: string, b: string): number {
  const fa = fold(a);
  const fb = fold(b);
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

/** Azure location names: "East US 2" equals "eastus2" (Learn: location fields are normalized). */
export function normalizeLocation(s: string): string {
  return fold(s).replace(/\s+/g, '');
}
