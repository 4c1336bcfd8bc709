/**
 * `ztpolicy build` against the bad-input corpus (test/fixtures/bad-input/<case>/, each a tiny project plus
 * expect.json) and against a good synthetic project (writes, determinism, atomicity, orphans).
 *
 * Every case runs in a temporary copy under test/.tmp/ whose generated/ is seeded first; the tree is hashed
 * before and after, so "a failed build leaves generated/ untouched" is checked byte for byte. The fixtures
 * import the DSL by a relative path (six levels up to the repo root), which resolves to the repo's src/dsl both
 * from test/fixtures/bad-input/<case>/definitions/<unit>/ and from test/.tmp/bad-input/<case>/definitions/<unit>/.
 * Most cases run the real CLI entry (`main`) in-process to keep the suite fast; cases marked `spawn` run the
 * CLI as a child process (exit code and stderr exactly as a shell sees them).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readTree } from '../../src/io/generated.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { writeSyntheticProject } from '../io/synthetic.js';

const corpus = join(repoRoot, 'test', 'fixtures', 'bad-input');
const tmp = join(repoRoot, 'test', '.tmp', 'bad-input');

interface Expect {
  exitCode: number;
  stderrIncludes: string[];
  typecheck?: boolean;
  spawn?: boolean;
  env?: Record<string, string>;
  note?: string;
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const [p, b] of readTree(dir)) h.update(`${p}\0`).update(b).update('\0');
  return h.digest('hex');
}

/** A generated/ folder that a failed build must leave exactly as it is. */
function seedGenerated(dir: string): void {
  mkdirSync(join(dir, 'generated', 'policyDefinitions', 'storage'), { recursive: true });
  writeFileSync(join(dir, 'generated', 'manifest.json'), '{\n  "schemaVersion": 1\n}\n');
  writeFileSync(join(dir, 'generated', 'policyDefinitions', 'storage', 'zt-stg-01-sample.json'), '{ "seed": true }\n');
}

async function runInProcess(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const cases = readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('bad-input corpus', () => {
  beforeAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('has at least 30 cases, each with an expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const c of cases) expect(existsSync(join(corpus, c, 'expect.json')), c).toBe(true);
  });

  it.each(cases)('%s: clear error, non-zero exit, no stack trace, generated/ untouched', async (name) => {
    const exp = JSON.parse(readFileSync(join(corpus, name, 'expect.json'), 'utf8')) as Expect;
    const dir = join(tmp, name);
    cpSync(join(corpus, name), dir, { recursive: true });
    seedGenerated(dir);
    const before = treeHash(join(dir, 'generated'));
    const env = Object.fromEntries(Object.entries(exp.env ?? {}).map(([k, v]) => [k, v.replace('{case}', dir)]));
    const args = ['build', '--project', dir, ...(exp.typecheck ? [] : ['--no-typecheck'])];
    const r = exp.spawn ? await runCli(args, { env }) : await runInProcess(args, env);
    expect(r.code, r.stderr).toBe(exp.exitCode);
    for (const s of exp.stderrIncludes) expect(r.stderr, `stderr should mention ${s}`).toContain(s);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack frames
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('generated/ was left unchanged');
    expect(treeHash(join(dir, 'generated'))).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('.generated'))).toEqual([]); // no staging leftovers
  });
});

