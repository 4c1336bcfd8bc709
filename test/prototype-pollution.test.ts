/**
 * Issue 11 point 6: hostile keys (`__proto__`, `constructor`, `prototype`, names of Object.prototype methods)
 * fed through every entry point that takes JSON from a user or from the scanned estate: evaluatePolicy (resource
 * documents, field paths, tag names, template objects), applyMutations, the publisher config, and resource and
 * parameter files. None may write to a shared prototype, and the evaluator reads such names as the document's
 * own data (Azure has JSON documents, no prototypes; `__proto__` is a valid Azure tag name: Learn, tag
 * resources, limitations only forbid < > % & \ ? /).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isZtError } from '../src/errors.js';
import { applyMutations, evaluatePolicy } from '../src/evaluator/index.js';
import { loadParametersFile, loadResources } from '../src/io/evaluate-inputs.js';
import { parseConfig } from '../src/publisher/config.js';
import { readFileSync } from 'node:fs';
import { repoRoot } from './helpers/cli.js';

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'polluted'];
const key = fc.oneof(fc.constantFrom(...HOSTILE), fc.constantFrom('a', 'b', 'properties', 'tags'));

/** JSON text, so `__proto__` keys become own properties when parsed (as in any file or HTTP body). */
const { value: jsonText } = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom('1', '"x"', 'null', 'true', '{}'), tie('object'), tie('array')),
  object: fc
    .uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: ([k]) => k.toLowerCase() })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
}));
const hostileObjectText = jsonText.filter((t) => t.startsWith('{'));
const path = fc.array(fc.constantFrom(...HOSTILE, 'a', 'properties'), { minLength: 1, maxLength: 4 });

