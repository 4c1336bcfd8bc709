/**
 * The authoring API. Definitions and initiatives import everything from here:
 *   import { defineControl, param, allOf, anyOf, not, fn } from '../../src/dsl/index.js';
 */
export { defineControl, POLICY_MODES } from './control.js';
export type { Control, ControlSpec, PolicyMode, PolicyRule, RuleContext } from './control.js';
export { defineInitiative, member } from './initiative.js';
export { defineControlCatalog } from './control-catalog.js';
export type { CatalogControl, ControlCatalog, NotPolicyItem, NotPolicyStatus, PendingStatus } from './control-catalog.js';
export type {
  BuiltinMemberOptions,
  BuiltinMemberParameters,
  ControlInfo,
  ControlMemberOptions,
  ControlMemberParameters,
  GroupBy,
  Initiative,
  InitiativeSpec,
  Member,
  MemberParameterValue,
  MemberValue,
} from './initiative.js';
export { defineExemption, isExemption, EXEMPTION_CATEGORIES } from './exemption.js';
export type { Exemption, ExemptionCategory, ExemptionSpec, ExemptedMember } from './exemption.js';
export { param, ParamRef, EFFECT_NAMES } from './parameters.js';
export type { EffectName, EffectValue, ParameterMetadata, ParameterSpec, ParameterSpecs, ParamRefs } from './parameters.js';
export { allOf, anyOf, not, value, count, countValue, FieldRef, OPERATORS, isCondition } from './conditions.js';
export type { ArrayAlias, Condition, OperandData, Operator, OperatorMethods, Target } from './conditions.js';
export { fn, expr, literal, current, Expr, Literal, renderExpr } from './expressions.js';
export type { Arg, ExprKind, ExprNode } from './expressions.js';
export { fieldsOf, rawField, fieldExpr, ALIASLESS_RESOURCE_TYPES } from './fields.js';
export type { AliasesOf, FieldFn, FieldFnOf, FieldName, SpecialField, TargetResourceType } from './fields.js';
export {
  audit,
  deny,
  disabled,
  auditIfNotExists,
  deployIfNotExists,
  denyAction,
  manual,
  roles,
  roleDefinitionId,
  EFFECT_FAMILIES,
  isEffect,
} from './effects.js';
export type {
  DeployDetails,
  DeploymentSpec,
  DeploySpec,
  Effect,
  EffectFamily,
  EffectParam,
  EvaluationDelay,
  IfNotExistsDetails,
  IfNotExistsSpec,
  ModifyDetails,
  ModifyOperation,
  RoleDefinitionId,
} from './effects.js';
export {
  INTERNET_SOURCES,
  portSpecCovers,
  portSpecCoversAny,
  anySecurityRule,
  countRules,
  sourceIn,
  destinationPortsCoverAny,
  destinationPortsOnly,
  isInboundAllow,
  isDenyAllRule,
  denyRulePriorityParameter,
  outboundModeParameter,
  outboundBaselineDestination,
  denyAllRuleObject,
  subnetWithout,
  routeRoleTagNameParameter,
  routeRoleIs,
  blocksDenyAllRule,
  inlineRuleView,
  childRuleView,
} from './network.js';
export type { NsgRuleView, SecurityRuleProperty, SecurityRuleArray } from './network.js';
