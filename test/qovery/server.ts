// HTTP transport of the fake Qovery API, node:http only so it also runs inside the extension host.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { authenticate, parseAuthorization, principalName, type AuthScheme } from './auth';
import { SEED_TOKENS, type SeedTokens } from './credentials';
import { FaultRules, type Fault, type FaultRoute } from './faults';
import type { QoveryAccount } from './model';
import { handleRequest, problem, type Reply, type RequestBody } from './router';
import { demoAccount } from './seed';
import { ApiTokenStore, type ApiTokenEntry } from './tokens';
import { VariableStore, type VariableRecord } from './variables';
import { DeploymentStore } from './deployments';
import { attachShell, type ShellControls } from './shell';
import { EditableAccount } from './previews';
import { attachLogStreams, DeploymentLogStore, type DeploymentLogInput, type LogStreamControls } from './logs';
import { attachDeploymentStreams, type DeploymentStreamControls } from './deploymentStreams';

export interface QoveryServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default: the demo account. */
  account?: QoveryAccount;
  /** Added to every request; see also setLatency. */
  latencyMs?: number;
  /** Keep only the newest N log entries (default 10,000) so long benchmarks stay bounded. */
  logLimit?: number;
  /** Clock for created and revoked tokens. */
  now?: () => Date;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  authScheme: AuthScheme;
  /** Name of the API token, or "<nickname> (user JWT)"; absent when the credential is unknown. */
  tokenName?: string;
  tokenId?: string;
  /** HTTP status sent; 0 when no answer was sent (reset, hang). */
  status: number;
  /** Request body: parsed JSON, or the raw text when it is not JSON. */
  body?: unknown;
  /** Arrival time (ms since epoch). */
  at: number;
  userAgent?: string;
  /** Kind of injected fault, when one applied. */
  fault?: FaultKind;
}

export type FaultKind = 'status' | 'nonJson' | 'truncate' | 'reset' | 'redirect' | 'neverEnd' | 'hang' | 'latency';

/** A token as tests see it: the stored entry, and whether it is revoked. */
export type ApiTokenState = ApiTokenEntry & { revoked: boolean };

export interface QoveryServerState {
  readonly account: QoveryAccount;
  /** Every token of the organization, revoked ones included (see `revoked`). */
  apiTokens(organizationId: string): ApiTokenState[];
  /** Revokes as if deleted elsewhere (e.g. in the console); false when no active token has this id. */
  revokeApiToken(organizationId: string, tokenId: string): boolean;
  /** Every stored variable (secret values included: only test code reads them here). */
  variables(): readonly VariableRecord[];
  /** Appends entries to an execution's deployment log (what `GET /environment/{id}/logs` serves). */
  appendDeploymentLogs(entries: readonly DeploymentLogInput[]): void;
  readonly deploymentLogs: DeploymentLogStore;
}

export interface QoveryServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** The request log, oldest first. */
  readonly requests: readonly RequestLogEntry[];
  /** Seeded credentials (same strings as the DEMO_* constants). */
  readonly tokens: Readonly<SeedTokens>;
  readonly state: QoveryServerState;
  /** Deployments: timings (`setTimings`), commits, `onStep`; see deployments.ts. */
  readonly deployments: DeploymentStore;
  /** Clones, service edits, deployment rules and deletions made through the API (previews.ts). */
  readonly previews: EditableAccount;
  clearLog(): void;
  /** Adds a fault rule (newest wins); returns a function removing it. */
  setFault(route: FaultRoute, fault: Fault): () => void;
  clearFaults(): void;
  /** Latency added to every request from now on. */
  setLatency(ms: number): void;
  /** Stops listening and destroys every open socket, including hanging and never-ending answers. */
  close(): Promise<void>;
  /** The live log streams (`/service/logs` websockets on the same port): their controls and counts. */
  readonly logs: LogStreamControls;
  /** The deployment streams (`/deployment/status`, `/deployment/logs` websockets on the same port): controls and counts. */
  readonly deploymentStreams: DeploymentStreamControls;
  /** The gateway's shell, pods and port forwards (`/shell/exec`, `/service/pods`, `/shell/portforward`). */
  readonly shell: ShellControls;
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_HTML = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Service temporarily unavailable</h1></body></html>';

