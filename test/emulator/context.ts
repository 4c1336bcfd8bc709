import type { BuiltinStore } from './builtins.js';
import type { ResourceGraphOptions } from './handlers/resource-graph.js';
import type { SpecValidator } from './spec-validation.js';
import { badRequest } from './arm-error.js';
import type { Scope } from './scope.js';
import type { EmulatorState } from './state.js';

/** Options after defaults, as the handlers see them. */
export interface ResolvedOptions {
  tenantId: string;
  pageSize: number;
  callerObjectId: string;
  /** PrincipalNotFound knob: 'time' waits ms after creation, 'count' fails the first N PUTs. */
  principalReplication: { mode: 'none' } | { mode: 'time'; ms: number } | { mode: 'count'; failures: number };
  principalTypeBypassesReplication: boolean;
  parameterUpdateCheck: 'inUse' | 'always';
  acceptUnknownPrincipals: boolean;
  definitionVisibility: { failures: number; setAnswer: 'notFound' | 'outOfScope' };
  resourceGraph: ResourceGraphOptions;
  complianceEvaluationPolls: number;
}

export interface RequestContext {
  method: string;
  /** Normalised path (duplicate slashes collapsed), without the query. */
  path: string;
  /** Decoded path segments. */
  segments: string[];
  /** Decoded query, keys lower-cased. */
  query: Map<string, string>;
  apiVersion: string;
  body: unknown;
  /** https://127.0.0.1:<port>, for nextLinks. */
  baseUrl: string;
  state: EmulatorState;
  builtins: BuiltinStore;
  /** Validates PUT/PATCH bodies against the REST specs; undefined when disabled. */
  spec?: SpecValidator;
  options: ResolvedOptions;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The part of the path after the scope: `/providers/<namespace>/<type>/<rest...>`. */
export interface Route {
  scope: Scope;
  namespace: string;
  /** lower-cased resource type (first segment after the namespace) */
  type: string;
  rest: string[];
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

/**
 * One page of a list response. `$skiptoken` carries the offset; the nextLink is absolute and repeats
 * every query parameter, because the SDK's *Next operations follow it verbatim and add nothing
 * (publisher-mechanics §1.1). `$top` (1..1000) sets the page size, as ARM pages at 500 without it.
 */
export function page(ctx: RequestContext, items: readonly unknown[], options: { useTop?: boolean } = {}): Reply {
  let size = ctx.options.pageSize;
  const top = ctx.query.get('$top');
  if (top !== undefined && options.useTop !== false) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      throw badRequest('InvalidQueryParameterValue', `The value '${top}' of query parameter '$top' is invalid. It must be an integer between 1 and 1000.`);
    }
    size = Math.min(size, n);
  }
  const skipRaw = ctx.query.get('$skiptoken') ?? '0';
  const skip = Number(skipRaw);
  if (!Number.isInteger(skip) || skip < 0) {
    throw badRequest('InvalidSkipToken', `The skip token '${skipRaw}' is not valid.`);
  }
  const value = items.slice(skip, skip + size);
  const body: { value: unknown[]; nextLink?: string } = { value };
  if (skip + size < items.length) {
    const params: string[] = [];
    for (const [k, v] of ctx.query) {
      if (k === '$skiptoken') continue;
      params.push(`${k}=${encodeURIComponent(v)}`);
    }
    params.push(`$skiptoken=${skip + size}`);
    body.nextLink = `${ctx.baseUrl}${ctx.path}?${params.join('&')}`;
  }
  return { status: 200, body };
}
