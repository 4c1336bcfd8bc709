/**
 * Error codes of the offline evaluator. Authoring problems (a malformed rule, a bad expression, an undeclared
 * parameter) are thrown as PolicyDefinitionError; problems while evaluating a well-formed rule against one
 * resource are EvaluationError and end up as `{ effect: 'deny', error }` because Azure treats a failed
 * evaluation as an implicit deny (Learn, "definition structure policy rule").
 */
import { BadInputError, ZtError, ExitCode } from '../errors.js';

export const EvaluatorCode = {
  /** Template-language expression does not parse. */
  expressionSyntax: 'ZT5001',
  /** Function the policy language does not allow, or unknown. */
  unknownFunction: 'ZT5002',
  /** Policy rule shape is wrong (missing if/then/effect, unknown operator, bad count…). */
  ruleShape: 'ZT5003',
  /** A parameter is referenced but not declared, or has no value. */
  parameter: 'ZT5004',
  /** Unsupported definition mode (resource provider modes are evaluated by the RP). */
  unsupportedMode: 'ZT5005',
  /** Alias catalog input is malformed. */
  aliasCatalog: 'ZT5006',
  /**
   * A declared parameter has neither an assignment value nor a defaultValue. Azure refuses such an assignment
   * (the PUT fails: a required parameter needs a value), so it is reported before any resource is evaluated.
   */
  parameterMissing: 'ZT5007',
  /** An assignment value is not one of the parameter's allowedValues (Azure refuses the assignment). */
  parameterNotAllowed: 'ZT5008',
  /** An assignment value does not have the parameter's declared type (Azure refuses the assignment). */
  parameterType: 'ZT5009',
  /** Runtime: a template function failed (bad argument, out of range…). */
  functionFailed: 'ZT5101',
  /** Runtime: ordering operator over incompatible types, or a null right operand. */
  typeMismatch: 'ZT5102',
  /** Runtime: existence lookup for auditIfNotExists/deployIfNotExists is not possible. */
  related: 'ZT5103',
  /** Runtime: evaluated effect is not a known effect. */
  badEffect: 'ZT5104',
} as const;

/** The definition itself is wrong: thrown from compilePolicy/evaluatePolicy. */
export class PolicyDefinitionError extends BadInputError {
  constructor(code: string, message: string, options: { hint?: string; jsonPath?: string; file?: string } = {}) {
    super(code, message, options);
    this.name = 'PolicyDefinitionError';
  }
}

/**
 * The assignment's parameter values do not fit the definition's declared parameters (no value for a required
 * parameter, a value outside allowedValues, a value of the wrong type): Azure would refuse the assignment, so
 * there is nothing to evaluate. A PolicyDefinitionError (bad input, exit 2) with code ZT5007/ZT5008/ZT5009;
 * `parameters` names the offending parameters as the definition declares them.
 */
export class ParameterValueError extends PolicyDefinitionError {
  readonly parameters: readonly string[];
  constructor(code: string, message: string, parameters: readonly string[], options: { hint?: string; jsonPath?: string; file?: string } = {}) {
    super(code, message, options);
    this.name = 'ParameterValueError';
    this.parameters = parameters;
  }
}

/** Evaluating a well-formed rule against one resource failed (Azure: implicit deny). */
export class EvaluationError extends ZtError {
  constructor(code: string, message: string, options: { hint?: string; jsonPath?: string } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.checkFailed });
    this.name = 'EvaluationError';
  }
}
