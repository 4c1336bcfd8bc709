/** Assignment parameter values checked the way Azure checks an assignment (allowedValues, declared type). */
import { fold } from './case-fold.js';
import { EvaluatorCode, ParameterValueError } from './errors.js';
import { preview } from './operators.js';
import type { DefinitionParameter } from './types.js';
import { deepEqual, isObject, typeName } from './values.js';

/**
 * Learn (parameters): allowedValues is checked case-sensitively when the assignment is created; an Array
 * parameter's allowedValues list the allowed elements.
 */
export function checkAllowed(name: string, decl: DefinitionParameter, value: unknown): void {
  const allowed = decl.allowedValues;
  if (!Array.isArray(allowed) || allowed.length === 0) return;
  const isArrayParam = fold(decl.type ?? '') === 'array';
  const items = isArrayParam && Array.isArray(value) && !allowed.some((a) => Array.isArray(a)) ? value : [value];
  for (const item of items) {
    // Case-sensitive JSON deep equality: semantics note §2 ([PAR] DOC: "allowedValues is checked
    // case-sensitively at assignment time"), so 'deny' is refused when only 'Deny' is allowed.
    if (!allowed.some((a) => deepEqual(a, item))) {
      throw new ParameterValueError(EvaluatorCode.parameterNotAllowed, `parameter '${name}': ${preview(item)} is not one of its allowedValues ${preview(allowed)}`, [name], {
        hint: `Azure refuses such an assignment; pass one of ${preview(allowed)} (compared case-sensitively)`,
      });
    }
  }
}

/**
 * Semantics note §2 ([PAR]): parameter types are string, array, object, boolean, integer, float, dateTime, written
 * in any case. Azure validates an assignment value against the declared type; this is the cheap JSON-level check
 * (a dateTime is a string Date.parse reads; a float accepts any JSON number, an integer only whole numbers).
 * null and unknown type names are not checked (what ARM does with them is not documented).
 */
export function checkType(name: string, decl: DefinitionParameter, value: unknown): void {
  if (value === null || value === undefined || typeof decl.type !== 'string') return;
  let ok: boolean;
  switch (fold(decl.type)) {
    case 'string':
      ok = typeof value === 'string';
      break;
    case 'integer':
      ok = typeof value === 'number' && Number.isInteger(value);
      break;
    case 'float':
      ok = typeof value === 'number' && Number.isFinite(value);
      break;
    case 'boolean':
      ok = typeof value === 'boolean';
      break;
    case 'array':
      ok = Array.isArray(value);
      break;
    case 'object':
      ok = isObject(value);
      break;
    case 'datetime':
      ok = typeof value === 'string' && !Number.isNaN(Date.parse(value));
      break;
    default:
      return;
  }
  if (!ok) {
    throw new ParameterValueError(EvaluatorCode.parameterType, `parameter '${name}' is declared ${decl.type} but its value ${preview(value)} is ${typeName(value)}`, [name], {
      hint: `Azure refuses such an assignment; pass a ${decl.type} value for '${name}'`,
    });
  }
}
