/**
 * Parser for the ARM template-language expressions that Azure Policy accepts in strings: "[concat('a', 'b')]",
 * "[parameters('p').items[0]]", "[field('tags')['env']]". A string that does not start with "[" and end with
 * "]" is a plain literal; a string that starts with "[[" is the escaped literal with one "[" removed (ARM's
 * escape rule, Learn "template expressions", also used in policy rules).
 *
 * The parser only checks syntax. Whether a function is allowed in a policy rule is a separate check
 * (`checkFunctions`), because the DSL wants syntax errors and "function not allowed" errors apart.
 */
import { EvaluatorCode, PolicyDefinitionError } from './errors.js';

export type LiteralValue = string | number | boolean | null;

export type ExprNode =
  | { readonly kind: 'literal'; readonly value: LiteralValue }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly ExprNode[]; readonly pos: number }
  | { readonly kind: 'member'; readonly object: ExprNode; readonly property: string }
  | { readonly kind: 'index'; readonly object: ExprNode; readonly index: ExprNode };

/**
 * Functions a policy rule may call: the ARM template functions minus those Learn excludes for policy
 * ("definition structure policy rule", Policy functions), plus the policy-only ones (field, current, addDays,
 * requestContext, policy, ipRangeContains, utcNow anywhere). Lower-case, for case-insensitive lookup.
 */
export const POLICY_FUNCTIONS: readonly string[] = [
  // policy-specific and context
  'parameters', 'field', 'current', 'requestcontext', 'policy', 'resourcegroup', 'subscription',
  'addDays', 'utcNow', 'ipRangeContains',
  // array
  'array', 'concat', 'contains', 'createArray', 'empty', 'first', 'last', 'indexOf', 'lastIndexOf',
  'intersection', 'union', 'items', 'length', 'max', 'min', 'range', 'skip', 'take', 'tryGet',
  'indexFromEnd', 'tryIndexFromEnd',
  // comparison / logical
  'coalesce', 'equals', 'greater', 'greaterOrEquals', 'less', 'lessOrEquals', 'and', 'or', 'not', 'if',
  'bool', 'true', 'false', 'null',
  // numeric
  'add', 'sub', 'mul', 'div', 'mod', 'int', 'float',
  // object
  'createObject', 'json',
  // string
  'base64', 'base64ToJson', 'base64ToString', 'dataUri', 'dataUriToString', 'endsWith', 'startsWith',
  'format', 'guid', 'uniqueString', 'padLeft', 'replace', 'split', 'join', 'string', 'substring', 'toLower',
  'toUpper', 'trim', 'uri', 'uriComponent', 'uriComponentToString',
].map((f) => f.toLowerCase());

/**
 * ARM functions Learn lists as NOT available in policy rules (they stay usable inside a deployIfNotExists
 * template, which the evaluator does not evaluate). dateTimeAdd/dateTimeFromEpoch/dateTimeToEpoch are on that
 * list, but the issue and the public conformance suite (regorus) accept them; the evaluator accepts them unless
 * `strictFunctions` is set.
 */
export const DEPLOYMENT_ONLY_FUNCTIONS: readonly string[] = [
  'copyIndex', 'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'deployment', 'environment',
  'extensionResourceId', 'lambda', 'filter', 'map', 'reduce', 'sort', 'toObject', 'groupBy', 'mapValues',
  'listAccountSas', 'listKeys', 'listSecrets', 'list', 'managementGroup', 'newGuid', 'pickZones', 'providers',
  'reference', 'resourceId', 'subscriptionResourceId', 'tenantResourceId', 'tenant', 'variables',
  'managementGroupResourceId', 'references',
].map((f) => f.toLowerCase());

/** Deployment-only functions that the evaluator nevertheless implements (lenient default). */
export const LENIENT_EXTRA_FUNCTIONS: readonly string[] = ['datetimeadd', 'datetimefromepoch', 'datetimetoepoch'];

/** True when the string is a template expression ("[...]" but not the "[[" escape). */
export function isExpression(text: string): boolean {
  return text.length >= 2 && text.startsWith('[') && !text.startsWith('[[') && text.endsWith(']');
}

function syntaxError(text: string, pos: number, what: string): PolicyDefinitionError {
  return new PolicyDefinitionError(
    EvaluatorCode.expressionSyntax,
    `invalid template expression ${JSON.stringify(text)}: ${what} at offset ${pos}`,
    { hint: "expressions look like \"[concat('a', parameters('p'))]\"; a literal string starting with [ is written [[" },
  );
}

/**
 * Parses a policy string. A plain string (or "[[" escape) becomes a literal node; an expression becomes its
 * AST. Throws PolicyDefinitionError (code ZT5001) on bad syntax.
 */
