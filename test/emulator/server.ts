import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArmError } from './arm-error.js';
import { builtinStore } from './builtins.js';
import type { Reply, RequestContext, ResolvedOptions } from './context.js';
import { LIMITS } from './handlers/policy.js';
import { dispatch } from './router.js';
import { EmulatorState } from './state.js';
import { newGuid, sleep } from './util.js';
import { emulatorCertificate } from './certificate.js';
import { specValidator } from './spec-validation.js';
import { Throttle } from './throttle.js';
import type { ArmEmulator, EmulatorOptions, FaultRule, RecordedRequest } from './types.js';
import { DEFAULT_HIERARCHY, DEFAULT_TENANT_ID, withSeededSubscriptions } from './defaults.js';

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'POST', 'DELETE']);

/** A Resource Graph query is a POST that reads: not a write. */
function isWrite(r: RecordedRequest): boolean {
  return WRITE_METHODS.has(r.method) && !r.path.toLowerCase().startsWith('/providers/microsoft.resourcegraph/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface ParsedUrl {
  rawPath: string;
  path: string;
  segments: string[];
  query: Map<string, string>;
  doubleSlashes: number;
}

/**
 * Parses the request target by hand: `new URL('//providers/…', base)` would take `providers` for a host
 * (publisher-mechanics §5). Duplicate slashes are collapsed but counted, so a test can assert the
 * publisher strips the leading slash of a scope. Query values are percent-decoded: arm-policy sends
 * `$filter` raw, arm-policyinsights encodes it.
 */
export function parseTarget(target: string): ParsedUrl {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  const doubleSlashes = (rawPath.match(/\/\/+/g) ?? []).length;
  const segments = rawPath
    .split('/')
    .filter((s) => s.length > 0)
    .map(safeDecode);
  const query = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = safeDecode(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const v = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    query.set(k, v);
  }
  const normalized = '/' + rawPath.split('/').filter((s) => s.length > 0).join('/');
  return { rawPath, path: normalized, segments, query, doubleSlashes };
}

function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const r = options.principalReplicationDelayMs;
  return {
    tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
    pageSize: options.pageSize ?? 500,
    callerObjectId: options.callerObjectId ?? 'c0ffee00-0000-4000-8000-00000000ca11',
    principalReplication:
      r === undefined || r === 0
        ? { mode: 'none' }
        : typeof r === 'number'
          ? { mode: 'time', ms: r }
          : { mode: 'count', failures: r.failuresBeforeVisible },
    principalTypeBypassesReplication: options.principalTypeBypassesReplication ?? false,
    parameterUpdateCheck: options.parameterUpdateCheck ?? 'inUse',
    acceptUnknownPrincipals: options.acceptUnknownPrincipals ?? false,
    definitionVisibility: { failures: options.definitionVisibilityFailures ?? 0, setAnswer: options.definitionVisibilityAnswer ?? 'notFound' },
    resourceGraph: options.resourceGraph ?? {},
    complianceEvaluationPolls: options.complianceEvaluationPolls ?? 0,
  };
}

function throttleCode(p: string): string {
  return p.toLowerCase().startsWith('/subscriptions/') ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled';
}

