/** Codes of the command line itself (range ZT9000-ZT9999, src/errors.ts CODE_RANGES). */
export const CliCode = {
  /** An unknown or missing option, a stray argument, an unknown command: exit 2 before the command runs. */
  usage: 'ZT9001',
} as const;
