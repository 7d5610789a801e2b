import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { parse } from 'yaml';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { listPods, PodsError, ShellConnection, type SocketOpener } from '../../../src/shell/connection';
import { AUTO_SHELL_COMMAND, servicePodsUrl, shellExecUrl, type GatewayTarget, type ShellEnd } from '../../../src/shell/model';
import { DEMO, DEMO_ADMIN_TOKEN, DEMO_VIEWER_TOKEN, startQoveryServer, type QoveryServer } from '../../qovery';

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = probe();
    if (v) {
      return v;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const open: SocketOpener = (url, headers) => new WebSocket(url, { headers, perMessageDeflate: false, followRedirects: false });

describe('shell over the gateway (test server, real sockets)', function () {
  this.timeout(20_000);
  let server: QoveryServer;
  let base: string;
  let target: GatewayTarget;

  before(async () => {
    server = await startQoveryServer();
    base = server.url.replace(/^http/, 'ws');
    const environment = server.state.account.environment(DEMO.environments.storefrontProduction);
    assert.ok(environment);
    target = {
      organizationId: environment.organizationId,
      projectId: environment.projectId,
      environmentId: environment.id,
      clusterId: environment.cluster.id,
      serviceId: DEMO.services.storefrontWeb,
      serviceType: 'APPLICATION',
    };
  });
  after(async () => {
    await server?.close();
  });

  function shell(o: { command?: readonly string[]; token?: string; pod?: string } = {}) {
    const output: string[] = [];
    const ends: { end: ShellEnd; reason: string }[] = [];
    let opened = false;
    const c = new ShellConnection({
      url: shellExecUrl(base, target, { command: o.command ?? AUTO_SHELL_COMMAND, size: { columns: 100, rows: 30 }, pod: o.pod }),
      authorization: `Token ${o.token ?? DEMO_ADMIN_TOKEN}`,
      connect: open,
      onOutput: (t) => output.push(t),
      onOpen: () => {
        opened = true;
      },
      onEnd: (end, reason) => ends.push({ end, reason }),
    });
    return { c, text: () => output.join(''), ends, opened: () => opened };
  }

  it('types into the shell and reads its output over binary frames; exit ends it as exited; the query is the CLI\'s', async () => {
    const s = shell();
    await until('the prompt', () => s.text().includes('# '));
    s.c.input('echo hello $QOVERY_SERVICE_NAME\r');
    await until('the echo', () => s.text().includes('hello web\r\n'));
    s.c.input('stty size\r');
    await until('the size', () => s.text().includes('30 100\r\n'));
    s.c.input('exit\r');
    await until('the end', () => s.ends.length > 0);
    assert.deepEqual(s.ends[0].end, { kind: 'exited' });
    assert.equal(server.shell.textFrames, 0, 'only binary frames are sent');
    const upgrade = server.shell.upgrades.find((u) => u.path === '/shell/exec');
    assert.ok(upgrade);
    assert.equal(upgrade.scheme, 'Token');
    assert.deepEqual(upgrade.query.command, [...AUTO_SHELL_COMMAND]);
    assert.deepEqual(Object.keys(upgrade.query).sort(), ['cluster', 'command', 'environment', 'organization', 'project', 'service', 'tty_height', 'tty_width']);
  });

  it('the automatic command runs bash when the container has it, sh when bash is missing', async () => {
    const withBash = shell();
    await until('the bash prompt', () => withBash.text().includes('root@web-7d9f-0:/# '));
    withBash.c.close();
    server.shell.setPods(DEMO.services.storefrontWeb, [{ name: 'web-slim-0', bash: false }]);
    try {
      const slim = shell();
      await until('the sh prompt', () => slim.text().includes('/ # '));
      assert.ok(!slim.text().includes('not found'), slim.text());
      slim.c.close();
      // Asked for bash by name where it is missing: the gateway's error is shown, and the end is not "exited".
      const bash = shell({ command: ['bash'] });
      await until('the end', () => bash.ends.length > 0);
      assert.match(bash.text(), /executable file not found/);
      assert.equal(bash.ends[0].end.kind, 'unavailable');
    } finally {
      server.shell.setPods(DEMO.services.storefrontWeb, [{ name: 'web-7d9f-0', ports: [3000] }]);
    }
  });

  it('closing sends EOT to the shell, then a normal close; nothing stays open', async () => {
    const before = server.shell.eots;
    const s = shell();
    await until('the prompt', () => s.opened() && s.text().includes('# '));
    s.c.close();
    await until('the EOT', () => server.shell.eots > before);
    await until('no shell open', () => server.shell.openShells === 0);
    assert.deepEqual(s.ends[0].end, { kind: 'closed' });
  });

  it('input typed before the connection opens is sent once it does', async () => {
    const s = shell();
    s.c.input('echo early\r');
    await until('the output', () => s.text().includes('early\r\n'));
    s.c.close();
  });

  it('a ping goes out at the interval, and a server that stops answering ends the connection as a timeout', async () => {
    const pings = server.shell.pings;
    const ends: ShellEnd[] = [];
    const c = new ShellConnection({
      url: shellExecUrl(base, target, { command: ['sh'], size: { columns: 80, rows: 24 } }),
      authorization: `Token ${DEMO_ADMIN_TOKEN}`,
      connect: open,
      onOutput: () => undefined,
      onOpen: () => undefined,
      onEnd: (end) => ends.push(end),
      pingMs: 50,
    });
    await until('pings', () => server.shell.pings >= pings + 3);
    c.close();
    // A socket whose pongs never come (paused reading): the read timeout ends it.
    const silent = new ShellConnection({
      url: shellExecUrl(base, target, { command: ['sh'], size: { columns: 80, rows: 24 } }),
      authorization: `Token ${DEMO_ADMIN_TOKEN}`,
      connect: (url, headers) => {
        const ws = open(url, headers);
        ws.on('open', () => ws.pause());
        return ws;
      },
      onOutput: () => undefined,
      onOpen: () => undefined,
      onEnd: (end) => ends.push(end),
      pingMs: 20,
      readTimeoutMs: 200,
    });
    await until('the timeout', () => ends.some((e) => e.kind === 'timeout'));
    assert.ok(silent.ended);
  });

  it('a Viewer token is refused with close code 1007; a close code 1008 after the upgrade is refused too; 1011 is unavailable', async () => {
    const viewer = shell({ token: DEMO_VIEWER_TOKEN });
    await until('the end', () => viewer.ends.length > 0);
    assert.deepEqual(viewer.ends[0].end, { kind: 'refused', code: 1007 });
    assert.match(viewer.ends[0].reason, /permission/);
    server.shell.closeAfterUpgrade(1008);
    const policy = shell();
    await until('the end', () => policy.ends.length > 0);
    assert.deepEqual(policy.ends[0].end, { kind: 'refused', code: 1008 });
    server.shell.closeAfterUpgrade(1011);
    const down = shell();
    await until('the end', () => down.ends.length > 0);
    assert.deepEqual(down.ends[0].end, { kind: 'unavailable', code: 1011 });
    server.shell.refuse(401);
    const bad = shell();
    await until('the end', () => bad.ends.length > 0);
    assert.deepEqual(bad.ends[0].end, { kind: 'refused', status: 401 });
  });

  it('a dropped connection and a pod that disappears end the connection as dropped and unavailable', async () => {
    const s = shell();
    await until('the prompt', () => s.text().includes('# '));
    server.shell.drop();
    await until('the end', () => s.ends.length > 0);
    assert.equal(s.ends[0].end.kind, 'dropped');
    const t = shell();
    await until('the prompt', () => t.text().includes('# '));
    server.shell.killPod('web-7d9f-0', { replacement: 'web-7d9f-1' });
    await until('the end', () => t.ends.length > 0);
    assert.deepEqual(t.ends[0].end, { kind: 'unavailable', code: 1011 });
    assert.match(t.ends[0].reason, /web-7d9f-0/);
    assert.deepEqual(server.shell.pods(DEMO.services.storefrontWeb).map((p) => p.name), ['web-7d9f-1']);
    server.shell.setPods(DEMO.services.storefrontWeb, [{ name: 'web-7d9f-0', ports: [3000] }]);
  });

  it('a multi-byte character typed in two frames is echoed whole', async () => {
    const s = shell();
    await until('the prompt', () => s.text().includes('# '));
    const euro = Buffer.from('€', 'utf8');
    s.c.input(euro.subarray(0, 1));
    s.c.input(euro.subarray(1));
    await until('the echo', () => s.text().includes('€'));
    assert.ok(!s.text().includes('\ufffd'));
    s.c.close();
  });

  it('/service/pods answers the spec\'s ServiceListPodsResponseDto; the pods are listed', async () => {
    server.shell.setPods(DEMO.services.storefrontWeb, [
      { name: 'web-7d9f-0', ports: [3000] },
      { name: 'web-7d9f-1', ports: [3000, 9090] },
    ]);
    const pods = await listPods(servicePodsUrl(base, target), `Token ${DEMO_ADMIN_TOKEN}`, open);
    assert.deepEqual(pods, [
      { name: 'web-7d9f-0', ports: [3000] },
      { name: 'web-7d9f-1', ports: [3000, 9090] },
    ]);
    const upgrade = server.shell.upgrades.filter((u) => u.path === '/service/pods').at(-1);
    assert.deepEqual(upgrade?.query.service_type, ['APPLICATION']);
    // The raw message against the gateway's spec.
    const raw = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(servicePodsUrl(base, target), { headers: { Authorization: `Token ${DEMO_ADMIN_TOKEN}` } });
      ws.on('message', (d: Buffer) => resolve(d.toString('utf8')));
      ws.on('error', reject);
    });
    const specPath = path.join(__dirname, '..', '..', '..', '..', '..', 'shared', 'qovery-api', 'websocket-openapi.yaml');
    const candidates = [process.env.QOVERY_WS_OPENAPI_SPEC, specPath, '/work/shared/qovery-api/websocket-openapi.yaml'].filter((p): p is string => !!p && fs.existsSync(p));
    if (candidates.length > 0) {
      const spec = parse(fs.readFileSync(candidates[0], 'utf8')) as { components: { schemas: Record<string, unknown> } };
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      const schemas = JSON.parse(JSON.stringify(spec.components.schemas).replace(/#\/components\/schemas\//g, 'ws#/definitions/')) as Record<string, unknown>;
      ajv.addSchema({ $id: 'ws', definitions: schemas });
      const validate = ajv.getSchema('ws#/definitions/ServiceListPodsResponseDto');
      assert.ok(validate);
      assert.ok(validate(JSON.parse(raw)), JSON.stringify(validate.errors));
    } else {
      console.log('    (spec check skipped: websocket-openapi.yaml not found)');
    }
    server.shell.setPods(DEMO.services.storefrontWeb, [{ name: 'web-7d9f-0', ports: [3000] }]);
  });

  it('listing pods: a refused token is a typed error, not a list', async () => {
    server.shell.refuse(401);
    await assert.rejects(listPods(servicePodsUrl(base, target), `Token ${DEMO_ADMIN_TOKEN}`, open), (e: unknown) => e instanceof PodsError && e.end.kind === 'refused');
    server.shell.closeAfterUpgrade(1011, { path: '/service/pods' });
    await assert.rejects(listPods(servicePodsUrl(base, target), `Token ${DEMO_ADMIN_TOKEN}`, open), (e: unknown) => e instanceof PodsError && e.end.kind === 'unavailable');
  });
});
