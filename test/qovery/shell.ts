// The gateway's shell and pods: `/shell/exec` runs a tiny shell of its own over binary frames (a TTY
// that echoes what is typed, `echo`, `env`, `exit`, `seq`, `stty size`, `command -v`, `exec`, `&&`/`||`),
// `/service/pods` answers one text message `{pods: [{name, ports}]}` (the spec's ServiceListPodsResponseDto)
// and `/shell/portforward` relays binary frames to a TCP echo server of its own. Controls let a test close
// with a code on demand, drop every socket, make a pod disappear, or refuse the next upgrades.
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, canRead, parseAuthorization, type Principal } from './auth';
import type { QoveryAccount, ServiceRecord } from './model';
import type { ApiTokenStore } from './tokens';

export const SHELL_PATHS = new Set(['/shell/exec', '/service/pods', '/shell/portforward']);

/** A pod of the fake cluster: its containers' ports, and whether its image has bash. */
export interface FakePod {
  name: string;
  ports: number[];
  bash: boolean;
  containers: string[];
}

export interface ShellUpgrade {
  path: string;
  scheme: string;
  /** Every value of every parameter (command is repeated: `command=sh&command=-c`). */
  query: Record<string, string[]>;
  status: number;
}

export interface ShellControls {
  /** Upgrades seen on the three paths (never a secret). */
  readonly upgrades: readonly ShellUpgrade[];
  /** Shell sessions and forwards open now. */
  readonly openShells: number;
  readonly openForwards: number;
  /** Forward sockets accepted since the start, and the most open at once. */
  readonly forwardConnections: number;
  readonly peakForwards: number;
  /** Pings received from clients on shell sockets, and the EOT bytes (0x04) received. */
  readonly pings: number;
  readonly eots: number;
  /** Text frames received on shell sockets (the protocol is binary: a client bug). */
  readonly textFrames: number;
  /** The TCP echo server behind every forward. */
  readonly echoPort: number;
  /** The pods of a service set or served so far (on first use a service has one pod, `<name>-7d9f-0`, bash present). */
  pods(serviceId: string): FakePod[];
  setPods(serviceId: string, pods: readonly (Partial<FakePod> & { name: string })[]): void;
  /** Removes a pod (its shells are closed with `code`, 1011 by default), and adds `replacement` if given. */
  killPod(name: string, o?: { code?: number; reason?: string; replacement?: string }): void;
  /** The next `times` upgrades on `path` (every shell path when not given) are accepted, then closed with this code. */
  closeAfterUpgrade(code: number, o?: { times?: number; reason?: string; path?: string }): void;
  /** Refuses the next `times` upgrades with an HTTP status. */
  refuse(status?: number, times?: number): void;
  /** Terminates every shell and forward socket (a network drop). */
  drop(): void;
  /** Closes every shell with this code. */
  end(code: number, reason?: string): void;
  close(): void;
}

const REQUIRED: Record<string, readonly string[]> = {
  '/shell/exec': ['organization', 'cluster', 'project', 'environment', 'service', 'tty_width', 'tty_height'],
  '/service/pods': ['organization', 'cluster', 'project', 'environment', 'service'],
  '/shell/portforward': ['organization', 'cluster', 'project', 'environment', 'service', 'port'],
};

/** Roles allowed into a running container (a Viewer is refused by the gateway with 1007). */
const SHELL_ROLES = new Set(['Admin', 'DevOps', 'deployer']);
const mayExec = (p: Principal): boolean => p.kind === 'user' || SHELL_ROLES.has(p.role.name);

const CLOSE_REASONS: Record<number, string> = {
  1000: 'shell terminated',
  1007: 'permission denied on this service',
  1008: 'invalid or expired token',
  1011: 'the cluster agent is unavailable',
};

const defaultPort = (s: ServiceRecord): number[] =>
  s.source.type === 'APPLICATION' || s.source.type === 'CONTAINER' ? [s.source.port] : s.source.type === 'DATABASE' ? [5432] : [];