function faultKind(fault: Fault): FaultKind {
  if ('hang' in fault) {
    return 'hang';
  }
  if ('reset' in fault) {
    return 'reset';
  }
  if ('neverEnd' in fault) {
    return 'neverEnd';
  }
  if ('redirectTo' in fault) {
    return 'redirect';
  }
  if ('truncate' in fault) {
    return 'truncate';
  }
  if ('nonJson' in fault) {
    return 'nonJson';
  }
  if ('status' in fault) {
    return 'status';
  }
  return 'latency';
}

interface Serialized {
  status: number;
  headers: Record<string, string>;
  payload: Buffer;
}

function serialize(reply: Reply): Serialized {
  const headers: Record<string, string> = {};
  let payload = Buffer.alloc(0);
  if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
    if (typeof reply.body === 'string') {
      headers['content-type'] = 'text/plain; charset=utf-8';
      payload = Buffer.from(reply.body);
    } else {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(reply.body));
    }
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  headers['content-length'] = String(payload.length);
  return { status: reply.status, headers, payload };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) {
        reject(new Error('request aborted by the client'));
      }
    });
  });
}

function parseBody(raw: Buffer): RequestBody {
  if (raw.length === 0) {
    return { kind: 'none' };
  }
  const text = raw.toString('utf8');
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid', text };
  }
}

function redirectLocation(target: string, pathAndQuery: string): string {
  const url = new URL(target);
  const originOnly = url.pathname === '/' && url.search === '' && !target.endsWith('/');
  return originOnly ? new URL(pathAndQuery, url).toString() : target;
}

