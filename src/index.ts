/**
 * The public library API of ztpolicy (package "exports" "."). Authoring (DSL), compiling, validating, building,
 * evaluating and publishing. Test helpers for policy authors are a separate entry point: "ztpolicy/testing".
 * Names are listed explicitly so that two areas never silently shadow each other (both the DSL and the evaluator
 * have an expression AST, for example).
 */
export * from './errors.js';
export * from './model.js';
export { canonicalJson } from './compiler/canonical-json.js';
export type { JsonValue, JsonObject, JsonPrimitive } from './compiler/canonical-json.js';

// Authoring: the typed DSL (every export of src/dsl).
export * from './dsl/index.js';

// Typed catalogs generated from the published Azure data.
export { builtin, builtinPolicies, getBuiltinPolicy, getBuiltinDefinitionJson } from './catalog/builtins.js';
export type { BuiltinKey, BuiltinDefinitionDocument } from './catalog/builtins.js';
export {
  loadBundledAliases,
  suggestAlias,
  suggestResourceType,
  aliasCatalogFromPolicyAliasJson,
  overlayAliasCatalog,
} from './catalog/aliases.js';
export type { AliasCatalog, CatalogAliasEntry } from './catalog/aliases.js';
export type { ResourceType, AliasOf } from './catalog/alias-types.js';
export type { BuiltinPolicy, BuiltinParameter, BuiltinParameterValue, AliasEntry } from './catalog/types.js';

// Compiling and naming.
export { compileControl, compileInitiative, isControl, isInitiative, COMPILER_CODES } from './compiler/index.js';
export type { CompiledControl, CompiledInitiative } from './compiler/index.js';
export { assignmentName, checkPolicyName } from './compiler/naming.js';

// Validation (pure: documents in, diagnostics out) and the build of a whole project.
export { validateDefinition, validateInitiative, CODES, LIMITS } from './validate/index.js';
export { buildProject } from './io/build.js';
export type { BuildOptions, BuildResult } from './io/build.js';

// The offline evaluator.
export {
  evaluatePolicy,
  compilePolicy,
  createPolicyIndex,
  applyMutations,
  templateResources,
  aliasSourceFromJson,
  parseExpression,
  POLICY_FUNCTIONS,
  EvaluatorCode,
  PolicyDefinitionError,
  ParameterValueError,
  EvaluationError,
} from './evaluator/index.js';
export type { PolicyIndex, IndexedResult, MutationOutcome } from './evaluator/index.js';
export type {
  EffectName as EvaluatedEffect,
  ComplianceState,
  EvaluationContext,
  RelatedQuery,
  RelatedLookup,
  EvaluatorOptions,
  PolicyDefinitionInput,
  AliasCatalogInput,
  EvaluateInput,
  TraceEntry,
  ModifyOperationResult,
  ExistenceCheck,
  EvaluationResult,
} from './evaluator/types.js';

// Impact preview over files (what `ztpolicy evaluate` does).
export { loadPolicies, loadResources } from './io/evaluate-inputs.js';

// Publishing: config, plan (pure), apply.
export { loadConfig, parseConfig, configSchema } from './publisher/config.js';
export type { PublisherConfig } from './publisher/config.js';
export { loadContent } from './publisher/content.js';
export { planPublish } from './publisher/planner.js';
export type { Plan, PlanItem } from './publisher/planner.js';
export { applyPlan } from './publisher/executor.js';
export { AzureGateway } from './publisher/gateway.js';
export { openSession, readLiveState, planSession, applySession } from './publisher/session.js';
