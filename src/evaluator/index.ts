/**
 * Offline Azure Policy evaluator: public surface.
 *
 *   evaluatePolicy({ definition, resource, parameters, aliases, apiVersion, context, related })
 *   compilePolicy(definition, { aliases, ...options }).evaluate(resource, { parameters, context, related })
 *   createPolicyIndex(compiledPolicies).evaluateAll(resource)
 *   parseExpression("[concat('a', parameters('p'))]")
 */
export { evaluatePolicy, compilePolicy, bundledAliasSource, aliasSourceFor, CompiledPolicy } from './evaluate.js';
export type { CompileOptions, RunInput } from './evaluate.js';
export { createPolicyIndex } from './policy-index.js';
export type { PolicyIndex, IndexedResult } from './policy-index.js';
export {
  parseExpression,
  isExpression,
  checkFunctions,
  calledFunctions,
  POLICY_FUNCTIONS,
  DEPLOYMENT_ONLY_FUNCTIONS,
} from './expression-parser.js';
export type { ExprNode, LiteralValue } from './expression-parser.js';
export { aliasSourceFromJson, layeredAliasSource } from './aliases.js';
export type { AliasSource, EvaluatorAlias, EvaluatorResourceType } from './aliases.js';
export { FUNCTIONS } from './functions.js';
export { EvaluatorCode, PolicyDefinitionError, ParameterValueError, EvaluationError } from './errors.js';
export type * from './types.js';
export { applyMutations } from './mutate.js';
export { coveringExemption, exemptionFor, isAtOrBelowScope, type ExemptionRef } from './exemptions.js';
export type { MutationOutcome } from './mutate.js';
export { templateResources } from './template.js';
