/**
 * Streaming export reader: the same entries as the whole-file reader for every export shape, in order, whatever
 * the chunking; malformed JSON in the middle of a stream reported with file, position and JSON path, the
 * entries before it kept. Files are tiny; `streamAboveBytes: 0` forces the streaming path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResources, type InputProblem } from '../../src/io/evaluate-inputs.js';
import { fileSource, resourceEntries } from '../../src/io/resource-stream.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zt-stream-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const res = (i: number, extra: object = {}) => ({ id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st${i}`, name: `st${i}`, type: 'Microsoft.Storage/storageAccounts', properties: { n: i, s: 'a"b\\c\u00e9' }, ...extra });

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function streamed(file: string, streamAboveBytes = 0): Promise<{ paths: string[]; resources: unknown[]; problems: InputProblem[] }> {
  const problems: InputProblem[] = [];
  const paths: string[] = [];
  const resources: unknown[] = [];
  for await (const e of resourceEntries([file], problems, { streamAboveBytes })) {
    paths.push(e.jsonPath);
    resources.push(e.resource);
  }
  return { paths, resources, problems };
}

describe('resourceEntries (streaming)', () => {
  const list = Array.from({ length: 25 }, (_, i) => res(i));
  const shapes: Array<[string, string]> = [
    ['plain array (az resource list)', JSON.stringify(list, null, 2)],
    ['az graph query { count, data, skip_token }', JSON.stringify({ count: 25, data: list, skip_token: null, total_records: 25 })],
    ['ARM list { value, nextLink }', JSON.stringify({ value: list, nextLink: null })],
    ['one resource', JSON.stringify(res(7))],
  ];
  for (const [label, text] of shapes) {
    it(`reads ${label} with the same entries and JSON paths as the whole-file reader`, async () => {
      const file = write(`${label.replace(/\W+/g, '-')}.json`, text);
      const whole = loadResources([file]);
      const s = await streamed(file);
      expect(s.problems).toEqual([]);
      expect(s.paths).toEqual(whole.resources.map((e) => e.jsonPath));
      expect(s.resources).toEqual(whole.resources.map((e) => e.resource));
    });
  }

  it('reads a UTF-8 BOM and UTF-16LE (PowerShell 5 redirection) as the whole-file reader does', async () => {
    const text = JSON.stringify([res(1), res(2)]);
    const bom = await streamed(write('bom.json', `\ufeff${text}\n`));
    const utf16 = await streamed(write('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])));
    expect(bom.resources).toEqual([res(1), res(2)]);
    expect(utf16.resources).toEqual([res(1), res(2)]);
  });

  it('reports bad elements with their JSON path and goes on, as the whole-file reader does', async () => {
    const file = write('mixed.json', JSON.stringify({ data: [res(1), { name: 'x' }, 42, res(2)] }));
    const s = await streamed(file);
    expect(s.paths).toEqual(['$.data[0]', '$.data[3]']);
    expect(s.problems).toEqual(loadResources([file]).problems);
    expect(s.problems.map((p) => p.jsonPath)).toEqual(['$.data[1]', '$.data[2]']);
  });

  it('reports malformed JSON mid-stream with file, byte, line and column and the element path; keeps what came before', async () => {
    const good = JSON.stringify([res(1), res(2)], null, 1).slice(0, -2); // drop "\n]"
    const file = write('broken.json', `${good},\n{"id": "/x", "type": "Microsoft.Storage/storageAccounts",, "name": "y"}\n]`);
    const s = await streamed(file);
    expect(s.resources).toEqual([res(1), res(2)]);
    expect(s.problems).toHaveLength(1);
    const p = s.problems[0]!;
    expect(p).toMatchObject({ file: expect.stringContaining('broken.json'), jsonPath: '$[2]', code: 'ZT7002', severity: 'error' });
    const line = good.split('\n').length + 1;
    const offset = Buffer.byteLength(good) + 2 + '{"id": "/x", "type": "Microsoft.Storage/storageAccounts",'.length;
    expect(p.message).toContain(`at byte ${offset} (line ${line} column ${'{"id": "/x", "type": "Microsoft.Storage/storageAccounts",'.length + 1})`);
    expect(p.message).toMatch(/the rest of the file is not evaluated/);
  });

  it('says a truncated export ends early', async () => {
    const s = await streamed(write('cut.json', JSON.stringify({ count: 3, data: [res(1), res(2), res(3)] }).slice(0, -30)));
    expect(s.resources).toEqual([res(1), res(2)]);
    expect(s.problems[0]).toMatchObject({ jsonPath: '$.data[2]', code: 'ZT7002' });
    expect(s.problems[0]!.hint).toMatch(/cut short/);
  });

  it('refuses a file that is not JSON at all, and trailing data after the export', async () => {
    expect((await streamed(write('table.json', 'Name    Type\n----  ----\n'))).problems[0]).toMatchObject({ code: 'ZT7002', message: expect.stringMatching(/starts with \[ or \{/) });
    const trailing = await streamed(write('trailing.json', `${JSON.stringify([res(1)])}\n[1]`));
    expect(trailing.resources).toEqual([res(1)]);
    expect(trailing.problems[0]).toMatchObject({ code: 'ZT7002' });
  });

  it('keeps small files on the JSON.parse path (the threshold decides) with identical results', async () => {
    const file = write('small.json', JSON.stringify([res(1), res(2), res(3)]));
    expect((await streamed(file, 1 << 20)).resources).toEqual((await streamed(file, 0)).resources);
  });
});

describe('fileSource', () => {
  it('serves the related-type pass without repeating problems, for streamed and in-memory inputs', async () => {
    const file = write('source.json', JSON.stringify([res(1), { id: '/s/x', name: 'x', type: 'Microsoft.Insights/diagnosticSettings' }, { name: 'bad' }]));
    for (const streamAboveBytes of [0, 1 << 20]) {
      const problems: InputProblem[] = [];
      const source = fileSource([file], problems, { streamAboveBytes });
      const related = [];
      for await (const e of source.ofTypes(new Set(['microsoft.insights/diagnosticsettings']))) related.push(e.resource.name);
      const all = [];
      for await (const e of source.entries()) all.push(e.resource.name);
      expect(related).toEqual(['x']);
      expect(all).toEqual(['st1', 'x']);
      expect(problems.map((p) => p.jsonPath)).toEqual(['$[2]']);
    }
  });
});
