/**
 * Exported documents as Azure Policy sees them: the ARM GET shape.
 */
import type { JsonObject } from '../compiler/canonical-json.js';

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
