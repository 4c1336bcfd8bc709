/**
 * The one error base class. Every expected failure is a ZtError with a stable code, the exit code the CLI
 * uses for it, and a hint that says how to fix it. Only src/cli/main.ts turns errors into exit codes;
 * anything that is not a ZtError is a bug (exit 4, printed with its stack).
 */

export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  badInput: 2,
  azure: 3,
  bug: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type Severity = 'error' | 'warning' | 'info';

/**
 * Each module owns one range of codes, so a code means one thing wherever it is printed (README "Error codes";
 * test/errors.test.ts pins that every code in src lies in the range of the module that reports it and is listed
 * in that module's catalog). ZT0000 is the wrapper of a list of diagnostics, each with its own code.
 */
export const CODE_RANGES: readonly { readonly first: string; readonly last: string; readonly module: string; readonly catalog: string }[] = [
  { first: 'ZT1000', last: 'ZT4999', module: 'project checks: sources, schema, Azure limits, parameters and effects (build, check)', catalog: 'src/validate/codes.ts' },
  { first: 'ZT5000', last: 'ZT5999', module: 'evaluator: ZT50xx the definition or its parameter values, ZT51xx evaluating one resource', catalog: 'src/evaluator/errors.ts' },
  { first: 'ZT6000', last: 'ZT6999', module: 'compiler: DSL to Azure Policy JSON', catalog: 'src/compiler/codes.ts' },
  { first: 'ZT7000', last: 'ZT7999', module: 'evaluate inputs: policy, resource and parameter files of `ztpolicy evaluate`', catalog: 'src/io/evaluate-inputs.ts' },
  { first: 'ZT8000', last: 'ZT8999', module: 'publisher: ZT80xx config and content, ZT81xx plan findings, ZT82xx Azure failures', catalog: 'src/publisher/codes.ts' },
  { first: 'ZT9000', last: 'ZT9499', module: 'command line: unknown or missing options, unknown commands', catalog: 'src/cli/codes.ts' },
  { first: 'ZT9500', last: 'ZT9999', module: 'import and export: existing Azure Policy JSON to sources, a management group to JSON', catalog: 'src/import/codes.ts' },
];

/** A finding: data, never thrown on its own. Validation returns every diagnostic at once. */
export interface Diagnostic {
  /** Stable id, e.g. ZT1001. Listed in src/validate/codes.ts. */
  code: string;
  severity: Severity;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Source file, relative to the project root, with forward slashes. */
  file?: string;
  line?: number;
  column?: number;
  /** JSON path inside the emitted document, e.g. $.properties.policyRule.if.allOf[1].field */
  jsonPath?: string;
}

export interface ZtErrorOptions {
  exitCode?: ExitCode;
  hint?: string;
  file?: string;
  jsonPath?: string;
  cause?: unknown;
}

export class ZtError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly jsonPath: string | undefined;

  constructor(code: string, message: string, options: ZtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ZtError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.badInput;
    this.hint = options.hint;
    this.file = options.file;
    this.jsonPath = options.jsonPath;
  }
}

/** Bad input from the user: sources, data files, config, command-line arguments. Exit 2. */
export class BadInputError extends ZtError {
  constructor(code: string, message: string, options: Omit<ZtErrorOptions, 'exitCode'> = {}) {
    super(code, message, { ...options, exitCode: ExitCode.badInput });
    this.name = 'BadInputError';
  }
}

/** A check that ran and failed (generated/ stale, something would be denied, a plan has changes). Exit 1. */
export class CheckFailedError extends ZtError {
  constructor(code: string, message: string, options: Omit<ZtErrorOptions, 'exitCode'> = {}) {
    super(code, message, { ...options, exitCode: ExitCode.checkFailed });
    this.name = 'CheckFailedError';
  }
}

/** Azure (or the emulator) refused or failed after retries. Exit 3. */
export class AzureError extends ZtError {
  /** The ARM error code, e.g. InvalidPolicyParameterUpdate. */
  readonly armCode: string | undefined;
  readonly statusCode: number | undefined;
  constructor(
    code: string,
    message: string,
    options: Omit<ZtErrorOptions, 'exitCode'> & { armCode?: string; statusCode?: number } = {},
  ) {
    super(code, message, { ...options, exitCode: ExitCode.azure });
    this.name = 'AzureError';
    this.armCode = options.armCode;
    this.statusCode = options.statusCode;
  }
}

/** Many diagnostics at once (a build or a config with several problems). */
export class DiagnosticsError extends ZtError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(message: string, diagnostics: readonly Diagnostic[], exitCode: ExitCode = ExitCode.badInput) {
    super('ZT0000', message, { exitCode });
    this.name = 'DiagnosticsError';
    this.diagnostics = diagnostics;
  }
}

export function isZtError(e: unknown): e is ZtError {
  return e instanceof ZtError;
}

/** Renders a diagnostic on one line (plus a hint line) for humans: file:line  CODE  message  (at path). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}` : '';
  const at = d.jsonPath ? ` (at ${d.jsonPath})` : '';
  const head = `${where ? `${where}: ` : ''}${d.severity} ${d.code}: ${d.message}${at}`;
  return d.hint ? `${head}\n    fix: ${d.hint}` : head;
}
