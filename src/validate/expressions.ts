/**
 * Template-expression statistics for validation: function-call counts, nesting depth and argument counts (the
 * documented policy rule limits) and parameters('x') references. Parsing is the evaluator's
 * (src/evaluator/expression-parser.ts), so validation and evaluation accept exactly the same syntax; this module
 * only walks its AST and turns its syntax errors into ExpressionSyntaxError for the ZT3023 diagnostic.
 */
import { isExpression, parseExpression as parseAny, type ExprNode } from '../evaluator/expression-parser.js';
import { EvaluatorCode, PolicyDefinitionError } from '../evaluator/errors.js';

export { isExpression };
export type { ExprNode };

/**
 * A syntax error without the expression text in its message (the diagnostic quotes the expression itself):
 * "<what is wrong> at character <1-based position in the whole string, brackets included>".
 */
export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the whole string (the leading "[" is offset 0). */
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses an expression string including its outer brackets with the evaluator's parser. Unlike the evaluator
 * (which reads a plain string as a literal), a string that is not an expression is an error here: the
 * validators ask only about expressions. Throws ExpressionSyntaxError.
 */
export function parseExpression(text: string): ExprNode {
  if (!isExpression(text)) throw new ExpressionSyntaxError('not a template expression', 0);
  try {
    return parseAny(text);
  } catch (e) {
    if (e instanceof PolicyDefinitionError && e.code === EvaluatorCode.expressionSyntax) throw toSyntaxError(text, e.message);
    throw e;
  }
}

/**
 * The evaluator's message is `invalid template expression "<text>": <what> at offset <n>`; the validator's
 * diagnostic already names and previews the expression, so keep only what is wrong and where, as a 1-based
 * character (how editors count columns).
 */
function toSyntaxError(text: string, message: string): ExpressionSyntaxError {
  const prefix = `invalid template expression ${JSON.stringify(text)}: `;
  const rest = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  const m = /^([\s\S]*) at offset (\d+)$/.exec(rest);
  if (!m) return new ExpressionSyntaxError(rest, 0);
  const offset = Number(m[2]);
  return new ExpressionSyntaxError(`${m[1]} at character ${offset + 1}`, offset);
}

export interface ExpressionStats {
  calls: number;
  /** Deepest call nesting: a top-level call is depth 1; its arguments and indexer expressions are one deeper. */
  maxDepth: number;
  maxArgs: number;
  /** Names passed as the literal first argument of parameters(). */
  parameters: string[];
  /** Function names, lower-cased, in call order. */
  functions: string[];
}

export function expressionStats(node: ExprNode): ExpressionStats {
  const stats: ExpressionStats = { calls: 0, maxDepth: 0, maxArgs: 0, parameters: [], functions: [] };
  const visit = (n: ExprNode, depth: number): void => {
    switch (n.kind) {
      case 'literal':
        return;
      case 'member':
        // .name belongs to the value it reads: same depth.
        visit(n.object, depth);
        return;
      case 'index':
        // x[expr]: the indexer expression nests one level inside the indexed value.
        visit(n.object, depth);
        visit(n.index, depth + 1);
        return;
      case 'call': {
        const lower = n.name.toLowerCase();
        stats.calls++;
        stats.functions.push(lower);
        stats.maxDepth = Math.max(stats.maxDepth, depth);
        stats.maxArgs = Math.max(stats.maxArgs, n.args.length);
        const first = n.args[0];
        if (lower === 'parameters' && first?.kind === 'literal' && typeof first.value === 'string') stats.parameters.push(first.value);
        for (const a of n.args) visit(a, depth + 1);
        return;
      }
    }
  };
  visit(node, 1);
  return stats;
}