/** Serves the shell paths on the test server's HTTP server (the other gateway paths are left to their modules). */
export function attachShell(server: Server, account: QoveryAccount, tokens: ApiTokenStore): ShellControls {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const upgrades: ShellUpgrade[] = [];
  const podsOf = new Map<string, FakePod[]>();
  const shells = new Set<FakeShell>();
  const forwards = new Set<WebSocket>();
  let refusals: { status: number; times: number } | undefined;
  let closing: { code: number; times: number; reason: string; path?: string } | undefined;
  let requests = 0;
  let forwardConnections = 0;
  let peakForwards = 0;
  const counts = { pings: 0, eots: 0, textFrames: 0 };

  // The TCP echo server the forwards relay to.
  const echoSockets = new Set<net.Socket>();
  const echo = net.createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  echo.listen(0, '127.0.0.1');

  const podsFor = (record: ServiceRecord): FakePod[] => {
    let list = podsOf.get(record.id);
    if (!list) {
      list = [{ name: `${record.name}-7d9f-0`, ports: defaultPort(record), bash: true, containers: [record.name] }];
      podsOf.set(record.id, list);
    }
    return list;
  };

  const refuse = (socket: Duplex, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nX-Qovery-Request-Id: ws-shell-${++requests}\r\nConnection: close\r\n\r\n${JSON.stringify({ status, message: text })}`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!SHELL_PATHS.has(url.pathname)) {
      return;
    }
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      (query[k] ??= []).push(v);
    }
    const one = (k: string): string => query[k]?.[0] ?? '';
    const credentials = parseAuthorization(req.headers.authorization);
    const entry: ShellUpgrade = { path: url.pathname, scheme: credentials.scheme, query, status: 0 };
    upgrades.push(entry);
    const fail = (status: number, text: string): void => {
      entry.status = status;
      refuse(socket, status, text);
    };
    if (refusals && refusals.times > 0) {
      refusals.times--;
      fail(refusals.status, refusals.status === 401 ? 'Unauthorized' : 'Refused');
      return;
    }
    if (/token|authorization|access/i.test(url.search)) {
      fail(400, 'Bad Request');
      return;
    }
    const principal = authenticate(credentials, account, tokens);
    if (!principal) {
      fail(401, 'Unauthorized');
      return;
    }
    if ((REQUIRED[url.pathname] ?? []).some((k) => !one(k))) {
      fail(400, 'Bad Request');
      return;
    }
    const environment = account.environment(one('environment'));
    const service = environment && account.services(environment.id).find((s) => s.id === one('service'));
    if (!environment || !service || environment.projectId !== one('project') || environment.organizationId !== one('organization') || environment.cluster.id !== one('cluster')) {
      fail(404, 'Not Found');
      return;
    }
    if (!canRead(principal, environment.organizationId)) {
      fail(403, 'Forbidden');
      return;
    }
    const size = { width: Number(one('tty_width')), height: Number(one('tty_height')) };
    if (url.pathname === '/shell/exec' && (![size.width, size.height].every((n) => Number.isInteger(n) && n >= 0 && n < 65536))) {
      fail(400, 'Bad Request');
      return;
    }
    entry.status = 101;
    const rule = closing && closing.times > 0 && (!closing.path || closing.path === url.pathname) ? closing : undefined;
    if (rule) {
      rule.times--;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (rule) {
        ws.close(rule.code, rule.reason);
        return;
      }
      const list = podsFor(service);
      if (url.pathname === '/service/pods') {
        ws.send(JSON.stringify({ pods: list.map((p) => ({ name: p.name, ports: p.ports })) }));
        ws.close(1000, 'done');
        return;
      }
      // The gateway refuses a role that may not enter containers after the upgrade, as for a bad token.
      if (!mayExec(principal)) {
        ws.close(1007, CLOSE_REASONS[1007]);
        return;
      }
      const podName = one('pod_name') || list[0]?.name;
      const pod = list.find((p) => p.name === podName);
      if (!pod) {
        ws.close(1011, `pod ${podName ?? ''} not found`.trim());
        return;
      }
      if (url.pathname === '/shell/portforward') {
        startForward(ws, pod, Number(one('port')));
        return;
      }
      const shell = new FakeShell(ws, pod, query.command ?? [], size, environment.name, service.name, counts);
      shells.add(shell);
      ws.on('close', () => shells.delete(shell));
    });
  });

  const startForward = (ws: WebSocket, pod: FakePod, port: number): void => {
    if (!pod.ports.includes(port)) {
      ws.close(1011, `port ${port} is not open on ${pod.name}`);
      return;
    }
    forwardConnections++;
    forwards.add(ws);
    peakForwards = Math.max(peakForwards, forwards.size);
    const address = echo.address() as net.AddressInfo;
    const tcp = net.connect(address.port, '127.0.0.1');
    (ws as WebSocket & { pod?: string }).pod = pod.name;
    const end = (): void => {
      forwards.delete(ws);
      tcp.destroy();
      if (ws.readyState === ws.OPEN) {
        ws.close(1000, 'forward ended');
      }
    };
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary && !tcp.write(data)) {
        // Back-pressure: the websocket stops reading until the TCP side drains.
        ws.pause();
        tcp.once('drain', () => ws.resume());
      }
    });
    tcp.on('data', (data) => {
      ws.send(data, { binary: true });
      if (ws.bufferedAmount > 1 << 20) {
        tcp.pause();
        const wait = (): void => {
          if (ws.readyState !== ws.OPEN) {
            return;
          }
          if (ws.bufferedAmount > 1 << 18) {
            setTimeout(wait, 1);
          } else {
            tcp.resume();
          }
        };
        setTimeout(wait, 1);
      }
    });
    tcp.on('close', end);
    tcp.on('error', end);
    ws.on('close', () => {
      forwards.delete(ws);
      tcp.destroy();
    });
    ws.on('error', () => ws.terminate());
  };

  return {
    upgrades,
    get openShells() {
      return [...shells].filter((s) => s.ws.readyState === s.ws.OPEN).length;
    },
    get openForwards() {
      return [...forwards].filter((s) => s.readyState === s.OPEN).length;
    },
    get forwardConnections() {
      return forwardConnections;
    },
    get peakForwards() {
      return peakForwards;
    },
    get pings() {
      return counts.pings;
    },
    get eots() {
      return counts.eots;
    },
    get textFrames() {
      return counts.textFrames;
    },
    get echoPort() {
      return (echo.address() as net.AddressInfo).port;
    },
    pods: (serviceId) => podsOf.get(serviceId) ?? [],
    setPods: (serviceId, list) => {
      podsOf.set(
        serviceId,
        list.map((p) => ({ name: p.name, ports: p.ports ?? [8080], bash: p.bash ?? true, containers: p.containers ?? ['app'] })),
      );
    },
    killPod: (name, o = {}) => {
      for (const [serviceId, list] of podsOf) {
        if (list.some((p) => p.name === name)) {
          const gone = list.find((p) => p.name === name);
          const next = list.filter((p) => p.name !== name);
          if (o.replacement && gone) {
            next.push({ ...gone, name: o.replacement });
          }
          podsOf.set(serviceId, next);
        }
      }
      for (const s of shells) {
        if (s.pod.name === name) {
          s.ws.close(o.code ?? 1011, o.reason ?? `pod ${name} was deleted`);
        }
      }
      for (const f of forwards) {
        if ((f as WebSocket & { pod?: string }).pod === name) {
          f.close(o.code ?? 1011, o.reason ?? `pod ${name} was deleted`);
        }
      }
    },
    closeAfterUpgrade: (code, o = {}) => {
      closing = { code, times: o.times ?? 1, reason: o.reason ?? CLOSE_REASONS[code] ?? '', path: o.path };
    },
    refuse: (status = 401, times = 1) => {
      refusals = { status, times };
    },
    drop: () => {
      for (const s of shells) {
        s.ws.terminate();
      }
      for (const f of forwards) {
        f.terminate();
      }
    },
    end: (code, reason) => {
      for (const s of shells) {
        s.ws.close(code, reason ?? CLOSE_REASONS[code] ?? '');
      }
    },
    close: () => {
      for (const s of shells) {
        s.ws.terminate();
      }
      for (const f of forwards) {
        f.terminate();
      }
      for (const s of echoSockets) {
        s.destroy();
      }
      echo.close();
      wss.close();
    },
  };
}

/** The shell behind one `/shell/exec` socket: a cooked TTY (echo, backspace, Ctrl+C, Ctrl+D) and a few commands. */
class FakeShell {
  #line = '';
  readonly #decoder = new StringDecoder('utf8');
  #kind: 'sh' | 'bash' | undefined;
  readonly #env: Record<string, string>;

  constructor(
    readonly ws: WebSocket,
    readonly pod: FakePod,
    command: string[],
    private readonly size: { width: number; height: number },
    environmentName: string,
    serviceName: string,
    private readonly counts: { pings: number; eots: number; textFrames: number },
  ) {
    this.#env = { HOME: '/root', HOSTNAME: pod.name, PATH: '/usr/local/bin:/usr/bin:/bin', QOVERY_ENVIRONMENT_NAME: environmentName, QOVERY_SERVICE_NAME: serviceName, TERM: 'xterm' };
    ws.on('ping', () => this.counts.pings++);
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        this.counts.textFrames++;
        return;
      }
      this.#input(this.#decoder.write(data));
    });
    const [program, ...args] = command.length > 0 ? command : ['sh'];
    if (!this.#has(program)) {
      this.#out(`OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\r\n`);
      ws.close(1011, 'command terminated with exit code 126');
      return;
    }
    const name = program.replace(/^.*\//, '');
    if ((name === 'sh' || name === 'bash') && args[0] === '-c' && args[1] !== undefined) {
      this.#kind = name;
      this.#run(args[1]);
      if (this.#kind === undefined || this.ws.readyState !== this.ws.OPEN) {
        this.#exit(0);
        return;
      }
      this.#prompt();
    } else if (name === 'sh' || name === 'bash') {
      this.#kind = name;
      this.#prompt();
    } else {
      this.#run([program, ...args].join(' '));
      this.#exit(0);
    }
  }

  #has(program: string): boolean {
    const name = program.replace(/^.*\//, '');
    return ['sh', 'echo', 'env', 'seq', 'true', 'false', 'stty', 'cat'].includes(name) || (name === 'bash' && this.pod.bash);
  }

  #out(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.send(Buffer.from(text, 'utf8'), { binary: true });
    }
  }

  #prompt(): void {
    this.#out(this.#kind === 'bash' ? `root@${this.pod.name}:/# ` : '/ # ');
  }

  #exit(code: number): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.close(1000, code === 0 ? 'shell terminated' : `exit code ${code}`);
    }
  }

  #input(text: string): void {
    for (const ch of text) {
      if (this.ws.readyState !== this.ws.OPEN) {
        return;
      }
      switch (ch) {
        case '\x04':
          this.counts.eots++;
          if (this.#line === '') {
            this.#out('exit\r\n');
            this.#exit(0);
          }
          break;
        case '\x03':
          this.#line = '';
          this.#out('^C\r\n');
          this.#prompt();
          break;
        case '\x7f':
        case '\b':
          if (this.#line.length > 0) {
            this.#line = this.#line.slice(0, -1);
            this.#out('\b \b');
          }
          break;
        case '\r':
        case '\n': {
          const line = this.#line;
          this.#line = '';
          this.#out('\r\n');
          this.#run(line);
          if (this.ws.readyState === this.ws.OPEN && this.#kind) {
            this.#prompt();
          }
          break;
        }
        default:
          this.#line += ch;
          // A TTY in cooked mode echoes what is typed.
          this.#out(ch);
      }
    }
  }

  /** Runs a command line: `a && b || c`; returns the last status. */
  #run(line: string): number {
    const parts = line.split(/\s*(&&|\|\|)\s*/);
    let status = this.#command(parts[0] ?? '');
    for (let i = 1; i + 1 < parts.length; i += 2) {
      if ((parts[i] === '&&' && status === 0) || (parts[i] === '||' && status !== 0)) {
        status = this.#command(parts[i + 1]);
      }
      if (this.ws.readyState !== this.ws.OPEN) {
        break;
      }
    }
    return status;
  }

  #command(text: string): number {
    const words = text
      .replace(/\s*[12]?>\s*\/dev\/null/g, '')
      .replace(/\s*2>&1/g, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.replace(/\$(\w+)/g, (_m, k: string) => this.#env[k] ?? ''));
    const [name, ...args] = words;
    const quiet = /[12]?>\s*\/dev\/null/.test(text);
    switch (name) {
      case undefined:
        return 0;
      case 'echo':
        this.#out(`${args.join(' ')}\r\n`);
        return 0;
      case 'env':
        this.#out(`${Object.entries(this.#env).map(([k, v]) => `${k}=${v}`).join('\r\n')}\r\n`);
        return 0;
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'stty':
        this.#out(args[0] === 'size' ? `${this.size.height} ${this.size.width}\r\n` : '\r\n');
        return 0;
      case 'seq': {
        const n = Math.min(1_000_000, Number(args[0]) || 0);
        const lines: string[] = [];
        for (let i = 1; i <= n; i++) {
          lines.push(String(i));
          if (lines.length === 1000 || i === n) {
            this.#out(`${lines.join('\r\n')}\r\n`);
            lines.length = 0;
          }
        }
        return 0;
      }
      case 'command':
        if (args[0] === '-v' && args[1]) {
          if (!this.#has(args[1])) {
            return 1;
          }
          if (!quiet) {
            this.#out(`/bin/${args[1]}\r\n`);
          }
          return 0;
        }
        return 1;
      case 'exec':
        if (args[0] && (args[0] === 'sh' || args[0] === 'bash') && this.#has(args[0])) {
          this.#kind = args[0];
          return 0;
        }
        this.#out(`sh: exec: ${args[0] ?? ''}: not found\r\n`);
        this.#exit(127);
        return 127;
      case 'exit':
        this.#exit(Number(args[0]) || 0);
        return 0;
      default:
        this.#out(`sh: ${name}: not found\r\n`);
        return 127;
    }
  }
}
