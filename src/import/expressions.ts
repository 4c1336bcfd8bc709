/**
 * Template expressions ("[concat('a', parameters('b'))]") back to DSL code: `fn.concat('a', p.b)`. Parsed with
 * the evaluator's parser (the one parser of the project); the DSL renders the result to the same expression
 * (function names in the DSL's casing, arguments separated by ", "), which the round-trip comparison treats as
 * equal. What the DSL has no typed helper for stays a raw `expr('[...]')`, which the compiler still parses
 * and checks.
 */
import { fn } from '../dsl/expressions.js';
import { isExpression, parseExpression, type ExprNode } from '../evaluator/expression-parser.js';
import { call, member, str, text, type Code } from './code.js';

/** What an expression may refer to, and where the generator records what it used. */
export interface ExprScope {
  /** Declared parameter names (exact casing). */
  readonly parameters: ReadonlySet<string>;
  /** Code for a field('<name>') reference, or undefined when the name cannot be typed (the whole expression stays raw). */
  readonly field: (name: string) => Code | undefined;
  /** Records what the generated code uses: a DSL import (fn, expr, current...) or 'p' (the rule's parameters). */
  readonly use: (identifier: string) => void;
}

const FN_NAMES = new Map(Object.keys(fn).map((k) => [k.toLowerCase(), k]));

/** Argument counts the typed `fn` helpers accept (min, max); absent = any. */
const ARITY: Record<string, readonly [number, number]> = {
  toLower: [1, 1], toUpper: [1, 1], trim: [1, 1], substring: [2, 3], replace: [3, 3], split: [2, 2], join: [2, 2],
  indexOf: [2, 2], lastIndexOf: [2, 2], startsWith: [2, 2], endsWith: [2, 2], padLeft: [2, 3], base64: [1, 1],
  base64ToString: [1, 1], uri: [2, 2], uriComponent: [1, 1], length: [1, 1], empty: [1, 1], contains: [2, 2],
  first: [1, 1], last: [1, 1], take: [2, 2], skip: [2, 2], range: [2, 2], items: [1, 1], if: [3, 3], and: [2, 99],
  or: [2, 99], not: [1, 1], equals: [2, 2], less: [2, 2], lessOrEquals: [2, 2], greater: [2, 2], greaterOrEquals: [2, 2],
  true: [0, 0], false: [0, 0], null: [0, 0], add: [2, 2], sub: [2, 2], mul: [2, 2], div: [2, 2], mod: [2, 2],
  int: [1, 1], float: [1, 1], string: [1, 1], bool: [1, 1], json: [1, 1], array: [1, 1], utcNow: [0, 1],
  addDays: [2, 2], ipRangeContains: [2, 2], resourceGroup: [0, 0], subscription: [0, 0], requestContext: [0, 0],
  policy: [0, 0], tryGet: [2, 99], format: [1, 99], guid: [1, 99], uniqueString: [1, 99],
};

/** Code for a "[...]" expression string; a raw `expr()` when it has no typed form. */
export function expressionCode(textValue: string, scope: ExprScope): Code {
  let node: ExprNode;
  try {
    node = parseExpression(textValue);
  } catch {
    // Not parseable: kept as written; the compiler reports it (ZT3023) with its JSON path.
    return rawExpr(textValue, scope);
  }
  return nodeCode(node, scope) ?? rawExpr(textValue, scope);
}

function rawExpr(textValue: string, scope: ExprScope): Code {
  scope.use('expr');
  return call('expr', text(str(textValue)));
}

function nodeCode(node: ExprNode, scope: ExprScope): Code | undefined {
  switch (node.kind) {
    case 'literal':
      // Booleans and null are functions in the grammar (true()); floats only exist through json().
      if (typeof node.value === 'string') return text(str(node.value));
      if (typeof node.value === 'number' && Number.isInteger(node.value)) return text(String(node.value));
      return undefined;
    case 'member': {
      const target = nodeCode(node.object, scope);
      return target === undefined ? undefined : text(`${flatText(target)}.prop(${str(node.property)})`);
    }
    case 'index': {
      const target = nodeCode(node.object, scope);
      const index = nodeCode(node.index, scope);
      return target === undefined || index === undefined ? undefined : text(`${flatText(target)}.at(${flatText(index)})`);
    }
    case 'call':
      return callCode(node, scope);
  }
}

function flatText(c: Code): string {
  return c.t === 'text' ? c.text : renderFlat(c);
}

function renderFlat(c: Code): string {
  if (c.t === 'call') return `${c.callee}(${c.args.map(flatText).join(', ')})`;
  return c.t === 'text' ? c.text : '';
}

function callCode(node: Extract<ExprNode, { kind: 'call' }>, scope: ExprScope): Code | undefined {
  const lower = node.name.toLowerCase();
  const first = node.args[0];
  const literalArg = node.args.length === 1 && first?.kind === 'literal' && typeof first.value === 'string' ? first.value : undefined;
  if (lower === 'parameters') {
    // p.<name> renders the declared name; a reference spelled in another casing stays raw to keep its text.
    if (literalArg === undefined || !scope.parameters.has(literalArg)) return undefined;
    scope.use('p');
    return text(member('p', literalArg));
  }
  if (lower === 'field') return literalArg === undefined ? undefined : scope.field(literalArg);
  if (lower === 'current') {
    if (node.args.length > 1 || (node.args.length === 1 && literalArg === undefined)) return undefined;
    scope.use('current');
    return literalArg === undefined ? text('current()') : text(`current(${str(literalArg)})`);
  }
  const name = FN_NAMES.get(lower);
  if (name === undefined) return undefined;
  const arity = ARITY[name];
  if (arity !== undefined && (node.args.length < arity[0] || node.args.length > arity[1])) return undefined;
  if (name === 'if' && !sameLiteralKind(node.args[1]!, node.args[2]!)) {
    // fn.if types both branches alike; Azure coerces mixed ones (ALZ writes if(c, and(...), 'false')): keep raw.
    return undefined;
  }
  const args: Code[] = [];
  for (const a of node.args) {
    const c = nodeCode(a, scope);
    if (c === undefined) return undefined;
    args.push(c);
  }
  scope.use('fn');
  return call(`fn.${name}`, ...args);
}

/** Both branches are calls, or both literals of one JSON type. */
function sameLiteralKind(a: ExprNode, b: ExprNode): boolean {
  const kind = (n: ExprNode): string => (n.kind === 'literal' ? typeof n.value : 'expression');
  return kind(a) === kind(b);
}

/** A JSON value that may hold expressions, as code: "[...]" strings become expression code. */
export function valueCode(v: unknown, scope: ExprScope, jsonCode: (x: unknown) => Code): Code {
  if (typeof v === 'string' && isExpression(v)) return expressionCode(v, scope);
  if (typeof v === 'string' && v.startsWith('[[')) {
    // A literal that starts with "[" (policy's own escape): Literal renders it back with the "[[" prefix.
    scope.use('literal');
    return call('literal', text(str(v.slice(1))));
  }
  return jsonCode(v);
}
