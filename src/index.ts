/**
 * The public library API of ztpolicy (package "exports"). Each area exports from its own index.
 */
export * from './errors.js';
export * from './model.js';
export { canonicalJson } from './compiler/canonical-json.js';
export type { JsonValue, JsonObject, JsonPrimitive } from './compiler/canonical-json.js';