export async function startQoveryServer(options: QoveryServerOptions = {}): Promise<QoveryServer> {
  const now = options.now ?? (() => new Date());
  // Clones, edits and deletions through the API land on top of the seeded account (previews.ts).
  const previews = new EditableAccount(options.account ?? demoAccount(), now);
  const account: QoveryAccount = previews;
  const tokens = new ApiTokenStore(account, now);
  const variables = new VariableStore(account, now);
  const deployments = new DeploymentStore(account, now);
  const deploymentLogs = new DeploymentLogStore(account);
  // A deployment started through the API writes its log as it moves.
  deployments.onStep((d, state) => deploymentLogs.append(deploymentLogs.stepLines(d, state)));
  const faults = new FaultRules();
  const logLimit = options.logLimit ?? 10_000;
  const log: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const pendingDelays = new Map<NodeJS.Timeout, (alive: boolean) => void>();
  const intervals = new Set<NodeJS.Timeout>();
  let latencyMs = options.latencyMs ?? 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  const record = (entry: RequestLogEntry): void => {
    log.push(entry);
    if (log.length > logLimit) {
      log.splice(0, log.length - logLimit);
    }
  };

  /** Resolves true after ms, or false at once when the server closes meanwhile. */
  const delay = (ms: number): Promise<boolean> => {
    if (ms <= 0 || closed) {
      return Promise.resolve(!closed);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        resolve(!closed);
      }, ms);
      pendingDelays.set(timer, resolve);
    });
  };

  const send = (res: ServerResponse, reply: Reply): void => {
    const { status, headers, payload } = serialize(reply);
    // The `Date` header follows the server's clock (the `now` option), as created_at does.
    res.writeHead(status, { date: now().toUTCString(), ...headers });
    res.end(payload);
  };

  const sendTruncated = (res: ServerResponse, reply: Reply): void => {
    const { status, headers, payload } = serialize(reply);
    const sent = payload.subarray(0, Math.floor(payload.length / 2));
    headers['content-length'] = String(Math.max(payload.length, sent.length + 16));
    res.writeHead(status, headers);
    res.write(sent, () => res.destroy());
  };

  const sendNeverEnding = (res: ServerResponse, trickleMs: number | undefined): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"results":[');
    if (trickleMs !== undefined && trickleMs > 0) {
      const interval = setInterval(() => res.write(' '), trickleMs);
      intervals.add(interval);
      res.on('close', () => {
        clearInterval(interval);
        intervals.delete(interval);
      });
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const credentials = parseAuthorization(req.headers.authorization);
    const caller = authenticate(credentials, account, tokens);
    deploymentStreams.noteRequest(method, path);
    const entry: RequestLogEntry = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      authScheme: credentials.scheme,
      ...(caller ? { tokenName: principalName(caller) } : {}),
      ...(caller?.kind === 'apiToken' ? { tokenId: caller.token.id } : {}),
      status: 0,
      at,
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    const raw = await readBody(req);
    if (raw === 'too-large') {
      entry.status = 413;
      record(entry);
      send(res, { status: 413, body: problem(413, 'The request body is larger than 1 MiB.', path) });
      return;
    }
    const body = parseBody(raw);
    if (body.kind !== 'none') {
      entry.body = body.kind === 'json' ? body.value : body.text;
    }
    if (!(await delay(latencyMs))) {
      return;
    }
    const fault = faults.take(method, path);
    if (fault) {
      entry.fault = faultKind(fault);
      if (!(await delay(fault.latencyMs ?? 0))) {
        return;
      }
    }
    if (res.destroyed) {
      record(entry);
      return;
    }
    const reply = (status: number): void => {
      entry.status = status;
      record(entry);
    };
    if (fault?.afterAction && !('truncate' in fault)) {
      // The request takes effect; only the answer is lost or replaced.
      handleRequest({ method, path, query: url.searchParams, credentials, body }, { account, tokens, variables, deployments, deploymentLogs, previews });
    }
    if (fault && 'hang' in fault) {
      reply(0);
      return;
    }
    if (fault && 'reset' in fault) {
      reply(0);
      req.socket.destroy();
      return;
    }
    if (fault && 'neverEnd' in fault) {
      reply(200);
      sendNeverEnding(res, fault.trickleMs);
      return;
    }
    if (fault && 'redirectTo' in fault) {
      const status = fault.status ?? 302;
      reply(status);
      send(res, { status, headers: { location: redirectLocation(fault.redirectTo, `${path}${url.search}`) } });
      return;
    }
    if (fault && 'nonJson' in fault) {
      const status = fault.status ?? 200;
      reply(status);
      send(res, { status, body: fault.body ?? DEFAULT_HTML, headers: { 'content-type': 'text/html; charset=utf-8', ...fault.headers } });
      return;
    }
    if (fault && 'status' in fault) {
      reply(fault.status);
      send(res, {
        status: fault.status,
        body: fault.body ?? problem(fault.status, 'Simulated failure injected by the test server.', path),
        headers: fault.headers,
      });
      return;
    }
    const outcome = handleRequest({ method, path, query: url.searchParams, credentials, body }, { account, tokens, variables, deployments, deploymentLogs, previews });
    reply(outcome.reply.status);
    if (fault && 'truncate' in fault) {
      sendTruncated(res, outcome.reply);
    } else {
      send(res, outcome.reply);
    }
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        send(res, { status: 500, body: problem(500, error instanceof Error ? error.message : String(error), req.url ?? '/') });
      } else {
        res.destroy();
      }
    });
  });
  // Hanging and never-ending answers must stay open until the client or close() gives up.
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const logs = attachLogStreams(server, account, tokens);
  const deploymentStreams = attachDeploymentStreams(server, account, tokens, deployments, deploymentLogs);
  const shell = attachShell(server, account, tokens);

  const state: QoveryServerState = {
    account,
    apiTokens: (organizationId) =>
      tokens.list(organizationId, true).map((token) => ({
        id: token.id,
        organizationId: token.organizationId,
        name: token.name,
        ...(token.description === undefined ? {} : { description: token.description }),
        roleId: token.roleId,
        roleName: token.roleName,
        createdAt: token.createdAt,
        revoked: token.revokedAt !== undefined,
        ...(token.revokedAt === undefined ? {} : { revokedAt: token.revokedAt }),
        secret: token.secret,
        seeded: token.seeded,
      })),
    revokeApiToken: (organizationId, tokenId) => tokens.revoke(organizationId, tokenId),
    variables: () => variables.all(),
    appendDeploymentLogs: (entries) => deploymentLogs.append(entries),
    deploymentLogs,
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return log;
    },
    tokens: SEED_TOKENS,
    state,
    deployments,
    previews,
    logs,
    deploymentStreams,
    shell,
    clearLog: () => {
      log.length = 0;
    },
    setFault: (route, fault) => faults.add(route, fault),
    clearFaults: () => faults.clear(),
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`latency must be a non-negative number, got ${ms}`);
      }
      latencyMs = ms;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        deployments.dispose();
        for (const [timer, resolveDelay] of pendingDelays) {
          clearTimeout(timer);
          resolveDelay(false);
        }
        pendingDelays.clear();
        for (const interval of intervals) {
          clearInterval(interval);
        }
        intervals.clear();
        logs.close();
        deploymentStreams.close();
        shell.close();
        server.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