/** What the shared prototypes hold before any test: compared after each run. */
function snapshot(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, proto] of [['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype]] as const) {
    for (const k of Reflect.ownKeys(proto)) out.set(`${name}.${String(k)}`, Object.getOwnPropertyDescriptor(proto, k)?.value);
  }
  return out;
}
const before = snapshot();
function expectNoPollution(): void {
  const now = snapshot();
  const changed = [...new Set([...before.keys(), ...now.keys()])].filter((k) => before.get(k) !== now.get(k));
  expect(changed).toEqual([]);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

/** Reference reading of a path: own properties only, exact key first, then case-insensitive (ARM names). */
function ownWalk(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const s of segments) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    const keys = Object.keys(node);
    const k = keys.includes(s) ? s : keys.find((x) => x.toLowerCase() === s.toLowerCase());
    if (k === undefined) return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

const TYPE = 'Microsoft.Test/things';
const evaluate = (policyRule: unknown, resource: unknown) =>
  evaluatePolicy({ policyRule, resource, options: { bundledAliases: false, trace: false } });

describe('hostile keys through evaluatePolicy', () => {
  it('a field path reads own properties only, whatever the segments are named', () => {
    fc.assert(
      fc.property(hostileObjectText, path, (text, segments) => {
        const doc = { ...JSON.parse(text), type: TYPE, name: 'x' };
        const field = segments.map((s) => `['${s}']`).join('');
        const r = evaluate({ if: { field: field.replace(/^\['([^']+)'\]/, '$1'), exists: true }, then: { effect: 'audit' } }, doc);
        const v = ownWalk(doc, segments);
        expect(r.error).toBeUndefined();
        expect(r.effect === 'audit').toBe(v !== undefined && v !== null);
        expectNoPollution();
      }),
      { numRuns: 300 },
    );
  });

  it("tag names such as __proto__ are the resource's own tags", () => {
    fc.assert(
      fc.property(fc.constantFrom(...HOSTILE), fc.boolean(), (tag, present) => {
        const doc = JSON.parse(`{"type":"${TYPE}","name":"x","tags":{${present ? `"${tag}":"v"` : '"other":"v"'}}}`);
        const r = evaluate({ if: { field: `tags['${tag}']`, equals: 'v' }, then: { effect: 'audit' } }, doc);
        expect(r.effect === 'audit').toBe(present);
        expectNoPollution();
      }),
    );
  });

  it('createObject/union/intersection with hostile names build own properties', () => {
    for (const k of HOSTILE) {
      const expr = `[union(createObject('${k}', createObject('polluted', 1)), createObject('b', 2))]`;
      const r = evaluate({ if: { value: `[contains(${expr.slice(1, -1)}, '${k}')]`, equals: true }, then: { effect: 'audit' } }, { type: TYPE, name: 'x' });
      expect(r.effect, k).toBe('audit');
      const inter = evaluate(
        { if: { value: `[length(intersection(createObject('${k}', 1, 'b', 2), createObject('${k}', 1)))]`, equals: 1 }, then: { effect: 'audit' } },
        { type: TYPE, name: 'x' },
      );
      expect(inter.effect, k).toBe('audit');
    }
    expectNoPollution();
  });

  it('a rule whose object values hold hostile keys keeps them as data (modify details)', () => {
    const r = evaluate(
      {
        if: { field: 'type', equals: TYPE },
        then: { effect: 'modify', details: { roleDefinitionIds: [], operations: [{ operation: 'addOrReplace', field: "tags['owner']", value: JSON.parse('{"__proto__":{"polluted":1}}') }] } },
      },
      { type: TYPE, name: 'x', tags: {} },
    );
    const value = (r.details as { operations: { value: unknown }[] }).operations[0]!.value as object;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expectNoPollution();
  });
});

describe('hostile fields through applyMutations', () => {
  it('never writes through a prototype; a value lands only where the document has its own parent', () => {
    fc.assert(
      fc.property(hostileObjectText, path, fc.constantFrom('add', 'addOrReplace', 'remove') as fc.Arbitrary<'add' | 'addOrReplace' | 'remove'>, (text, segments, operation) => {
        const doc = { ...JSON.parse(text), type: TYPE, name: 'x' };
        const original = JSON.stringify(doc);
        const field = segments.join('.');
        const value = { polluted: true };
        const { resource, skipped } = applyMutations(doc, { effect: 'modify', details: { operations: [{ operation, field, value }] } });
        expectNoPollution();
        expect(JSON.stringify(doc)).toBe(original); // the input is not changed
        const parent = ownWalk(resource, segments.slice(0, -1));
        const landed = ownWalk(resource, segments);
        if (skipped.length === 0 && operation !== 'remove') expect(landed).toEqual(value);
        if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) expect(skipped.map((s) => s.field)).toEqual([field]);
      }),
      { numRuns: 300 },
    );
  });

  it('the reproductions of the issue: __proto__.x and constructor.prototype.x', () => {
    for (const field of ['__proto__.polluted', 'constructor.prototype.polluted', 'properties.__proto__.polluted']) {
      for (const effect of ['modify', 'append'] as const) {
        const details = effect === 'append' ? [{ field, value: 'yes' }] : { operations: [{ operation: 'addOrReplace', field, value: 'yes' }] };
        const out = applyMutations({ type: TYPE, name: 'x', properties: {} }, { effect, details });
        expect(out.skipped.map((s) => s.field), `${effect} ${field}`).toEqual([field]);
      }
    }
    // A tag named __proto__ is a tag (valid in Azure), created as an own property.
    const tagged = applyMutations({ type: TYPE, name: 'x', tags: {} }, { effect: 'modify', details: { operations: [{ operation: 'add', field: "tags['__proto__']", value: 'v' }] } });
    expect(JSON.stringify(tagged.resource.tags)).toBe('{"__proto__":"v"}');
    expectNoPollution();
  });
});

describe('hostile keys in files and config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztpolicy-pollution-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = JSON.parse(readFileSync(join(repoRoot, 'ztpolicy.config.json'), 'utf8')) as Record<string, unknown>;

  it('resource files: loaded and evaluated without touching a prototype', () => {
    let n = 0;
    fc.assert(
      fc.property(hostileObjectText, (text) => {
        const file = join(dir, `r${n++}.json`);
        writeFileSync(file, `[{"type":"${TYPE}","name":"x","properties":${text}}, ${text}]`);
        const loaded = loadResources([file]);
        for (const { resource } of loaded.resources) {
          evaluate({ if: { field: 'properties.__proto__.polluted', exists: true }, then: { effect: 'audit' } }, resource);
        }
        expectNoPollution();
      }),
      { numRuns: 60 },
    );
  });

  it('parameters files: a parameter named __proto__ stays a value', () => {
    const file = join(dir, 'params.json');
    writeFileSync(file, '{"__proto__":{"value":{"effect":"Disabled"}},"constructor":{"value":1}}');
    const { values, problems } = loadParametersFile(file);
    expect(problems).toEqual([]);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.keys(values)).toEqual(['__proto__', 'constructor']);
    expect((values as Record<string, unknown>)['effect']).toBeUndefined();
    expectNoPollution();
  });

  it('publisher config: hostile keys anywhere are refused or ignored, never followed', () => {
    fc.assert(
      fc.property(fc.constantFrom('', 'assignments.0', 'assignments.0.parameters', 'defender', 'defender.plans'), hostileObjectText, (where, text) => {
        const value = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
        const target = where.split('.').filter(Boolean).reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], value) as object;
        const extra = JSON.parse(text) as Record<string, unknown>;
        for (const k of Object.keys(extra)) Object.defineProperty(target, k, { value: extra[k], enumerable: true, writable: true, configurable: true });
        try {
          const parsed = parseConfig(value, 'ztpolicy.config.json');
          expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
        } catch (e) {
          expect(isZtError(e), String(e)).toBe(true);
        }
        expectNoPollution();
      }),
      { numRuns: 150 },
    );
  });
});
