/**
 * The shared CLI mechanisms every registered command gets (issue 8 points 3 and 4), checked for each command in
 * COMMANDS, so a command added later is covered without touching this file (except the module table below, which
 * fails loudly until the new command says what its implementation may load).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { startArmEmulator } from '../emulator/index.js';
import { repoRoot } from '../helpers/cli.js';

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('every command rejects an unknown option before running', () => {
  it.each(COMMANDS.map((c) => nameOf(c.command)))('%s --zz-unknown-flag: exit 2, the option named, the implementation never loaded', async (name) => {
    const spec = COMMANDS.find((c) => nameOf(c.command) === name)!;
    // A required positional (import <paths..>) gets a value, so the unknown flag is the only problem.
    const positionals = spec.command.includes('<') ? ['x.json'] : [];
    const load = vi.spyOn(spec, 'load');
    try {
      const io = captureIo();
      const code = await main([name, ...positionals, '--zz-unknown-flag'], io);
      expect(code).toBe(2);
      expect(io.err).toContain(`unknown option --zz-unknown-flag for 'ztpolicy ${spec.command}'`);
      expect(io.err).not.toMatch(/\n\s+at /);
      expect(io.out).toBe('');
      // Not loaded = nothing of the command ran: no file read or written, no request.
      expect(load).not.toHaveBeenCalled();
    } finally {
      load.mockRestore();
    }
  });

  it.each(COMMANDS.map((c) => nameOf(c.command)))('%s --quiet --verbose: exit 2 before the implementation loads', async (name) => {
    const spec = COMMANDS.find((c) => nameOf(c.command) === name)!;
    const positionals = spec.command.includes('<') ? ['x.json'] : [];
    // Required options get values, so the pair is the only problem.
    const required: Record<string, string[]> = { evaluate: ['--policy', 'p', '--resources', 'r'], export: ['--mg', 'm'] };
    const load = vi.spyOn(spec, 'load');
    try {
      const io = captureIo();
      expect(await main([name, ...positionals, ...(required[name] ?? []), '--quiet', '--verbose'], io)).toBe(2);
      expect(io.err).toContain('--quiet and --verbose cannot be used together');
      expect(io.out).toBe('');
      expect(load).not.toHaveBeenCalled();
    } finally {
      load.mockRestore();
    }
  });

  it.each(COMMANDS.map((c) => nameOf(c.command)))('%s --help: --json, --quiet and --verbose, and examples of the command', async (name) => {
    const io = captureIo();
    expect(await main([name, '--help'], io)).toBe(0);
    for (const flag of ['--json', '--quiet', '--verbose']) expect(io.out).toMatch(new RegExp(`^\\s+${flag}\\s`, 'm'));
    const examples = io.out.split(/^Examples:$/m)[1] ?? '';
    expect(examples).toMatch(new RegExp(`^\\s+ztpolicy ${name}\\b`, 'm'));
  });

  it('suggests the declared option a typo is closest to, for every unknown flag at once', async () => {
    const io = captureIo();
    const code = await main(['publish', '--mg', 'root', '--dryrun', '--yess', '--bogus'], io);
    expect(code).toBe(2);
    expect(io.err).toContain("unknown option --dryrun for 'ztpolicy publish'. Did you mean --dry-run?");
    expect(io.err).toContain("unknown option --yess for 'ztpolicy publish'. Did you mean --yes?");
    expect(io.err).toMatch(/unknown option --bogus for 'ztpolicy publish'\n/);
  });

  it('names an unknown option even when a required one is missing too', async () => {
    const io = captureIo();
    // evaluate reads --resources or --mg/--subscription, so --policy is its one required option.
    expect(await main(['evaluate', '--resource', 'x.json'], io)).toBe(2);
    expect(io.err).toContain("unknown option --resource for 'ztpolicy evaluate'. Did you mean --resources?");
    expect(io.err).toContain('missing required option --policy');
  });

  it('accepts declared options in every spelling yargs parses (--no-x, --x=value, aliases)', async () => {
    const io = captureIo();
    expect(await main(['build', '--no-typecheck', '--project=.', '-h'], io)).toBe(0);
    expect(io.out).toContain('ztpolicy build');
  });

  it('reports a stray word and an unknown command as usage errors', async () => {
    let io = captureIo();
    expect(await main(['build', 'extra'], io)).toBe(2);
    expect(io.err).toContain("unexpected argument 'extra' for 'ztpolicy build'");
    io = captureIo();
    expect(await main(['pubish'], io)).toBe(2);
    expect(io.err).toContain("unknown command 'pubish'. Did you mean publish?");
  });

  it('plan and publish with a typo send no request to ARM (the CLI as a user runs it)', async () => {
    const emu = await startArmEmulator();
    try {
      for (const args of [
        ['publish', '--mg', 'root', '--yes', '--some-typo'],
        ['plan', '--mg', 'root', '--bogus'],
      ]) {
        const io = captureIo();
        expect(await main([...args, '--endpoint', emu.url, '--config', join(repoRoot, 'test/publisher/fixtures/ztpolicy.config.json')], io)).toBe(2);
      }
      expect(emu.requests).toHaveLength(0);
    } finally {
      await emu.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Lazy loading: which modules a start pulls in (recorded by module hooks in a child process,
// test/helpers/record-imports.mjs) and what each command's implementation imports (its static import graph).
// Cheap and deterministic, unlike timing (that is `npm run bench -- cli`).

const HEAVY = {
  typescript: (url: string) => url.includes('/node_modules/typescript/'),
  // tsx as the project's code imports it (the test's own tsx loader is there in every child).
  tsx: (url: string, parent: string, specifier: string) => specifier.startsWith('tsx') && parent.includes('/src/'),
  azureSdk: (url: string) => url.includes('/node_modules/@azure/'),
  catalog: (url: string) => url.includes('/src/catalog/'),
} as const;
type Heavy = keyof typeof HEAVY;

/** What each command's implementation may load. A new command must add its line (the test below fails until then). */
const ALLOWED: Record<string, Heavy[]> = {
  build: ['typescript', 'tsx', 'catalog'],
  check: ['typescript', 'tsx', 'catalog'],
  evaluate: ['catalog'],
  // import reads the alias and built-in catalogs to type fields and members; export talks to Azure.
  import: ['catalog'],
  export: ['azureSdk'],
  init: ['azureSdk'],
  plan: ['azureSdk'],
  publish: ['azureSdk'],
  status: ['azureSdk'],
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `script` (an ES module body) in a child with the recorder; returns the heavy groups it loaded. */
function loadedBy(script: string): Promise<Set<Heavy>> {
  const dir = mkdtempSync(join(tmpdir(), 'ztpolicy-imports-'));
  dirs.push(dir);
  const log = join(dir, 'imports.log');
  const register = pathToFileURL(join(repoRoot, 'test/helpers/record-imports-register.mjs')).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', script], {
      cwd: repoRoot,
      env: { ...process.env, ZT_IMPORT_LOG: log },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}: ${stderr}`));
      const found = new Set<Heavy>();
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        const [url = '', parent = '', specifier = ''] = line.split('\t');
        for (const [k, test] of Object.entries(HEAVY)) if (test(url, parent, specifier)) found.add(k as Heavy);
      }
      resolve(found);
    });
  });
}

const mainUrl = pathToFileURL(join(repoRoot, 'src/cli/main.ts')).href;
const registryUrl = pathToFileURL(join(repoRoot, 'src/cli/registry.ts')).href;
const quiet = '{ stdout() {}, stderr() {} }';

/** The implementation file a declaration's load() imports (its one dynamic import). */
/** The command's name: its yargs command string without positionals ('import <paths..>' -> 'import'). */
function nameOf(command: string): string {
  return command.split(' ')[0]!;
}

function handlerFile(command: string): string {
  const decl = readFileSync(join(repoRoot, 'src/cli/commands', `${command}.ts`), 'utf8');
  const m = /load:\s*\(\)\s*=>\s*import\('([^']+)'\)/.exec(decl);
  if (!m) throw new Error(`src/cli/commands/${command}.ts: no load: () => import('...')`);
  return resolvePath(join(repoRoot, 'src/cli/commands'), m[1]!);
}

function resolvePath(fromDir: string, specifier: string): string {
  return join(fromDir, specifier).replace(/\.js$/, '.ts');
}

/**
 * Heavy groups in the static import graph of `file` (what importing it loads before any of its code runs):
 * `import ... from`, `export ... from` and side-effect imports, not `import type` (erased) nor `import()` (lazy).
 */
function staticGraph(file: string): Heavy[] {
  const found = new Set<Heavy>();
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = resolvePath(dirname(f), spec);
        for (const [k, test] of Object.entries(HEAVY)) if (test(pathToFileURL(target).href, pathToFileURL(f).href, spec)) found.add(k as Heavy);
        if (target.endsWith('.ts')) visit(target);
      } else {
        const url = `file:///node_modules/${spec}/`;
        for (const [k, test] of Object.entries(HEAVY)) if (test(url, pathToFileURL(f).href, spec)) found.add(k as Heavy);
      }
    }
  };
  visit(file);
  return [...found].sort();
}

