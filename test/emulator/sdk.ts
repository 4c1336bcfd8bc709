import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { ArmEmulator } from './types.js';

/**
 * A TokenCredential returning a fixed token (publisher-mechanics §1.7). The bearer policy still runs,
 * so the emulator sees `Authorization: Bearer <token>`; https is mandatory for it (§2.2).
 */
export function staticTokenCredential(token = 'emulator-token'): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

export interface EmulatorClientOptions {
  endpoint: string;
  /** core-rest-pipeline's tlsPolicy: trusts the emulator certificate for this client only. */
  tlsOptions: { ca: string };
  retryOptions?: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
}

const tlsByEmulator = new WeakMap<ArmEmulator, { ca: string }>();

/**
 * Options for any classic Azure SDK client (`new PolicyClient(cred, {...emulatorClientOptions(emu)})`).
 * The same `tlsOptions` object is returned for one emulator, because the Node HTTP client caches its
 * keep-alive https.Agent per tlsSettings object identity: sharing it shares connections.
 * `fastRetries` shrinks the exponential backoff (defaults 1 s base / 64 s cap) for fault tests;
 * Retry-After on 429/503 is still honoured as sent.
 */
export function emulatorClientOptions(emulator: ArmEmulator, opts: { fastRetries?: boolean; maxRetries?: number } = {}): EmulatorClientOptions {
  let tls = tlsByEmulator.get(emulator);
  if (!tls) {
    tls = { ca: emulator.ca };
    tlsByEmulator.set(emulator, tls);
  }
  const out: EmulatorClientOptions = { endpoint: emulator.url, tlsOptions: tls };
  if (opts.fastRetries || opts.maxRetries !== undefined) {
    out.retryOptions = { maxRetries: opts.maxRetries ?? 3, retryDelayInMs: opts.fastRetries ? 5 : 1000, maxRetryDelayInMs: opts.fastRetries ? 20 : 64_000 };
  }
  return out;
}

/** Environment for a child process (e.g. the CLI via runCli) that should trust the emulator. */
export function emulatorChildEnv(emulator: ArmEmulator, token = 'emulator-token'): Record<string, string> {
  return { NODE_EXTRA_CA_CERTS: emulator.caFile, ZTPOLICY_ACCESS_TOKEN: token };
}
