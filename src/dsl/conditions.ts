/**
 * Policy rule conditions as data: leaf conditions `{ field | value | count, <operator>: target }` and the
 * logical operators allOf / anyOf / not (Learn "definition structure policy rule", Conditions).
 *
 * Operands are built fluently: `field('Microsoft.Storage/storageAccounts/minimumTlsVersion').notEquals('TLS1_2')`,
 * `value(fn.toLower(field('name'))).like('prod-*')`, `count(field('...ipConfigurations[*]'), where).greater(0)`.
 * A field reference is also an expression: used as an argument it renders as `field('<alias>')`.
 */
import type { JsonValue } from '../compiler/canonical-json.js';
import { Expr, type ExprKind, type Literal } from './expressions.js';

/** Every condition operator of the policy language (closed set). */
export type Operator =
  | 'equals'
  | 'notEquals'
  | 'like'
  | 'notLike'
  | 'match'
  | 'matchInsensitively'
  | 'notMatch'
  | 'notMatchInsensitively'
  | 'contains'
  | 'notContains'
  | 'in'
  | 'notIn'
  | 'containsKey'
  | 'notContainsKey'
  | 'less'
  | 'lessOrEquals'
  | 'greater'
  | 'greaterOrEquals'
  | 'exists';

export const OPERATORS: readonly Operator[] = [
  'equals', 'notEquals', 'like', 'notLike', 'match', 'matchInsensitively', 'notMatch', 'notMatchInsensitively',
  'contains', 'notContains', 'in', 'notIn', 'containsKey', 'notContainsKey', 'less', 'lessOrEquals', 'greater',
  'greaterOrEquals', 'exists',
];

/** What an operator compares against: a JSON literal, an expression, or an escaped "[[" literal. */
export type Target = JsonValue | Expr | Literal;

export type OperandData =
  | { readonly t: 'field'; readonly name: string | Expr; readonly crossType?: string }
  | { readonly t: 'value'; readonly value: JsonValue | Expr }
  | {
      readonly t: 'fieldCount';
      readonly field: string;
      readonly crossType?: string;
      readonly where?: Condition;
    }
  | {
      readonly t: 'valueCount';
      readonly value: readonly JsonValue[] | Expr;
      readonly name?: string;
      readonly where?: Condition;
    };

export type Condition =
  | {
      readonly kind: 'condition';
      readonly type: 'leaf';
      readonly operand: OperandData;
      readonly operator: Operator;
      readonly target: Target;
    }
  | { readonly kind: 'condition'; readonly type: 'allOf' | 'anyOf'; readonly items: readonly Condition[] }
  | { readonly kind: 'condition'; readonly type: 'not'; readonly item: Condition };

type ExprOf<K extends ExprKind> = Expr<K | 'unknown'>;
/** equals/notEquals compare scalars; an Array operand fails Azure validation ([ARR]: expected type 'String'). */
export type ScalarTarget = string | number | boolean | Literal | ExprOf<'string' | 'number' | 'boolean' | 'object'>;
export type StringTarget = string | Literal | ExprOf<'string'>;
export type ListTarget = readonly JsonValue[] | ExprOf<'array'>;
export type OrderTarget = string | number | ExprOf<'string' | 'number'>;

/** The operator methods every operand (field, value, count) offers. */
export interface OperatorMethods {
  equals(target: ScalarTarget): Condition;
  notEquals(target: ScalarTarget): Condition;
  /** Wildcard `*` (whole value, case-insensitive). */
  like(pattern: StringTarget): Condition;
  notLike(pattern: StringTarget): Condition;
  /** `#` digit, `?` letter, `.` any character; case-sensitive. */
  match(pattern: StringTarget): Condition;
  matchInsensitively(pattern: StringTarget): Condition;
  notMatch(pattern: StringTarget): Condition;
  notMatchInsensitively(pattern: StringTarget): Condition;
  contains(substring: StringTarget): Condition;
  notContains(substring: StringTarget): Condition;
  in(values: ListTarget): Condition;
  notIn(values: ListTarget): Condition;
  containsKey(key: StringTarget): Condition;
  notContainsKey(key: StringTarget): Condition;
  less(target: OrderTarget): Condition;
  lessOrEquals(target: OrderTarget): Condition;
  greater(target: OrderTarget): Condition;
  greaterOrEquals(target: OrderTarget): Condition;
  /** exists(true) / exists(false). */
  exists(present?: boolean): Condition;
}

