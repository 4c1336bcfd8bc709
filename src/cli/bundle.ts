/**
 * Bundles the CLI for start-up speed (issue 8 point 4: plan/publish's first ARM request within 0.5 s of process
 * start). Node 20 has no module compile cache (module.enableCompileCache arrived in Node 22.1), and resolving,
 * reading and linking the ~330 ES modules plan loads before its first request (zod ~95, the Azure core packages
 * ~120, yargs ~45, our own ~40) cost about 150 ms on the 2-core machine. esbuild (which tsx already uses) turns them
 * into a few chunks: the entry with what every command needs, and one lazily imported chunk per command, so
 * `--help` still loads no command's dependencies.
 *
 * Left outside the bundle, loaded from node_modules as before:
 * - typescript and tsx: `build` and `evaluate` import project sources through tsx's loader and type-check with the
 *   compiler, which must be the package's own copies (tsx registers hooks; the compiler is a 9 MB CommonJS file);
 * - @azure/identity (with MSAL): only loaded when no ZTPOLICY_ACCESS_TOKEN is set, and parts of its dependency tree
 *   locate files next to themselves (__dirname), which a bundle would move;
 * - esbuild itself.
 *
 * Outputs go to dist/bundle/: ztpolicy.js (the `bin`), worker.js (evaluate's worker threads: src/estate/pool.ts
 * starts `./worker.js` next to the running chunk) and the chunks. Code that reads shipped files finds them from the
 * package root (src/io/paths.ts) or falls back to it, so it runs the same from src/, dist/ or dist/bundle/.
 *
 * Run by `npm run build` after tsc: `node dist/cli/bundle.js`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../io/paths.js';

export const BUNDLE_DIR = ['dist', 'bundle'] as const;
export const BUNDLE_EXTERNAL = ['typescript', 'tsx', 'tsx/*', 'esbuild', '@azure/identity'] as const;

export interface BundleResult {
  outdir: string;
  files: number;
  bytes: number;
  ms: number;
}

export async function bundleCli(root: string = packageRoot(), outdir: string = join(root, ...BUNDLE_DIR)): Promise<BundleResult> {
  const started = Date.now();
  const { build } = await import('esbuild');
  // A stale chunk from an earlier build would never be loaded, but it would be shipped and confuse a reader.
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { ztpolicy: 'src/cli/bin.ts', worker: 'src/estate/worker.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    external: [...BUNDLE_EXTERNAL],
    // ES module builds first: @azure/arm-authorization 9.0.0 has no `exports` map, only `main` (CommonJS) and
    // `module` (ES). Taken as CommonJS, a dynamic import() of it yields only a default export (tried: the gateway's
    // `(await import(...)).AuthorizationManagementClient` was undefined), and its require() calls pull in the
    // CommonJS copies of the Azure core packages beside the ES ones.
    mainFields: ['module', 'main'],
    // CommonJS dependencies (yargs' helpers, ajv, semver) call require() for Node built-ins: give the ES module chunks one.
    banner: { js: "import { createRequire as __ztpolicyRequire } from 'node:module';\nconst require = __ztpolicyRequire(import.meta.url);" },
    // Readable chunks (a stack trace from exit 4 names real functions), deterministic names for the same sources.
    minify: false,
    sourcemap: false,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.values(result.metafile.outputs);
  return { outdir, files: outputs.length, bytes: outputs.reduce((n, o) => n + o.bytes, 0), ms: Date.now() - started };
}

if (process.argv[1] && /[\\/]bundle\.(js|ts)$/.test(process.argv[1])) {
  const r = await bundleCli();
  process.stdout.write(`bundled the CLI into ${r.files} file(s), ${(r.bytes / 1_048_576).toFixed(1)} MB, in ${r.ms} ms (${r.outdir})\n`);
}