export function parseExpression(text: string): ExprNode {
  if (!isExpression(text)) {
    // "[[x]" is the literal "[x]": ARM drops exactly one leading bracket.
    return { kind: 'literal', value: text.startsWith('[[') ? text.slice(1) : text };
  }
  const src = text.slice(1, -1);
  const p = new Parser(text, src);
  p.skipWs();
  if (p.pos >= src.length) throw syntaxError(text, 1, 'empty expression');
  const node = p.parseExpr();
  p.skipWs();
  if (p.pos < src.length) throw syntaxError(text, p.pos + 1, `unexpected ${JSON.stringify(src[p.pos])}`);
  return node;
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

class Parser {
  pos = 0;
  constructor(
    private readonly full: string,
    private readonly src: string,
  ) {}

  skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private fail(what: string): never {
    throw syntaxError(this.full, this.pos + 1, what);
  }

  private expect(ch: string): void {
    this.skipWs();
    if (this.src[this.pos] !== ch) this.fail(`expected ${JSON.stringify(ch)}${this.pos >= this.src.length ? ' but the expression ended' : ''}`);
    this.pos++;
  }

  parseExpr(): ExprNode {
    this.skipWs();
    let node = this.parsePrimary();
    for (;;) {
      this.skipWs();
      const ch = this.src[this.pos];
      if (ch === '.') {
        this.pos++;
        this.skipWs();
        const name = this.readIdent();
        if (!name) this.fail('expected a property name after "."');
        node = { kind: 'member', object: node, property: name };
      } else if (ch === '[') {
        this.pos++;
        const index = this.parseExpr();
        this.expect(']');
        node = { kind: 'index', object: node, index };
      } else {
        return node;
      }
    }
  }

  private readIdent(): string {
    const start = this.pos;
    if (this.pos < this.src.length && IDENT_START.test(this.src[this.pos]!)) {
      this.pos++;
      while (this.pos < this.src.length && IDENT_PART.test(this.src[this.pos]!)) this.pos++;
    }
    return this.src.slice(start, this.pos);
  }

  private parsePrimary(): ExprNode {
    const ch = this.src[this.pos];
    if (ch === undefined) this.fail('the expression ended too early');
    if (ch === "'") return { kind: 'literal', value: this.readString() };
    if (/[0-9]/.test(ch) || ((ch === '-' || ch === '+') && /[0-9]/.test(this.src[this.pos + 1] ?? ''))) {
      const m = /^[-+]?[0-9]+(\.[0-9]+)?/.exec(this.src.slice(this.pos))!;
      this.pos += m[0].length;
      return { kind: 'literal', value: Number(m[0]) };
    }
    const start = this.pos;
    const name = this.readIdent();
    if (!name) this.fail(`unexpected ${JSON.stringify(ch)}`);
    this.skipWs();
    if (this.src[this.pos] !== '(') {
      // Bare true/false/null are accepted as literals (ARM spells them true()/false()/null()).
      const lower = name.toLowerCase();
      if (lower === 'true') return { kind: 'literal', value: true };
      if (lower === 'false') return { kind: 'literal', value: false };
      if (lower === 'null') return { kind: 'literal', value: null };
      this.fail(`expected "(" after function name ${name}`);
    }
    this.pos++;
    const args: ExprNode[] = [];
    this.skipWs();
    if (this.src[this.pos] === ')') {
      this.pos++;
    } else {
      for (;;) {
        args.push(this.parseExpr());
        this.skipWs();
        const c = this.src[this.pos];
        if (c === ',') {
          this.pos++;
          continue;
        }
        if (c === ')') {
          this.pos++;
          break;
        }
        this.fail(c === undefined ? `unclosed "(" of ${name}(` : `expected "," or ")" in the arguments of ${name}(`);
      }
    }
    return { kind: 'call', name, args, pos: start + 1 };
  }

  private readString(): string {
    // Single-quoted; a doubled '' is one quote (ARM escaping).
    let out = '';
    this.pos++;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('unterminated string literal');
      if (c === "'") {
        if (this.src[this.pos + 1] === "'") {
          out += "'";
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
  }
}

/** Every function name called anywhere in the AST (as written). */
export function calledFunctions(node: ExprNode, out: string[] = []): string[] {
  switch (node.kind) {
    case 'call':
      out.push(node.name);
      for (const a of node.args) calledFunctions(a, out);
      break;
    case 'member':
      calledFunctions(node.object, out);
      break;
    case 'index':
      calledFunctions(node.object, out);
      calledFunctions(node.index, out);
      break;
    case 'literal':
      break;
  }
  return out;
}

/**
 * Throws ZT5002 when the expression calls a function a policy rule may not use. With `strict`, the
 * deployment-only date functions (dateTimeAdd, …) are rejected as Learn documents; by default they are allowed.
 */
export function checkFunctions(node: ExprNode, options: { strict?: boolean } = {}): void {
  for (const name of calledFunctions(node)) {
    const lower = name.toLowerCase();
    if (POLICY_FUNCTIONS.includes(lower)) continue;
    if (!options.strict && LENIENT_EXTRA_FUNCTIONS.includes(lower)) continue;
    const excluded = DEPLOYMENT_ONLY_FUNCTIONS.includes(lower);
    throw new PolicyDefinitionError(
      EvaluatorCode.unknownFunction,
      excluded
        ? `function ${name}() is not available in policy rules (only inside a deployIfNotExists template)`
        : `unknown template function ${name}()`,
      { hint: 'see Learn "Azure Policy definition structure policy rule", section Policy functions' },
    );
  }
}
