/**
 * The small subset of KQL (Kusto Query Language) that Azure Resource Graph queries from ztpolicy use, parsed and
 * run over JSON rows, so the emulator can answer them (handlers/resource-graph.ts). Built to be extended: add an
 * operator to `Op` + parseOperator + runOperator, a function to `callFunction`.
 *
 * Supported, with the semantics of the KQL reference (learn.microsoft.com/kusto/query):
 *   <table> | where <predicate> | project <col>[ = <expr>], ... | extend <name> = <expr>, ...
 *           | order by|sort by <col> [asc|desc], ... | limit|take <n>
 *   predicates: and, or, not(...), parentheses; <expr> == != =~ !~ <expr>; in / in~ / !in / !in~ (<list>);
 *               has, contains, startswith (case-insensitive, as in KQL), and their negations (!has, ...)
 *   expressions: string literals ('...' or "..."), numbers, true/false, column paths (properties.pricingTier,
 *               properties['x']), tolower(), toupper(), tostring().
 * `==` on strings is case-sensitive, `=~` is not (KQL string operators). A missing property is null; null
 * compares unequal to everything. Anything else is a KqlError (the handler answers 400 BadRequest, as ARG does
 * for a query it cannot parse), so an unsupported query fails loudly instead of answering wrongly.
 */

export type Row = Record<string, unknown>;

export class KqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KqlError';
  }
}

type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; path: string[] }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'in'; op: string; left: Expr; list: Expr[] };

export type Op =
  | { kind: 'where'; predicate: Expr }
  | { kind: 'project'; columns: { name: string; expr: Expr }[] }
  | { kind: 'extend'; columns: { name: string; expr: Expr }[] }
  | { kind: 'order'; keys: { expr: Expr; desc: boolean }[] }
  | { kind: 'limit'; count: number };

