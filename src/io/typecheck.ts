/**
 * Type-checks the project's sources with the TypeScript compiler API: a program built from the project's
 * tsconfig.json compiler options (or the house defaults when there is none) whose roots are only the discovered
 * definitions/ and initiatives/ files (plus what they import). Only diagnostics in those roots are reported:
 * errors inside the ztpolicy package itself are not the author's to fix.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { Diagnostic } from '../errors.js';
import { diagnostic } from '../validate/codes.js';
import { toRel } from './discover.js';

/** The house compiler options (tsconfig.json of ztpolicy), used when a project has no tsconfig.json. */
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  resolveJsonModule: true,
  esModuleInterop: true,
  skipLibCheck: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  noEmit: true,
};

export interface TypecheckResult {
  diagnostics: Diagnostic[];
  /** Files (absolute) that have at least one error. */
  filesWithErrors: Set<string>;
  /**
   * Files (absolute) with syntax errors: they cannot be imported. Files with only type errors are still
   * imported and compiled, so the compiler can add its findings (e.g. the did-you-mean of an unknown alias).
   */
  filesWithSyntaxErrors: Set<string>;
  ms: number;
}

/** Reads the project's tsconfig.json compiler options; problems become ZT1017. */
export function projectCompilerOptions(projectDir: string): { options: ts.CompilerOptions; diagnostics: Diagnostic[]; tsconfig?: string } {
  const configPath = join(projectDir, 'tsconfig.json');
  if (!existsSync(configPath)) return { options: { ...DEFAULT_OPTIONS }, diagnostics: [] };
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) {
    return {
      options: { ...DEFAULT_OPTIONS },
      diagnostics: [diagnostic('ZT1017', { file: 'tsconfig.json', message: ts.flattenDiagnosticMessageText(read.error.messageText, ' ') })],
    };
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, projectDir, undefined, configPath);
  // TS18003 "No inputs were found" is irrelevant: the roots are ours, not the config's include list.
  const errors = parsed.errors.filter((e) => e.code !== 18003);
  return {
    options: { ...parsed.options, noEmit: true },
    diagnostics: errors.map((e) => diagnostic('ZT1017', { file: 'tsconfig.json', message: `TS${e.code}: ${ts.flattenDiagnosticMessageText(e.messageText, ' ')}` })),
    tsconfig: configPath,
  };
}

/**
 * Parsed (and bound) source files are kept per process, keyed by path, target and modification time, so
 * repeated builds in one process (check after build, tests, the benchmark) do not re-parse the DSL, the alias
 * and built-in catalogs and the Node typings. This is what the TypeScript language service does with its
 * document registry.
 */
const sourceFileCache = new Map<string, { mtimeMs: number; size: number; sf: ts.SourceFile }>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const version = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions.languageVersion : languageVersionOrOptions;
    const key = `${version}|${fileName}`;
    let st: { mtimeMs: number; size: number } | undefined;
    try {
      st = statSync(fileName);
    } catch {
      return original(fileName, languageVersionOrOptions, onError, shouldCreate);
    }
    const hit = sourceFileCache.get(key);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.sf;
    const sf = original(fileName, languageVersionOrOptions, onError, shouldCreate);
    if (sf) sourceFileCache.set(key, { mtimeMs: st.mtimeMs, size: st.size, sf });
    return sf;
  };
  return host;
}

export function typecheckSources(projectDir: string, rootFiles: readonly string[]): TypecheckResult {
  const started = performance.now();
  const { options, diagnostics } = projectCompilerOptions(projectDir);
  const filesWithErrors = new Set<string>();
  const filesWithSyntaxErrors = new Set<string>();
  // A broken tsconfig.json would make every other type error a guess: report it alone.
  if (rootFiles.length === 0 || diagnostics.length > 0) return { diagnostics, filesWithErrors, filesWithSyntaxErrors, ms: performance.now() - started };
  const program = ts.createProgram({ rootNames: [...rootFiles], options, host: cachingHost(options) });
  const roots = new Set(rootFiles.map((f) => resolve(f)));
  const tsDiags: ts.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const sf of program.getSourceFiles()) {
    if (!roots.has(resolve(sf.fileName))) continue;
    const syntax = program.getSyntacticDiagnostics(sf);
    if (syntax.some((d) => d.category === ts.DiagnosticCategory.Error)) filesWithSyntaxErrors.add(resolve(sf.fileName));
    tsDiags.push(...syntax, ...program.getSemanticDiagnostics(sf));
  }
  for (const d of tsDiags) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n    ')}`;
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      filesWithErrors.add(resolve(d.file.fileName));
      diagnostics.push(diagnostic('ZT1001', { file: toRel(projectDir, d.file.fileName), line: line + 1, column: character + 1, message }));
    } else {
      diagnostics.push(diagnostic('ZT1001', { message }));
    }
  }
  return { diagnostics, filesWithErrors, filesWithSyntaxErrors, ms: performance.now() - started };
}
