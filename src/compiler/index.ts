/**
 * The compiler API used by `ztpolicy build` (src/cli) and the library: pure functions from DSL objects to the
 * documents of src/model.ts, each with all its diagnostics.
 */
export { compileControl, isControl } from './compile-control.js';
export type { CompiledControl, CompileOptions } from './compile-control.js';
export { compileInitiative, isInitiative } from './compile-initiative.js';
export type { CompiledInitiative } from './compile-initiative.js';
export { compileExemption, exemptionOutputPath, exemptionScopeKind, normalizeExpiry } from './compile-exemption.js';
export type { CompiledExemption, ExemptionScopeKind } from './compile-exemption.js';
export { isExemption } from '../dsl/exemption.js';
export { COMPILER_CODES } from './codes.js';
export type { CompilerCode } from './codes.js';
export {
  assignmentName,
  builtinReferenceId,
  checkPolicyName,
  controlReferenceId,
  definitionOutputPath,
  initiativeOutputPath,
  DEFINITION_NAME_MAX,
  MG_ASSIGNMENT_NAME_MAX,
} from './naming.js';
export { bundledAliasChecker, aliasCheckerFrom } from './aliases.js';
export type { AliasChecker, AliasProblem } from './aliases.js';
