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

/** Evaluating a well-formed rule against one resource failed (Azure: implicit deny). */
export class EvaluationError extends ZtError {
  constructor(code: string, message: string, options: { hint?: string; jsonPath?: string } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.checkFailed });
    this.name = 'EvaluationError';
  }
}
