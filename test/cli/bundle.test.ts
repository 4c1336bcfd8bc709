/**
 * The bundled CLI (src/cli/bundle.ts), which package.json's `bin` points at and `npm run build` produces: built
 * here into test/.tmp/ and run as a user's shell runs it, for the paths that leave the bundle (tsx and TypeScript
 * for `check`, the worker file for `evaluate --workers`, the package root for --version) and a plan against the
 * emulator. The rest of the suite runs the CLI from src/ through tsx.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_EXTERNAL, bundleCli } from '../../src/cli/bundle.js';
import { emulatorChildEnv } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { emulatorWorkspace } from '../publisher/helpers.js';

const outdir = join(repoRoot, 'test', '.tmp', `bundle-${process.pid}`);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: { ztpolicy: string }; scripts: { build: string } };

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(outdir, 'ztpolicy.js'), ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let files: string[];
beforeAll(async () => {
  const r = await bundleCli(repoRoot, outdir);
  files = readdirSync(outdir);
  expect(r.files).toBe(files.length);
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  it('is what package.json runs: the bin, and the build script bundles before it builds', () => {
    expect(pkg.bin.ztpolicy).toBe('dist/bundle/ztpolicy.js');
    expect(pkg.scripts.build).toMatch(/node dist\/cli\/bundle\.js && node dist\/bundle\/ztpolicy\.js build$/);
    expect(files).toEqual(expect.arrayContaining(['ztpolicy.js', 'worker.js']));
    expect(readFileSync(join(outdir, 'ztpolicy.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('imports nothing from node_modules but the packages it leaves out on purpose', () => {
    const bare = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(outdir, f), 'utf8');
      for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s*(?:[^'"();]*?\sfrom\s*)?["']([^"'\s]+)["']|import\(\s*["']([^"'\s]+)["']\s*\)/gm)) {
        const spec = m[1] ?? m[2]!;
        if (!spec.startsWith('.')) bare.add(spec);
      }
    }
    const allowed = (spec: string) =>
      spec.startsWith('node:') || builtinModules.includes(spec) || BUNDLE_EXTERNAL.some((e) => (e.endsWith('/*') ? spec.startsWith(e.slice(0, -1)) : spec === e || spec.startsWith(`${e}/`)));
    expect([...bare].filter((s) => !allowed(s))).toEqual([]);
    // The Azure identity library is loaded from node_modules (and only when no token is given).
    expect([...bare]).toContain('@azure/identity');
  });

  it('--version prints the package version; --help lists the commands', async () => {
    const v = await run(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['build', 'check', 'evaluate', 'plan', 'publish', 'status']) expect(h.stdout).toContain(`ztpolicy ${c}`);
  });

  it('check: loads the sources through tsx and type-checks them with the package\'s TypeScript (exit 0)', async () => {
    const r = await run(['check']);
    expect(r.stderr).toContain('generated/ is current');
    expect(r.code).toBe(0);
  }, 60_000);

  it('evaluate --workers 1: the worker thread runs worker.js from the bundle and finds what the inline run finds', async () => {
    const args = ['evaluate', '--policy', 'generated/policyDefinitions', '--resources', 'test/fixtures/exports/zero-trust-estate/resources.json', '--stream-above', '0', '--json'];
    const [inline, workers] = await Promise.all([run([...args, '--workers', '0']), run([...args, '--workers', '1'])]);
    expect(inline.code).toBe(workers.code);
    expect(inline.code).not.toBe(4);
    const report = JSON.parse(workers.stdout) as { summary: Record<string, number> };
    expect(report.summary.denied).toBeGreaterThan(0);
    expect(workers.stdout).toBe(inline.stdout);
  }, 60_000);

  describe('against the emulator', () => {
    const env = emulatorWorkspace();

    it('plan reads the target through the bundled Azure SDK clients (exit 1: changes to make)', async () => {
      const { emu, ws } = env;
      const r = await run(['plan', '--mg', 'root', '--endpoint', emu.url, '--config', ws.configFile], emulatorChildEnv(emu, 'bundle-test'));
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Plan: \d+ to create/);
      expect(emu.requests.length).toBeGreaterThan(0);
      expect(emu.writes()).toHaveLength(0);
    }, 60_000);
  });
});
