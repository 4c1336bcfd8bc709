/**
 * Codes of `ztpolicy import` and `ztpolicy export` (range ZT9500-ZT9999, src/errors.ts CODE_RANGES). Reading the
 * input files reuses the policy reader of `ztpolicy evaluate`, whose problems keep their ZT70xx codes.
 */
export const ImportCode = {
  /** A command-line value is missing or unknown (--unit, --principle). */
  usage: 'ZT9501',
  /** Some input files are unreadable or invalid: nothing is written. */
  badInput: 'ZT9502',
  /** The inputs hold no policy definition or initiative. */
  noPolicies: 'ZT9503',
  /** Two inputs define a policy of the same name (Azure keys policies by name). */
  duplicateName: 'ZT9504',
  /** A source file to write exists and --force was not given. */
  outputExists: 'ZT9505',
  /** Writing the sources failed (all written files are removed again). */
  writeFailed: 'ZT9506',
  /** export: Azure refused or failed reading the management group (exit 3). */
  azureFailed: 'ZT9507',
} as const;