function leaf(operand: OperandData, operator: Operator, target: Target): Condition {
  return Object.freeze({ kind: 'condition', type: 'leaf', operand, operator, target });
}

function installOperators(proto: { operandData(): OperandData }): void {
  for (const op of OPERATORS) {
    Object.defineProperty(proto, op, {
      value(this: { operandData(): OperandData }, target: Target = true) {
        return leaf(this.operandData(), op, target);
      },
      enumerable: false,
      writable: false,
    });
  }
}

/**
 * `field('<alias or special field>')`: a field operand and, used as an argument, the `field()` function.
 * `A` is the field name, kept so `count()` can require a `[*]` alias.
 */
// `A` is deliberately unconstrained: `A extends string` would make tsc check the constraint of a generic
// FieldName<T> against string, i.e. expand the union of all 76,000 aliases (seconds per tsc run).
export interface FieldRef<A = string> extends OperatorMethods {}
export class FieldRef<A = string> extends Expr<'unknown'> {
  constructor(
    readonly fieldName: A | Expr,
    /** Set by `fieldsOf(type)` (a field of another resource type): the type the alias belongs to. */
    readonly crossType?: string,
  ) {
    super({ t: 'call', name: 'field', args: [fieldName instanceof Expr ? fieldName.node : { t: 'lit', value: String(fieldName) }] });
  }
  operandData(): OperandData {
    return this.crossType === undefined
      ? { t: 'field', name: fieldNameOf(this.fieldName) }
      : { t: 'field', name: fieldNameOf(this.fieldName), crossType: this.crossType };
  }
}
installOperators(FieldRef.prototype);

function fieldNameOf(name: unknown): string | Expr {
  return name instanceof Expr ? name : String(name);
}

/** `value(<literal or expression>)`: compares a computed value instead of a resource field. */
export interface ValueOperand extends OperatorMethods {}
export class ValueOperand {
  constructor(readonly value: JsonValue | Expr) {}
  operandData(): OperandData {
    return { t: 'value', value: this.value };
  }
}
installOperators(ValueOperand.prototype);

export function value(v: JsonValue | Expr): ValueOperand {
  return new ValueOperand(v);
}

/** A count operand; compare it with equals/greater/less... */
export interface CountOperand extends OperatorMethods {}
export class CountOperand {
  constructor(private readonly data: OperandData) {}
  operandData(): OperandData {
    return this.data;
  }
}
installOperators(CountOperand.prototype);

/** An alias that selects array members: contains `[*]`. */
export type ArrayAlias = `${string}[*]${string}`;

/**
 * Field count: how many members of a `[*]` alias satisfy `where` (all members without `where`).
 * Inside `where`, `field()` on the counted alias sees only the current member ([ARR]).
 */
export function count<A extends ArrayAlias>(field: FieldRef<A>, where?: Condition): CountOperand {
  if (field.fieldName instanceof Expr) throw new TypeError('count() needs a literal [*] alias, not an expression');
  const data: OperandData = {
    t: 'fieldCount',
    field: String(field.fieldName),
    ...(field.crossType === undefined ? {} : { crossType: field.crossType }),
    ...(where === undefined ? {} : { where }),
  };
  return new CountOperand(data);
}

/**
 * Value count: iterate a literal array or an array expression (e.g. a parameter), naming the member so
 * `current('<name>')` can read it inside `where`.
 */
export function countValue(
  values: readonly JsonValue[] | Expr<'array' | 'unknown'>,
  options: { readonly name?: string; readonly where?: Condition } = {},
): CountOperand {
  const data: OperandData = {
    t: 'valueCount',
    value: values,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.where === undefined ? {} : { where: options.where }),
  };
  return new CountOperand(data);
}

type Conds = readonly [Condition, ...Condition[]];

/** True when every condition is true. */
export function allOf(...items: Conds): Condition {
  return Object.freeze({ kind: 'condition', type: 'allOf', items: Object.freeze([...items]) });
}
/** True when at least one condition is true. */
export function anyOf(...items: Conds): Condition {
  return Object.freeze({ kind: 'condition', type: 'anyOf', items: Object.freeze([...items]) });
}
/** Negates a condition (for a `[*]` field condition: "not all members ..."). */
export function not(item: Condition): Condition {
  return Object.freeze({ kind: 'condition', type: 'not', item });
}

export function isCondition(x: unknown): x is Condition {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'condition';
}
