/**
 * CLI start-up benchmark (issue 8 point 4), on the built CLI users run through `bin` (dist/bundle/ztpolicy.js, the
 * bundle src/cli/bundle.ts makes; compiled and bundled here first when dist/ is missing or older than src/).
 * Baselines, measured in the same run: a bare `node -e 0`, and the unbundled tsc output (dist/cli/bin.js) for the
 * first-request figures, so the bundle's gain is visible. Prints the median wall time of `--help`, `--version` and
 * every `<command> --help` with its ratio to node (goal <= 5x), and for plan and publish the time from process
 * start to their first ARM request at the emulator (goal <= 500 ms).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { COMMANDS } from '../../src/cli/registry.js';
import { emulatorChildEnv, startArmEmulator, type ArmEmulator } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';
import { benchContent } from './publish.bench.js';

const RUNS = 7;
const BIN = join(repoRoot, 'dist', 'bundle', 'ztpolicy.js');
const UNBUNDLED = join(repoRoot, 'dist', 'cli', 'bin.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** The same compile and bundle steps `npm run build` starts with (without re-building generated/). */
function ensureDist(): void {
  const newest = newestMtime(join(repoRoot, 'src'));
  if ([BIN, UNBUNDLED].every((f) => existsSync(f) && statSync(f).mtimeMs >= newest)) return;
  process.stdout.write('compiling src/ to dist/ (tsc -p tsconfig.build.json) and bundling the CLI...\n');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc failed');
  cpSync(join(repoRoot, 'src/catalog/generated'), join(repoRoot, 'dist/catalog/generated'), { recursive: true });
  const b = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/bundle.js')], { cwd: repoRoot, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('bundle failed');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of one child process from spawn to exit. */
function timeRun(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t, code }));
  });
}

async function medianRun(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await timeRun(args);
    if (r.code !== 0) throw new Error(`node ${args.join(' ')} exited ${r.code}`);
    times.push(r.ms);
  }
  return median(times);
}

/** ms from spawning `ztpolicy <args>` to the emulator receiving its first request (the process runs on to its end). */
async function firstRequest(emu: ArmEmulator, args: string[], bin = BIN): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    emu.resetRequests();
    const started = Date.now();
    await timeRun([bin, ...args, '--endpoint', emu.url], { ...process.env, ...emulatorChildEnv(emu, 'bench') });
    const first = Math.min(...emu.requests.map((r) => r.at));
    if (!Number.isFinite(first)) throw new Error(`ztpolicy ${args.join(' ')} sent no request`);
    times.push(first - started);
  }
  return median(times);
}

export default async function bench(): Promise<void> {
  ensureDist();
  const out = process.stdout;
  // Warm the file system cache for both (first runs read the modules from disk).
  await timeRun(['-e', '0']);
  await timeRun([BIN, '--help']);
  const base = await medianRun(['-e', '0']);
  out.write(`baseline: node -e 0 ${base.toFixed(0)} ms (median of ${RUNS})\n`);
  const row = (label: string, ms: number) => out.write(`${label.padEnd(26)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / base).toFixed(2)}x (goal <= 5x)\n`);
  row('ztpolicy --help', await medianRun([BIN, '--help']));
  row('ztpolicy --version', await medianRun([BIN, '--version']));
  for (const c of COMMANDS) row(`ztpolicy ${c.command} --help`, await medianRun([BIN, c.command, '--help']));

  const { configFile } = benchContent();
  const emu = await startArmEmulator({ principalTypeBypassesReplication: true });
  try {
    const mg = (await import(configFile, { with: { type: 'json' } })).default.managementGroupId as string;
    for (const cmd of [['plan'], ['publish', '--dry-run']]) {
      const args = [...cmd, '--mg', mg, '--config', configFile];
      const ms = await firstRequest(emu, args);
      const unbundled = await firstRequest(emu, args, UNBUNDLED);
      out.write(
        `ztpolicy ${cmd.join(' ')}: first ARM request ${ms.toFixed(0)} ms after process start (goal <= 500 ms; ` +
          `unbundled dist/cli/bin.js ${unbundled.toFixed(0)} ms, ${(ms / unbundled).toFixed(2)}x; node -e 0 ${base.toFixed(0)} ms)\n`,
      );
    }
  } finally {
    await emu.close();
  }
}