interface ActiveFault {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export async function startServer(options: EmulatorOptions = {}): Promise<ArmEmulator> {
  const resolved = resolveOptions(options);
  const state = new EmulatorState(resolved.tenantId, withSeededSubscriptions(options.hierarchy ?? DEFAULT_HIERARCHY, options.subscriptions));
  for (const sub of options.unregisteredSubscriptions?.subscriptions ?? []) {
    state.securityRegistration.set(sub.toLowerCase(), { registered: false, failuresLeft: options.unregisteredSubscriptions?.failuresAfterRegister ?? 0 });
  }
  const builtins = builtinStore(options.builtinsDir ?? sharedDir('azure', 'builtins', 'built-in-policies'));
  const spec = options.validateBodies === false ? undefined : specValidator(options.specsDir ?? sharedDir('azure', 'rest-specs', 'specification'));
  const cert = await emulatorCertificate();
  const throttle = options.throttling ? new Throttle(options.throttling === true ? {} : options.throttling) : undefined;
  const requests: RecordedRequest[] = [];
  const faults: ActiveFault[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let seq = 0;
  let baseUrl = '';

  const matchFault = (method: string, p: string, apiVersion: string): FaultRule | undefined => {
    for (const f of faults) {
      const m = f.rule.match ?? {};
      if (m.method !== undefined && m.method.toUpperCase() !== method) continue;
      if (m.pathIncludes !== undefined && !p.toLowerCase().includes(m.pathIncludes.toLowerCase())) continue;
      if (m.pathRegex !== undefined && !m.pathRegex.test(p)) continue;
      if (m.apiVersion !== undefined && m.apiVersion !== apiVersion) continue;
      f.seen++;
      if (f.seen <= (f.rule.skip ?? 0)) continue;
      if (f.rule.times !== undefined && f.fired >= f.rule.times) continue;
      f.fired++;
      return f.rule;
    }
    return undefined;
  };

  const run = async (ctx: RequestContext): Promise<Reply> => {
    try {
      return await dispatch(ctx);
    } catch (e) {
      if (e instanceof ArmError) return { status: e.status, body: e.toBody(), headers: e.headers };
      const message = e instanceof Error ? e.message : String(e);
      return { status: 500, body: { error: { code: 'EmulatorBug', message: `The ARM emulator failed: ${message}` } } };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = parseTarget(req.url ?? '/');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const apiVersion = target.query.get('api-version') ?? '';
    const header = (n: string): string | undefined => {
      const v = req.headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    const record: RecordedRequest = {
      seq: ++seq,
      method,
      path: target.path,
      rawPath: target.rawPath,
      doubleSlashes: target.doubleSlashes,
      query: Object.fromEntries(target.query),
      apiVersion,
      status: 0,
      requestBytes: raw.length,
      authorization: header('authorization') !== undefined,
      clientRequestId: header('x-ms-client-request-id'),
      userAgent: header('user-agent'),
      at: started,
      durationMs: 0,
    };

    let extraHeaders: Record<string, string> = {};
    const respond = (reply: Reply): void => {
      const status = reply.status;
      record.status = status;
      record.durationMs = Date.now() - started;
      const err = reply.body as { error?: { code?: string } } | undefined;
      if (status >= 400 && err?.error?.code) record.errorCode = err.error.code;
      requests.push(record);
      const headers: Record<string, string> = {
        'x-ms-request-id': newGuid(),
        'x-ms-correlation-request-id': header('x-ms-correlation-request-id') ?? newGuid(),
        ...extraHeaders,
        ...(reply.headers ?? {}),
      };
      if (header('x-ms-client-request-id')) headers['x-ms-client-request-id'] = header('x-ms-client-request-id')!;
      if (reply.body !== undefined) {
        const text = JSON.stringify(reply.body);
        headers['content-type'] = 'application/json; charset=utf-8';
        headers['content-length'] = String(Buffer.byteLength(text));
        res.writeHead(status, headers);
        res.end(text);
      } else {
        headers['content-length'] = '0';
        res.writeHead(status, headers);
        res.end();
      }
    };
    const drop = (): void => {
      record.status = 0;
      record.durationMs = Date.now() - started;
      requests.push(record);
      req.socket.destroy();
    };

    if (latencyMs > 0) await sleep(latencyMs);

    // Authentication: ARM wants a bearer token on every call (401 without one; the SDK's bearer policy
    // adds it, so a 401 here proves a client skipped it).
    const auth = header('authorization');
    const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
    if (!m) {
      respond({ status: 401, body: { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing or is not a Bearer token." } } });
      return;
    }
    if (options.token !== undefined && m[1] !== options.token) {
      respond({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } } });
      return;
    }

    let body: unknown;
    if (raw.length > LIMITS.bodyBytes) {
      // ARM's code is not documented for this (publisher-mechanics §6): fake code.
      respond({ status: 400, body: { error: { code: 'RequestBodyTooLarge', message: `The request body is ${raw.length} bytes; the limit is ${LIMITS.bodyBytes} bytes.` } } });
      return;
    }
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
        record.body = body;
      } catch (e) {
        respond({ status: 400, body: { error: { code: 'InvalidRequestContent', message: `The request content was invalid and could not be deserialized: ${(e as Error).message}` } } });
        return;
      }
    }
    if (apiVersion === '') {
      respond({ status: 400, body: { error: { code: 'MissingApiVersionParameter', message: "The api-version query parameter (?api-version=) is required for all requests." } } });
      return;
    }

    if (throttle) {
      const d = throttle.take(method, target.path);
      extraHeaders = d.headers;
      if (!d.allowed) {
        record.injected = 'throttled';
        respond({
          status: 429,
          body: { error: { code: d.code, message: `Number of '${method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write'}' requests exceeded. Please try again after '${d.headers['retry-after']}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling` } },
        });
        return;
      }
    }

    const fault = matchFault(method, target.path, apiVersion);
    if (fault) {
      record.injected = fault.kind;
      switch (fault.kind) {
        case 'reset':
          if (!fault.afterHandling) {
            drop();
            return;
          }
          break;
        case 'latency':
          await sleep(fault.extraMs ?? 0);
          break;
        case '429':
        case '503': {
          const headers: Record<string, string> = {};
          const ra = fault.retryAfterSeconds === undefined ? 0 : fault.retryAfterSeconds;
          if (fault.retryAfterMs !== undefined) headers['x-ms-retry-after-ms'] = String(fault.retryAfterMs);
          else if (ra !== null) headers['retry-after'] = String(ra);
          const code = fault.kind === '429' ? throttleCode(target.path) : 'ServiceUnavailable';
          const message = fault.kind === '429' ? `Number of requests exceeded the limit. Please try again after '${ra ?? 0}' seconds.` : 'The service is temporarily unavailable.';
          respond({ status: Number(fault.kind), body: { error: { code: fault.code ?? code, message } }, headers });
          return;
        }
        case '500':
          respond({ status: 500, body: { error: { code: fault.code ?? 'InternalServerError', message: fault.message ?? 'Encountered an internal server error.' } } });
          return;
        case 'status':
          respond({ status: fault.status ?? 500, body: { error: { code: fault.code ?? 'InjectedFault', message: fault.message ?? 'Injected by the ARM emulator.' } } });
          return;
      }
    }

    const ctx: RequestContext = {
      method,
      path: target.path,
      segments: target.segments,
      query: target.query,
      apiVersion,
      body,
      baseUrl,
      state,
      builtins,
      spec,
      options: resolved,
    };
    const reply = await run(ctx);
    if (fault?.kind === 'reset' && fault.afterHandling) {
      record.handledStatus = reply.status;
      drop();
      return;
    }
    if (fault?.kind === 'hangUp' || fault?.kind === 'malformedJson') {
      record.handledStatus = reply.status;
      const text = reply.body === undefined ? '{}' : JSON.stringify(reply.body);
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      record.status = fault.kind === 'hangUp' ? 0 : reply.status;
      record.durationMs = Date.now() - started;
      requests.push(record);
      if (fault.kind === 'hangUp') {
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
        res.write(cut, () => req.socket.destroy());
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(cut)) });
        res.end(cut);
      }
      return;
    }
    respond(reply);
  };

  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'EmulatorBug', message: String(e) } }));
      }
    });
  });
  // A plain-http request or a client that does not trust the certificate fails the TLS handshake;
  // nothing else to do but let the socket close.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ztpolicy-arm-emulator-'));
  const caFile = path.join(dir, 'ca.pem');
  await writeFile(caFile, cert.cert);

  const emulator: ArmEmulator = {
    url: baseUrl,
    ca: cert.cert,
    caFile,
    tenantId: resolved.tenantId,
    requests,
    state,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(v: number) {
      latencyMs = v;
    },
    writes: () => requests.filter(isWrite),
    resetRequests: () => {
      requests.length = 0;
    },
    faults: {
      add: (rule: FaultRule) => {
        faults.push({ rule, seen: 0, fired: 0 });
      },
      clear: () => {
        faults.length = 0;
      },
      fired: () => faults.reduce((n, f) => n + f.fired, 0),
    },
    call: async (method: string, target: string, callBody?: unknown) => {
      const t = parseTarget(target);
      if (!t.query.has('api-version')) {
        throw new Error(`emulator.call: '${target}' has no api-version query parameter`);
      }
      const reply = await run({
        method: method.toUpperCase(),
        path: t.path,
        segments: t.segments,
        query: t.query,
        apiVersion: t.query.get('api-version')!,
        body: callBody === undefined ? undefined : JSON.parse(JSON.stringify(callBody)),
        baseUrl,
        state,
        builtins,
        spec,
        options: resolved,
      });
      return { status: reply.status, body: reply.body };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return emulator;
}

/** A folder under ../shared, resolved from the repository root (CI has /work/shared next to the repo). */
function sharedDir(...parts: string[]): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  return path.resolve(repoRoot, '..', 'shared', ...parts);
}