export interface KqlQuery {
  table: string;
  ops: Op[];
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type Token = { kind: 'ident' | 'string' | 'number' | 'op' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new KqlError(`unterminated string literal at offset ${i}`);
      out.push({ kind: 'string', text: value });
      i = j + 1;
      continue;
    }
    // Negated word operators (!in, !in~, !has, !contains, !startswith) and the symbolic ones.
    const sym = /^(![A-Za-z]+~?|==|!=|=~|!~|=|\|)/.exec(rest);
    if (sym) {
      out.push({ kind: 'op', text: sym[0].toLowerCase() });
      i += sym[0].length;
      continue;
    }
    if (/[(),[\].]/.test(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(rest);
    if (num) {
      out.push({ kind: 'number', text: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(rest);
    if (id) {
      // `in~` (case-insensitive in) is one operator.
      if (id[0].toLowerCase() === 'in' && text[i + 2] === '~') {
        out.push({ kind: 'op', text: 'in~' });
        i += 3;
        continue;
      }
      out.push({ kind: 'ident', text: id[0] });
      i += id[0].length;
      continue;
    }
    throw new KqlError(`unexpected character '${c}' at offset ${i}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser (recursive descent over one query: table, then `| operator` steps)

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new KqlError('unexpected end of query');
    return t;
  }

  accept(text: string): boolean {
    const t = this.peek();
    if (t && t.text.toLowerCase() === text && t.kind !== 'string') {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(text: string): void {
    if (!this.accept(text)) throw new KqlError(`expected '${text}' but found '${this.peek()?.text ?? 'end of query'}'`);
  }

  ident(): string {
    const t = this.next();
    if (t.kind !== 'ident') throw new KqlError(`expected a name but found '${t.text}'`);
    return t.text;
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  query(): KqlQuery {
    const table = this.ident().toLowerCase();
    const ops: Op[] = [];
    while (!this.atEnd()) {
      this.expect('|');
      ops.push(this.operator());
    }
    return { table, ops };
  }

  operator(): Op {
    const name = this.ident().toLowerCase();
    switch (name) {
      case 'where':
        return { kind: 'where', predicate: this.or() };
      case 'project':
      case 'extend':
        return { kind: name, columns: this.columns(name === 'extend') };
      case 'order':
      case 'sort': {
        this.expect('by');
        const keys: { expr: Expr; desc: boolean }[] = [];
        do {
          const expr = this.primary();
          // KQL sorts descending unless told otherwise.
          const desc = this.accept('asc') ? false : (this.accept('desc'), true);
          keys.push({ expr, desc });
        } while (this.accept(','));
        return { kind: 'order', keys };
      }
      case 'limit':
      case 'take': {
        const t = this.next();
        if (t.kind !== 'number') throw new KqlError(`${name} needs a number`);
        return { kind: 'limit', count: Number(t.text) };
      }
      default:
        throw new KqlError(`operator '${name}' is not supported by the emulator's KQL subset`);
    }
  }

  columns(requireName: boolean): { name: string; expr: Expr }[] {
    const out: { name: string; expr: Expr }[] = [];
    do {
      const start = this.pos;
      const t = this.peek();
      if (t?.kind === 'ident' && this.tokens[this.pos + 1]?.text === '=') {
        this.pos += 2;
        out.push({ name: t.text, expr: this.or() });
        continue;
      }
      if (requireName) throw new KqlError('extend needs name = expression');
      const expr = this.primary();
      if (expr.kind !== 'path') throw new KqlError(`project needs a column or name = expression at token ${start}`);
      out.push({ name: expr.path[expr.path.length - 1]!, expr });
    } while (this.accept(','));
    return out;
  }

  or(): Expr {
    let left = this.and();
    while (this.accept('or')) left = { kind: 'binary', op: 'or', left, right: this.and() };
    return left;
  }

  and(): Expr {
    let left = this.comparison();
    while (this.accept('and')) left = { kind: 'binary', op: 'and', left, right: this.comparison() };
    return left;
  }

  comparison(): Expr {
    const left = this.primary();
    const t = this.peek();
    if (!t) return left;
    const op = t.text.toLowerCase();
    if (['in', 'in~', '!in', '!in~'].includes(op)) {
      this.pos++;
      this.expect('(');
      const list: Expr[] = [];
      if (!this.accept(')')) {
        do list.push(this.primary());
        while (this.accept(','));
        this.expect(')');
      }
      return { kind: 'in', op, left, list };
    }
    if (['==', '!=', '=~', '!~', 'has', '!has', 'contains', '!contains', 'startswith', '!startswith'].includes(op)) {
      this.pos++;
      return { kind: 'binary', op, left, right: this.primary() };
    }
    return left;
  }

  primary(): Expr {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.text === '(') {
      const e = this.or();
      this.expect(')');
      return e;
    }
    if (t.kind !== 'ident') throw new KqlError(`unexpected '${t.text}'`);
    const lower = t.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
    if (this.peek()?.text === '(') {
      this.pos++;
      const args: Expr[] = [];
      if (!this.accept(')')) {
        do args.push(this.or());
        while (this.accept(','));
        this.expect(')');
      }
      return lower === 'not' ? { kind: 'not', arg: args[0]! } : { kind: 'call', name: lower, args };
    }
    const path = [t.text];
    for (;;) {
      if (this.accept('.')) path.push(this.ident());
      else if (this.peek()?.text === '[') {
        this.pos++;
        const key = this.next();
        if (key.kind !== 'string') throw new KqlError('expected a quoted property name in [...]');
        path.push(key.text);
        this.expect(']');
      } else break;
    }
    return { kind: 'path', path };
  }
}

export function parseKql(text: string): KqlQuery {
  return new Parser(tokenize(text)).query();
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

function valueAt(row: Row, path: string[]): unknown {
  let v: unknown = row;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[p];
  }
  return v === undefined ? null : v;
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function callFunction(name: string, args: unknown[]): unknown {
  switch (name) {
    case 'tolower':
      return text(args[0])?.toLowerCase() ?? null;
    case 'toupper':
      return text(args[0])?.toUpperCase() ?? null;
    case 'tostring':
      return text(args[0]) ?? '';
    default:
      throw new KqlError(`function '${name}' is not supported by the emulator's KQL subset`);
  }
}

function evaluate(e: Expr, row: Row): unknown {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'path':
      return valueAt(row, e.path);
    case 'call':
      return callFunction(e.name, e.args.map((a) => evaluate(a, row)));
    case 'not':
      return !truthy(evaluate(e.arg, row));
    case 'in': {
      const left = evaluate(e.left, row);
      const fold = e.op.endsWith('~');
      const l = fold ? text(left)?.toLowerCase() : left;
      const found = e.list.some((x) => {
        const v = evaluate(x, row);
        return l !== null && (fold ? text(v)?.toLowerCase() === l : v === l);
      });
      return e.op.startsWith('!') ? !found : found;
    }
    case 'binary': {
      if (e.op === 'and') return truthy(evaluate(e.left, row)) && truthy(evaluate(e.right, row));
      if (e.op === 'or') return truthy(evaluate(e.left, row)) || truthy(evaluate(e.right, row));
      const a = evaluate(e.left, row);
      const b = evaluate(e.right, row);
      // null (a missing property) matches nothing, under any operator, negated or not.
      if (a === null || b === null) return false;
      const x = text(a)!.toLowerCase();
      const y = text(b)!.toLowerCase();
      switch (e.op) {
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '=~':
          return x === y;
        case '!~':
          return x !== y;
        case 'has':
        case 'contains':
          return x.includes(y);
        case '!has':
        case '!contains':
          return !x.includes(y);
        case 'startswith':
          return x.startsWith(y);
        case '!startswith':
          return !x.startsWith(y);
        default:
          throw new KqlError(`operator '${e.op}' is not supported by the emulator's KQL subset`);
      }
    }
  }
}

function truthy(v: unknown): boolean {
  return v === true;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = text(a)!;
  const y = text(b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface KqlResult {
  rows: Row[];
  /** False when the query limits its own output (limit/take): ARG then pages no further (no $skipToken). */
  pageable: boolean;
}

/** Runs a parsed query over the rows of its table. */
export function runKql(query: KqlQuery, rows: readonly Row[]): KqlResult {
  let out: Row[] = [...rows];
  let pageable = true;
  for (const op of query.ops) {
    switch (op.kind) {
      case 'where':
        out = out.filter((r) => truthy(evaluate(op.predicate, r)));
        break;
      case 'project':
        out = out.map((r) => Object.fromEntries(op.columns.map((c) => [c.name, evaluate(c.expr, r)])));
        break;
      case 'extend':
        out = out.map((r) => ({ ...r, ...Object.fromEntries(op.columns.map((c) => [c.name, evaluate(c.expr, r)])) }));
        break;
      case 'order':
        out = [...out].sort((a, b) => {
          for (const k of op.keys) {
            const c = compare(evaluate(k.expr, a), evaluate(k.expr, b));
            if (c !== 0) return k.desc ? -c : c;
          }
          return 0;
        });
        break;
      case 'limit':
        out = out.slice(0, op.count);
        pageable = false;
        break;
    }
  }
  return { rows: out, pageable };
}