describe('the CLI loads per command', () => {
  it('--help, --version and every <command> --help load no compiler, tsx, Azure SDK or catalog', async () => {
    const runs = [['--help'], ['--version'], ...COMMANDS.map((c) => [nameOf(c.command), '--help'])];
    const script = `const { main } = await import(${JSON.stringify(mainUrl)});
      for (const argv of ${JSON.stringify(runs)}) { const code = await main(argv, ${quiet}); if (code !== 0) throw new Error(argv.join(' ') + ' exited ' + code); }`;
    expect([...(await loadedBy(script))]).toEqual([]);
  }, 60_000);

  it('every registered command says what its implementation may load', () => {
    expect(COMMANDS.map((c) => nameOf(c.command)).filter((n) => ALLOWED[n] === undefined)).toEqual([]);
  });

  it('each implementation loads only what it needs (build: compiler and tsx; plan/publish: the SDK; evaluate: neither)', () => {
    const results = COMMANDS.map((c) => [nameOf(c.command), staticGraph(handlerFile(nameOf(c.command)))] as const);
    for (const [name, loaded] of results) {
      const allowed = ALLOWED[name] ?? [];
      expect({ name, forbidden: loaded.filter((h) => !allowed.includes(h)) }).toEqual({ name, forbidden: [] });
    }
    // The walk sees heavy modules when they are there (otherwise the checks above could not fail).
    const byName = Object.fromEntries(results);
    expect(byName.build).toEqual(expect.arrayContaining(['typescript', 'tsx']));
    expect(byName.plan).toContain('azureSdk');
    expect(byName.evaluate).toContain('catalog');
  });
});
