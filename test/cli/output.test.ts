/**
 * Colour and the reporting options every command shares (src/cli/output.ts), through main() in-process with an
 * io that says whether its streams are terminals. Expectations come from the conventions the CLI promises:
 * no-color.org (NO_COLOR present and not empty disables colour), picocolors' FORCE_COLOR (any non-empty value
 * forces it), issue 9 (colour only on a terminal; CI alone is not one), and --json output never carries
 * escape codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';
import { colourWanted, paintPlan } from '../../src/cli/output.js';
import pc from 'picocolors';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b\[/;

describe('colourWanted', () => {
  it.each([
    ['a terminal', {}, true, true],
    ['a pipe or a file', {}, false, false],
    ['a terminal with NO_COLOR=1', { NO_COLOR: '1' }, true, false],
    ['a terminal with an empty NO_COLOR (no-color.org: ignored)', { NO_COLOR: '' }, true, true],
    ['a pipe with FORCE_COLOR=1', { FORCE_COLOR: '1' }, false, true],
    ['FORCE_COLOR and NO_COLOR both set (NO_COLOR wins)', { FORCE_COLOR: '1', NO_COLOR: '1' }, true, false],
    ['a terminal with TERM=dumb', { TERM: 'dumb' }, true, false],
    ['a CI log (CI=true, not a terminal)', { CI: 'true' }, false, false],
  ] as const)('%s', (_name, env, tty, expected) => {
    expect(colourWanted(env, tty)).toBe(expected);
  });
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder with one custom definition as `az policy definition show` prints it (import's smallest input). */
function policyFolder(): string {
  const d = mkdtempSync(join(tmpdir(), 'ztpolicy-output-'));
  dirs.push(d);
  writeFileSync(join(d, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(d, 'deny-http.json'),
    JSON.stringify({
      name: 'deny-http',
      displayName: 'No plain HTTP',
      description: 'Denies storage accounts that accept HTTP.',
      mode: 'Indexed',
      parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Deny'], defaultValue: 'Deny' } },
      policyRule: {
        if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly', notEquals: true }] },
        then: { effect: "[parameters('effect')]" },
      },
    }),
  );
  return d;
}

async function run(args: string[], io: Partial<CliIo>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), ...io });
  return { code, out, err };
}

describe('colour through main()', () => {
  const missing = ['import', join(tmpdir(), 'ztpolicy-no-such-folder', 'x.json'), '--unit', 'storage'];

  it('colours an error on a terminal', async () => {
    const r = await run(missing, { stderrIsTty: true, stdoutIsTty: true, env: {} });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(ESC);
    expect(r.err.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/^error ZT9502: /m);
  });

  it('prints no escape code when NO_COLOR is set, on a terminal too', async () => {
    const r = await run(missing, { stderrIsTty: true, stdoutIsTty: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error ZT9502: /m);
    expect(r.err).not.toMatch(ESC);
  });

  it('prints no escape code into a log or a pipe', async () => {
    const r = await run(missing, { stderrIsTty: false, stdoutIsTty: false, env: { CI: 'true' } });
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(ESC);
  });

  it('FORCE_COLOR colours a pipe, but never --json on stdout', async () => {
    const project = policyFolder();
    const r = await run(['import', join(project, 'deny-http.json'), '--unit', 'storage', '--project', project, '--dry-run', '--json'], {
      stderrIsTty: false,
      stdoutIsTty: false,
      env: { FORCE_COLOR: '1' },
    });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(ESC);
    expect(r.out).not.toMatch(ESC);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, written: [] });
  });
});

describe('--quiet and --verbose', () => {
  it('refuses both at once on every command, before the command runs', async () => {
    const r = await run(['check', '--quiet', '--verbose'], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain('--quiet and --verbose cannot be used together');
    expect(r.out).toBe('');
  });

  it('import --quiet prints nothing but the result; --verbose names each file it would write', async () => {
    const project = policyFolder();
    const args = ['import', join(project, 'deny-http.json'), '--unit', 'storage', '--project', project, '--dry-run'];
    const normal = await run(args, {});
    expect(normal.code).toBe(0);
    expect(normal.err).toContain('would import 1 definition(s) into definitions/storage/');
    const quiet = await run([...args, '--quiet'], {});
    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe('');
    expect(quiet.out).toBe('');
    const verbose = await run([...args, '--verbose'], {});
    expect(verbose.code).toBe(0);
    expect(verbose.err).toContain('would write definitions/storage/deny-http.ts (definition deny-http from ');
    expect(verbose.err).toContain('would import 1 definition(s)');
  });
});

describe('paintPlan', () => {
  const plan = [
    "Plan for management group 'root' (tenant t), owner 'o'",
    '',
    'Policy definitions:',
    '  + create zt-a',
    '  ~ update zt-b',
    '      $.x: 1 -> 2',
    '  - delete zt-c  [owned by this repo and no longer generated]',
    '  = 3 unchanged',
    '',
    'Blockers:',
    '  x ZT8106 policyDefinition zt-d exists without a marker',
    '  ! ZT8110 exemption expired',
    '',
  ].join('\n');

  it('colours each marker line and keeps every word, so the plan reads the same without colour', () => {
    const painted = paintPlan(plan, pc.createColors(true));
    const lines = painted.split('\n');
    expect(lines[3]).toBe('\u001b[32m  + create zt-a\u001b[39m');
    expect(lines[4]).toBe('\u001b[33m  ~ update zt-b\u001b[39m');
    expect(lines[5]).toBe('      $.x: 1 -> 2');
    expect(lines[6]).toMatch(/^\u001b\[31m {2}- delete zt-c/);
    expect(lines[7]).toBe('  = 3 unchanged');
    expect(lines[10]).toMatch(/^\u001b\[31m {2}x ZT8106/);
    expect(lines[11]).toMatch(/^\u001b\[33m {2}! ZT8110/);
    expect(painted.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plan);
  });

  it('returns the text untouched without colour', () => {
    expect(paintPlan(plan, pc.createColors(false))).toBe(plan);
  });
});

describe('evaluate text in colour', () => {
  const args = ['evaluate', '--policy', join(repoRoot, 'generated/policyDefinitions'), '--resources', join(repoRoot, 'test/fixtures/exports/zero-trust-estate/resources.json')];
  const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

  it('colours each outcome label on a terminal (deny red, audit yellow, modify cyan) and keeps every word', async () => {
    const plain = await run(args, { stdoutIsTty: false, env: {} });
    const coloured = await run(args, { stdoutIsTty: true, env: {} });
    expect(coloured.code).toBe(plain.code);
    expect(strip(coloured.out)).toBe(plain.out);
    expect(plain.out).not.toMatch(ESC);
    const labelled = (c: string, label: string) => coloured.out.split('\n').some((l) => l.startsWith(`  ${c}${label.padEnd(10)}\u001b[39m /subscriptions/`));
    expect(labelled('\u001b[31m', 'deny')).toBe(true);
    expect(labelled('\u001b[33m', 'audit')).toBe(true);
    expect(labelled('\u001b[36m', 'modify')).toBe(true);
  }, 30_000);

  it('prints no escape code with NO_COLOR, on a terminal too', async () => {
    const r = await run(args, { stdoutIsTty: true, env: { NO_COLOR: '1' } });
    expect(r.out).toMatch(/^ {2}deny {7}\/subscriptions\//m);
    expect(r.out).not.toMatch(ESC);
  }, 30_000);
});
