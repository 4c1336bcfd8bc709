/**
 * A small parser for ARM template-language expressions as Azure Policy uses them ("[concat('a', field('b'))]").
 * It exists for validation only: counting function calls, nesting depth and arguments (the documented policy
 * rule limits) and finding parameters('x') references. Evaluation lives in the evaluator.
 *
 * Grammar (Learn "Template functions" / "Policy functions"): a string that starts with "[" and ends with "]" is
 * an expression, unless it starts with "[[" (an escaped literal). Inside: a function call
 * name(arg, ...), followed by any number of property accesses (.name) or indexers ([expr]); arguments are
 * expressions, 'single-quoted strings' ('' escapes a quote), integers, or nested calls.
 */

export type ExprNode =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: ExprNode[]; accessors: Accessor[] };
export type Accessor = { kind: 'property'; name: string } | { kind: 'index'; expr: ExprNode };

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** True when the JSON string is a template expression (and not an escaped "[[" literal). */
export function isExpression(s: string): boolean {
  return s.length >= 2 && s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
}

/** Parses the text of an expression string including its outer brackets. Throws ExpressionSyntaxError. */
export function parseExpression(text: string): ExprNode {
  if (!isExpression(text)) throw new ExpressionSyntaxError('not a template expression', 0);
  const p = new Parser(text.slice(1, -1), 1);
  p.ws();
  const node = p.expr();
  p.ws();
  if (!p.done()) throw p.error(`unexpected "${p.peek()}"`);
  return node;
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly base: number,
  ) {}
  done(): boolean {
    return this.i >= this.s.length;
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  error(msg: string): ExpressionSyntaxError {
    return new ExpressionSyntaxError(`${msg} at character ${this.i + this.base + 1}`, this.i + this.base);
  }
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  expect(c: string): void {
    this.ws();
    if (this.s[this.i] !== c) throw this.error(this.done() ? `expected "${c}" before the end` : `expected "${c}" but found "${this.peek()}"`);
    this.i++;
  }
  expr(): ExprNode {
    this.ws();
    const c = this.peek();
    if (c === "'") return this.str();
    if (/[-\d]/.test(c)) return this.num();
    if (/[A-Za-z_]/.test(c)) return this.call();
    throw this.error(this.done() ? 'expression ends too early' : `unexpected "${c}"`);
  }
  str(): ExprNode {
    this.i++; // opening quote
    let out = '';
    for (;;) {
      if (this.done()) throw this.error('unterminated string');
      const c = this.s[this.i]!;
      if (c === "'") {
        if (this.s[this.i + 1] === "'") {
          out += "'";
          this.i += 2;
          continue;
        }
        this.i++;
        return { kind: 'string', value: out };
      }
      out += c;
      this.i++;
    }
  }
  num(): ExprNode {
    const m = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i));
    if (!m) throw this.error('bad number');
    this.i += m[0].length;
    return { kind: 'number', value: Number(m[0]) };
  }
  call(): ExprNode {
    const m = /^[A-Za-z_][\w.]*/.exec(this.s.slice(this.i));
    const name = m![0];
    this.i += name.length;
    this.expect('(');
    const args: ExprNode[] = [];
    this.ws();
    if (this.peek() === ')') this.i++;
    else {
      for (;;) {
        args.push(this.expr());
        this.ws();
        if (this.peek() === ',') {
          this.i++;
          continue;
        }
        this.expect(')');
        break;
      }
    }
    const accessors: Accessor[] = [];
    for (;;) {
      this.ws();
      if (this.peek() === '.') {
        this.i++;
        const pm = /^[A-Za-z_$][\w$]*/.exec(this.s.slice(this.i));
        if (!pm) throw this.error('expected a property name after "."');
        this.i += pm[0].length;
        accessors.push({ kind: 'property', name: pm[0] });
      } else if (this.peek() === '[') {
        this.i++;
        accessors.push({ kind: 'index', expr: this.expr() });
        this.expect(']');
      } else break;
    }
    return { kind: 'call', name, args, accessors };
  }
}

export interface ExpressionStats {
  calls: number;
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
    if (n.kind !== 'call') return;
    stats.calls++;
    stats.functions.push(n.name.toLowerCase());
    stats.maxDepth = Math.max(stats.maxDepth, depth);
    stats.maxArgs = Math.max(stats.maxArgs, n.args.length);
    const first = n.args[0];
    if (n.name.toLowerCase() === 'parameters' && first?.kind === 'string') stats.parameters.push(first.value);
    for (const a of n.args) visit(a, depth + 1);
    for (const acc of n.accessors) if (acc.kind === 'index') visit(acc.expr, depth + 1);
  };
  visit(node, 1);
  return stats;
}
