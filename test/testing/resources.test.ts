/**
 * The per-type resource fixtures (test/fixtures/resources) are written from the builders: this test fails when
 * a builder changes without the fixtures being rewritten (node --import tsx test/fixtures/resources/catalog.ts),
 * or when a fixture file has no entry in the catalog.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_FIXTURES, fixtureText } from '../fixtures/resources/catalog.js';
import { repoRoot } from '../helpers/cli.js';

const root = join(repoRoot, 'test/fixtures/resources');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

describe('resource fixtures', () => {
  it('each fixture file is exactly what its builder produces', () => {
    const stale = Object.entries(RESOURCE_FIXTURES)
      .filter(([rel, doc]) => {
        try {
          return readFileSync(join(root, `${rel}.json`), 'utf8') !== fixtureText(doc);
        } catch {
          return true;
        }
      })
      .map(([rel]) => rel);
    expect(stale).toEqual([]);
  });

  it('has no orphan fixture files', () => {
    const files = jsonFiles(root).map((f) => relative(root, f).split('\\').join('/').replace(/\.json$/, ''));
    expect(files.filter((f) => !(f in RESOURCE_FIXTURES))).toEqual([]);
  });

  it('every fixture sits in the folder of its resource type', () => {
    for (const [rel, doc] of Object.entries(RESOURCE_FIXTURES)) {
      expect(rel.slice(0, rel.lastIndexOf('/'))).toBe(doc.type);
    }
  });
});
