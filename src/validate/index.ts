/** Pure validation: emitted documents in, every Diagnostic out. */
export { CODES, codeInfo, diagnostic } from './codes.js';
export type { CodeInfo } from './codes.js';
export { validateDefinition, KNOWN_EFFECTS } from './definition.js';
export type { ValidateContext } from './definition.js';
export { validateInitiative, customMemberName } from './initiative.js';
export type { BuiltinInfo, InitiativeContext } from './initiative.js';
export { createRuleValidator, OVERLAYS, SCHEMA_FILES, SCHEMA_URL_PREFIX } from './schema.js';
export type { RuleValidator, SchemaDocuments } from './schema.js';
export { LIMITS, nameProblems } from './limits.js';
export { parseExpression, expressionStats, isExpression } from './expressions.js';