describe('build of a good project', () => {
  const dir = join(repoRoot, 'test', '.tmp', 'good-project');
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    writeSyntheticProject(dir, { controls: 3, initiative: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes definitions, the initiative, manifest and summary; a second build changes no byte', async () => {
    const first = await runInProcess(['build', '--project', dir, '--no-typecheck', '--json'], {});
    expect(first.code, first.stderr).toBe(0);
    const tree1 = readTree(join(dir, 'generated'));
    expect([...tree1.keys()]).toEqual([
      'manifest.json',
      'policyDefinitions/storage/zt-stg-01-synthetic-0.json',
      'policyDefinitions/storage/zt-stg-02-synthetic-1.json',
      'policyDefinitions/storage/zt-stg-03-synthetic-2.json',
      'policySetDefinitions/zt-synthetic.json',
      'summaries/zt-synthetic.md',
    ]);
    const manifest = JSON.parse(tree1.get('manifest.json')!.toString('utf8')) as { definitions: Array<{ file: string; sha256: string }> };
    for (const d of manifest.definitions) {
      expect(createHash('sha256').update(tree1.get(d.file)!).digest('hex')).toBe(d.sha256);
    }
    for (const [path, bytes] of tree1) {
      const text = bytes.toString('utf8');
      expect(text.endsWith('\n') && !text.endsWith('\n\n'), path).toBe(true);
      expect(text, path).not.toContain('\r');
      expect(text, path).not.toContain(repoRoot); // no machine paths
    }
    const second = await runInProcess(['build', '--project', dir, '--no-typecheck'], {});
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('already current');
    const tree2 = readTree(join(dir, 'generated'));
    expect([...tree2.keys()]).toEqual([...tree1.keys()]);
    for (const [p, b] of tree1) expect(tree2.get(p)!.equals(b), p).toBe(true);
  });

  it('--quiet prints nothing when all is well; --verbose adds where the time went and each file written', async () => {
    rmSync(join(dir, 'generated', 'summaries'), { recursive: true, force: true });
    const verbose = await runInProcess(['build', '--project', dir, '--no-typecheck', '--verbose'], {});
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).toMatch(/^timings: type check 0 ms, import sources \d+ ms, compile \d+ ms, validate \d+ ms, render \d+ ms, total \d+ ms$/m);
    expect(verbose.stderr).toContain('  added:   generated/summaries/zt-synthetic.md');
    expect(verbose.stderr).toContain('generated/ updated: 1 added, 0 changed, 0 removed');
    for (const command of ['build', 'check']) {
      const quiet = await runInProcess([command, '--project', dir, '--no-typecheck', '--quiet'], {});
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(quiet.stderr).toBe('');
      expect(quiet.stdout).toBe('');
    }
    const normal = await runInProcess(['check', '--project', dir, '--no-typecheck'], {});
    expect(normal.stderr).toContain('generated/ is current');
    expect(normal.stderr).not.toContain('timings:');
  });

  it('builds exemptions/ into generated/policyExemptions/ and warns about an expired one', async () => {
    const dsl = relative(join(dir, 'exemptions'), join(repoRoot, 'src', 'dsl', 'index.js')).split(sep).join('/');
    mkdirSync(join(dir, 'exemptions'), { recursive: true });
    writeFileSync(
      join(dir, 'exemptions', 'ex-old.ts'),
      `import { defineExemption } from '${dsl}';\nimport synthetic from '../initiatives/synthetic.js';\nimport c0 from '../definitions/storage/zt-stg-01-synthetic-0.js';\n` +
        `export default [defineExemption({ name: 'ex-old', description: 'Legacy app.', initiative: synthetic, members: [c0], scope: '/subscriptions/22222222-2222-4222-8222-222222222222', category: 'Waiver', expiresOn: '2020-01-31', ticket: 'CHG-1' })];\n`,
    );
    try {
      const r = await runInProcess(['build', '--project', dir, '--no-typecheck'], {});
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/ZT1104.*exemption "ex-old" expired on 2020-01-31T23:59:59Z/);
      const doc = JSON.parse(readFileSync(join(dir, 'generated', 'policyExemptions', 'ex-old.json'), 'utf8'));
      expect(doc).toMatchObject({ name: 'ex-old', initiative: 'zt-synthetic', properties: { exemptionCategory: 'Waiver', policyDefinitionReferenceIds: ['zt-stg-01-synthetic-0'] } });
      const checked = await runInProcess(['check', '--project', dir, '--no-typecheck'], {});
      expect(checked.code).toBe(0);
      expect(checked.stderr).toContain('ZT1104');
    } finally {
      rmSync(join(dir, 'exemptions'), { recursive: true, force: true });
      await runInProcess(['build', '--project', dir, '--no-typecheck'], {});
    }
  });

  it('removes files whose source is gone, and check reports stale, missing and orphan files', async () => {
    await runInProcess(['build', '--project', dir, '--no-typecheck'], {});
    writeFileSync(join(dir, 'generated', 'policyDefinitions', 'storage', 'zt-stg-99-left-over.json'), '{}\n');
    writeFileSync(join(dir, 'generated', 'manifest.json'), '{}\n');
    rmSync(join(dir, 'generated', 'summaries'), { recursive: true });
    const check = await runInProcess(['check', '--project', dir, '--no-typecheck'], {});
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('stale:   generated/manifest.json');
    expect(check.stderr).toContain('missing: generated/summaries/zt-synthetic.md');
    expect(check.stderr).toContain('orphan:  generated/policyDefinitions/storage/zt-stg-99-left-over.json');
    expect(check.stderr).toContain('npm run build');
    const build = await runInProcess(['build', '--project', dir, '--no-typecheck'], {});
    expect(build.code).toBe(0);
    expect(existsSync(join(dir, 'generated', 'policyDefinitions', 'storage', 'zt-stg-99-left-over.json'))).toBe(false);
    expect((await runInProcess(['check', '--project', dir, '--no-typecheck'], {})).code).toBe(0);
  });
});
