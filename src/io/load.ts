/**
 * Imports the project's sources with tsx's namespaced loader. One namespace per build: modules are evaluated
 * once per build (the DSL and the alias catalog are shared by every control) and a rebuild sees edited files.
 *
 * The compiler is imported through the SAME namespace, because it recognises DSL values with `instanceof`
 * (Expr, ParamRef): a compiler module loaded outside the namespace would see classes from another module
 * instance. It is taken from the package's src/ when present (a dev checkout, where definitions import
 * src/dsl), else from the compiled files next to this module.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import type * as CompilerApi from '../compiler/index.js';
import { packagePath } from './paths.js';

export type Compiler = typeof CompilerApi;

export interface SourceLoader {
  /** Imports a file (absolute path) and returns its module namespace object. */
  importFile(path: string): Promise<Record<string, unknown>>;
  compiler(): Promise<Compiler>;
  close(): Promise<void>;
}

let counter = 0;

function compilerEntry(): string {
  const fromSource = packagePath('src', 'compiler', 'index.ts');
  if (existsSync(fromSource)) return pathToFileURL(fromSource).href;
  const here = dirname(fileURLToPath(import.meta.url));
  return pathToFileURL(join(here, '..', 'compiler', 'index.js')).href;
}

export function createSourceLoader(options: { tsconfig?: string } = {}): SourceLoader {
  const api = register({ namespace: `ztpolicy-build-${process.pid}-${++counter}`, tsconfig: options.tsconfig ?? false });
  let compiler: Promise<Compiler> | undefined;
  return {
    async importFile(path) {
      return (await api.import(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
    },
    compiler() {
      compiler ??= api.import(compilerEntry(), import.meta.url) as Promise<Compiler>;
      return compiler;
    },
    async close() {
      await api.unregister();
    },
  };
}

/**
 * A short, stack-free description of an error thrown while importing `file`: its message, and the line in the
 * file when the stack (source-mapped by tsx) points into it. Absolute paths of the project become relative.
 */
export function describeImportError(error: unknown, file: string, projectDir: string): { message: string; line?: number; column?: number } {
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.split(projectDir + '/').join('').split(pathToFileURL(projectDir).href + '/').join('').trim();
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}(?:\\?[^:]*)?:(\\d+):(\\d+)`).exec(stack) ?? new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(raw);
  const firstLine = message.split('\n').slice(0, 6).join('\n    ');
  return m ? { message: firstLine, line: Number(m[1]), column: Number(m[2]) } : { message: firstLine };
}
