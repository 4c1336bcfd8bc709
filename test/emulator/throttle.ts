/**
 * ARM's request throttling as token buckets (publisher-mechanics §3.3): per operation kind (reads, writes,
 * deletes) and per scope (one tenant bucket for calls without a subscription, such as everything at a
 * management group; one bucket per subscription otherwise). A request finding its bucket empty gets 429
 * with `Retry-After` in whole seconds (rounded up) and ARM's code, SubscriptionRequestsThrottled or
 * TenantRequestsThrottled (the latter is inferred); every answered request carries the
 * `x-ms-ratelimit-remaining-{tenant|subscription}-{reads|writes|deletes}` header.
 */
export interface Bucket {
  /** Tokens when full (burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface ThrottlingOptions {
  reads?: Bucket;
  writes?: Bucket;
  deletes?: Bucket;
  /** Also send `x-ms-retry-after-ms` with the exact wait (the SDK prefers it; real ARM sends seconds only). */
  preciseRetryAfter?: boolean;
}

/** The documented per-principal sizes (2024 regional token bucket). */
export const ARM_BUCKETS: Required<Pick<ThrottlingOptions, 'reads' | 'writes' | 'deletes'>> = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

type Kind = 'reads' | 'writes' | 'deletes';

interface State {
  tokens: number;
  at: number;
}

export interface ThrottleDecision {
  allowed: boolean;
  headers: Record<string, string>;
  code?: string;
  waitMs?: number;
}

export class Throttle {
  private readonly buckets = new Map<string, State>();

  constructor(private readonly options: ThrottlingOptions) {}

  take(method: string, path: string, now = Date.now()): ThrottleDecision {
    const kind: Kind = method === 'GET' || method === 'HEAD' ? 'reads' : method === 'DELETE' ? 'deletes' : 'writes';
    const conf = this.options[kind] ?? ARM_BUCKETS[kind];
    const m = /^\/subscriptions\/([^/]+)/i.exec(path);
    const scope = m ? 'subscription' : 'tenant';
    const key = `${scope}:${m ? m[1]!.toLowerCase() : ''}:${kind}`;
    const s = this.buckets.get(key) ?? { tokens: conf.capacity, at: now };
    s.tokens = Math.min(conf.capacity, s.tokens + ((now - s.at) / 1000) * conf.refillPerSecond);
    s.at = now;
    this.buckets.set(key, s);
    const header = `x-ms-ratelimit-remaining-${scope}-${kind}`;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      return { allowed: true, headers: { [header]: String(Math.floor(s.tokens)) } };
    }
    const waitMs = Math.ceil(((1 - s.tokens) / conf.refillPerSecond) * 1000);
    const headers: Record<string, string> = { [header]: '0', 'retry-after': String(Math.ceil(waitMs / 1000)) };
    if (this.options.preciseRetryAfter) headers['x-ms-retry-after-ms'] = String(waitMs);
    return { allowed: false, headers, code: scope === 'subscription' ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled', waitMs };
  }
}
