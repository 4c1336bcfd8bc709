/**
 * A small code layout engine for the sources `ztpolicy import` writes: the generator builds a tree of calls,
 * objects, arrays and arrows, and `render` prints each node on one line when it fits in the line width, else
 * breaks it one argument (entry, item) per line with a trailing comma, the way the hand-written samples in
 * definitions/ are formatted. Pure: same tree, same text.
 */

export type Code =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'call'; readonly callee: string; readonly args: readonly Code[]; readonly then?: { readonly name: string; readonly args: readonly Code[] } }
  | { readonly t: 'object'; readonly entries: readonly (readonly [string, Code])[] }
  | { readonly t: 'array'; readonly items: readonly Code[] }
  | { readonly t: 'arrow'; readonly params: string; readonly body: Code }
  /** `({ ... })`: an object literal as an arrow body. */
  | { readonly t: 'paren'; readonly inner: Code };

export const WIDTH = 120;
const INDENT = '  ';

export const text = (t: string): Code => ({ t: 'text', text: t });
export const call = (callee: string, ...args: Code[]): Code => ({ t: 'call', callee, args });
export const object = (entries: readonly (readonly [string, Code])[]): Code => ({ t: 'object', entries });
export const array = (items: readonly Code[]): Code => ({ t: 'array', items });
export const arrow = (params: string, body: Code): Code => ({ t: 'arrow', params, body });
export const paren = (inner: Code): Code => ({ t: 'paren', inner });
/** `callee(args).name(thenArgs)`, e.g. `count(field('a[*]'), where).greater(0)`. */
export const chain = (callee: string, args: readonly Code[], name: string, thenArgs: readonly Code[]): Code => ({
  t: 'call',
  callee,
  args,
  then: { name, args: thenArgs },
});

/** A string literal in the house style (single quotes unless the text has more of them than double quotes). */
export function str(s: string): string {
  const single = `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}'`;
  if (!s.includes("'") || s.includes('"')) return single;
  return JSON.stringify(s);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** An object key: bare when it is an identifier, else quoted. */
export function key(k: string): string {
  return IDENTIFIER.test(k) ? k : str(k);
}
/** Property access: `p.effect`, `p['my param']`. */
export function member(target: string, k: string): string {
  return IDENTIFIER.test(k) ? `${target}.${k}` : `${target}[${str(k)}]`;
}

/** JSON data as a TypeScript literal tree. */
export function json(v: unknown): Code {
  if (v === null) return text('null');
  if (typeof v === 'string') return text(str(v));
  if (typeof v === 'number' || typeof v === 'boolean') return text(String(v));
  if (Array.isArray(v)) return array(v.map(json));
  return object(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, json(x)] as const));
}

/** One-line form. */
export function flat(c: Code): string {
  switch (c.t) {
    case 'text':
      return c.text;
    case 'call':
      return `${c.callee}(${c.args.map(flat).join(', ')})${c.then ? `.${c.then.name}(${c.then.args.map(flat).join(', ')})` : ''}`;
    case 'object':
      return c.entries.length === 0 ? '{}' : `{ ${c.entries.map(([k, v]) => `${key(k)}: ${flat(v)}`).join(', ')} }`;
    case 'array':
      return `[${c.items.map(flat).join(', ')}]`;
    case 'arrow':
      return `${c.params} => ${flat(c.body)}`;
    case 'paren':
      return `(${flat(c.inner)})`;
  }
}

/**
 * Prints `c` starting at column `indent.length + lead` (lead = what precedes it on its line, e.g. "key: "),
 * with `tail` characters following it on the line (a comma).
 */
export function render(c: Code, indent = '', lead = 0, tail = 0): string {
  const one = flat(c);
  if (indent.length + lead + one.length + tail <= WIDTH && !one.includes('\n')) return one;
  const inner = indent + INDENT;
  switch (c.t) {
    case 'text':
      return c.text;
    case 'call': {
      if (c.args.length === 0) return one;
      // Hug a last object/arrow argument when the others are short texts: `member(x, {` ... `})`, as written by hand.
      const last = c.args[c.args.length - 1]!;
      const before = c.args.slice(0, -1);
      if (!c.then && (last.t === 'object' || last.t === 'arrow' || last.t === 'paren') && before.every((a) => a.t === 'text')) {
        const head = `${c.callee}(${before.map((a) => `${flat(a)}, `).join('')}`;
        if (indent.length + lead + head.length <= WIDTH) return `${head}${render(last, indent, lead + head.length, tail + 1)})`;
      }
      const args = c.args.map((a) => `${inner}${render(a, inner, 0, 1)},`).join('\n');
      const then = c.then ? `.${c.then.name}(${c.then.args.map((a) => render(a, indent)).join(', ')})` : '';
      return `${c.callee}(\n${args}\n${indent})${then}`;
    }
    case 'object': {
      const lines = c.entries.map(([k, v]) => `${inner}${key(k)}: ${render(v, inner, key(k).length + 2, 1)},`);
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    case 'array': {
      const lines = c.items.map((v) => `${inner}${render(v, inner, 0, 1)},`);
      return `[\n${lines.join('\n')}\n${indent}]`;
    }
    case 'arrow':
      return `${c.params} => ${render(c.body, indent, lead + c.params.length + 4, tail)}`;
    case 'paren':
      return `(${render(c.inner, indent, lead + 1, tail + 1)})`;
  }
}
