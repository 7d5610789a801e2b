// Fault rules: per-route misbehaviour (errors, slowness, broken transports) for resilience tests.

export interface FaultOptions {
  /** Delay before the fault (or the normal answer) is applied. */
  latencyMs?: number;
  /** Apply to the next N matching requests only; unlimited when absent. */
  times?: number;
  /** Let this many matching requests through untouched before the rule applies. */
  skip?: number;
  /**
   * Process the request first, then answer with the fault (status, reset or hang only): the server
   * acted although the client sees a failure, as after a lost answer or a gateway error.
   */
  afterAction?: boolean;
}

/** Answer with this status; the body defaults to an RFC 7807 problem (no body for 204/304). */
export interface StatusFault extends FaultOptions {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answer with a non-JSON body (an HTML error page by default), status 200 unless given. */
export interface NonJsonFault extends FaultOptions {
  nonJson: true;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Process the request, then send half of the answer with the full Content-Length and drop the socket. */
export interface TruncateFault extends FaultOptions {
  truncate: true;
}

/** Drop the socket before answering (the request is not processed). */
export interface ResetFault extends FaultOptions {
  reset: true;
}

/** Redirect (302 by default); an origin-only target keeps the request path and query. */
export interface RedirectFault extends FaultOptions {
  redirectTo: string;
  status?: 301 | 302 | 303 | 307 | 308;
}

/** Send 200 headers and the start of a JSON body that never completes; trickleMs keeps bytes dripping. */
export interface NeverEndFault extends FaultOptions {
  neverEnd: true;
  trickleMs?: number;
}

/** Never answer at all. */
export interface HangFault extends FaultOptions {
  hang: true;
}

/** Only slow the route down. */
export interface LatencyFault extends FaultOptions {
  latencyMs: number;
}

export type Fault = StatusFault | NonJsonFault | TruncateFault | ResetFault | RedirectFault | NeverEndFault | HangFault | LatencyFault;

/** `METHOD /path`, `/path` or `* /path` ({name} or * matches one segment), or a RegExp tested on `METHOD /path`. */
export type FaultRoute = string | RegExp;

interface Rule {
  matcher: RegExp;
  fault: Fault;
  remaining: number;
  skip: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function routeMatcher(route: FaultRoute): RegExp {
  if (route instanceof RegExp) {
    return new RegExp(route.source, route.flags.replace(/[gy]/g, ''));
  }
  const text = route.trim();
  const space = text.indexOf(' ');
  const method = space < 0 ? '*' : text.slice(0, space).toUpperCase();
  const path = (space < 0 ? text : text.slice(space + 1).trim()).split('?')[0];
  if (!path.startsWith('/')) {
    throw new Error(`fault route must look like "GET /path" or "/path", got "${route}"`);
  }
  const pathPattern = path
    .split('/')
    .map((segment) => (segment === '*' || /^\{[^}]+\}$/.test(segment) ? '[^/]+' : escapeRegExp(segment)))
    .join('/');
  return new RegExp(`^${method === '*' ? '[A-Z]+' : escapeRegExp(method)} ${pathPattern}$`);
}

export class FaultRules {
  private rules: Rule[] = [];

  /** The newest rule wins when several match. Returns a function that removes this rule. */
  add(route: FaultRoute, fault: Fault): () => void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new Error(`fault times must be a positive integer, got ${fault.times}`);
    }
    const rule: Rule = { matcher: routeMatcher(route), fault, remaining: fault.times ?? Infinity, skip: fault.skip ?? 0 };
    this.rules.unshift(rule);
    return () => {
      this.rules = this.rules.filter((candidate) => candidate !== rule);
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, counting it against the rule's `times`. */
  take(method: string, path: string): Fault | undefined {
    const key = `${method.toUpperCase()} ${path}`;
    const rule = this.rules.find((candidate) => candidate.matcher.test(key));
    if (!rule) {
      return undefined;
    }
    if (rule.skip > 0) {
      rule.skip -= 1;
      return undefined;
    }
    rule.remaining -= 1;
    if (rule.remaining <= 0) {
      this.rules = this.rules.filter((candidate) => candidate !== rule);
    }
    return rule.fault;
  }
}
