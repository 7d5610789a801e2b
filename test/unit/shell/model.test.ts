import * as assert from 'node:assert/strict';
import {
  AUTO_SHELL_COMMAND,
  cleanName,
  endChecksToken,
  parsePods,
  portForwardUrl,
  portValue,
  serviceOfArgument,
  servicePodsUrl,
  shellCommandSetting,
  shellEndOfClose,
  shellEndOfStatus,
  shellEndText,
  shellExecUrl,
  shellTitle,
  terminalText,
} from '../../../src/shell/model';
import { plainL10n } from '../../../src/tree/present';

const target = { organizationId: 'o', projectId: 'p', environmentId: 'e', clusterId: 'c', serviceId: 's', serviceType: 'application' };

describe('shell: decisions', () => {
  it('builds the CLI\'s /shell/exec query: ids, pod, every command word as its own `command`, the size', () => {
    const url = new URL(shellExecUrl('wss://ws.qovery.com', target, { pod: 'web-0', command: ['sh', '-c', 'a && b'], size: { columns: 120.7, rows: 40 } }));
    assert.equal(url.origin + url.pathname, 'wss://ws.qovery.com/shell/exec');
    assert.deepEqual(url.searchParams.getAll('command'), ['sh', '-c', 'a && b']);
    assert.deepEqual(
      [...url.searchParams.keys()].filter((k) => k !== 'command'),
      ['organization', 'cluster', 'project', 'environment', 'service', 'pod_name', 'tty_width', 'tty_height'],
    );
    assert.equal(url.searchParams.get('tty_width'), '120');
    assert.equal(url.searchParams.get('tty_height'), '40');
    assert.ok(!url.searchParams.has('container_name'));
  });

  it('pods and forwards send the upper-cased service type; the forward its port', () => {
    assert.equal(new URL(servicePodsUrl('ws://127.0.0.1:1', target)).searchParams.get('service_type'), 'APPLICATION');
    const f = new URL(portForwardUrl('ws://127.0.0.1:1', target, { pod: 'db-0', port: 5432 }));
    assert.equal(f.pathname, '/shell/portforward');
    assert.equal(f.searchParams.get('port'), '5432');
    assert.equal(f.searchParams.get('pod_name'), 'db-0');
  });

  it('qovery.shell.command: empty means bash or sh; words split on spaces; control characters refused with a reason', () => {
    assert.deepEqual(shellCommandSetting('', plainL10n), { command: AUTO_SHELL_COMMAND });
    assert.deepEqual(shellCommandSetting(undefined, plainL10n), { command: AUTO_SHELL_COMMAND });
    assert.deepEqual(shellCommandSetting('  python3   -i ', plainL10n), { command: ['python3', '-i'] });
    const bad = shellCommandSetting('sh\nrm -rf /', plainL10n);
    assert.deepEqual(bad.command, AUTO_SHELL_COMMAND);
    assert.match(bad.problem ?? '', /control characters/);
    assert.ok(shellCommandSetting(42, plainL10n).problem);
    // The automatic command is a fixed text: bash when present, sh otherwise.
    assert.equal(AUTO_SHELL_COMMAND[0], 'sh');
    assert.match(AUTO_SHELL_COMMAND[2], /command -v bash .*&& exec bash \|\| exec sh/);
  });

  it('reads a service row, the "This Workspace" row, a workspace link, and refuses anything else', () => {
    const row = { key: 'service:s', organizationId: 'o', projectId: 'p', environmentId: 'e', service: { id: 's', name: 'web', service_type: 'APPLICATION' } };
    assert.deepEqual(serviceOfArgument(row), { organizationId: 'o', projectId: 'p', environmentId: 'e', serviceId: 's', serviceName: 'web', serviceType: 'APPLICATION' });
    const link = { organizationId: 'o', projectId: 'p', environmentId: 'e', serviceId: 's', serviceName: 'web', serviceType: 'CONTAINER', environmentName: 'prod' };
    assert.equal(serviceOfArgument({ key: 'workspace:file:///x', link: { link } })?.serviceType, 'CONTAINER');
    assert.equal(serviceOfArgument(link)?.environmentName, 'prod');
    assert.equal(serviceOfArgument({ key: 'env:e', environment: { id: 'e' } }), undefined);
    assert.equal(serviceOfArgument('s'), undefined);
  });

  it('parses the pods answer; odd entries are left out, ports kept only when they are ports', () => {
    assert.deepEqual(parsePods('{"pods":[{"name":"a","ports":[80,80,0,70000,"x"]},{"name":""},{"ports":[1]},{"name":"b"}]}'), [
      { name: 'a', ports: [80] },
      { name: 'b', ports: [] },
    ]);
    assert.equal(parsePods('nope'), undefined);
    assert.equal(parsePods('{"pods":3}'), undefined);
  });

  it('names printed by the extension lose control characters, escape sequences and bidi overrides; links cannot form', () => {
    assert.equal(cleanName('web\x1b]8;;https://evil/\x07click\x1b]8;;\x07'), 'web ]8;;https://evil/ click ]8;;');
    assert.equal(cleanName('a\u202eb\r\nc'), 'a b c');
    assert.equal(cleanName('x'.repeat(150)).length, 100);
    const said = terminalText('see https://evil.example.com and command:workbench.action.quit\x1b[2J');
    assert.ok(!/https:\/\//.test(said) && !/command:w/.test(said) && !said.includes('\x1b'), said);
  });

  it('a typed port is a whole number up to 65535 (0 only where any free port is meant)', () => {
    assert.equal(portValue(' 5432 ', 1), 5432);
    assert.equal(portValue('0', 0), 0);
    assert.equal(portValue('0', 1), undefined);
    assert.equal(portValue('65536', 0), undefined);
    assert.equal(portValue('80.5', 1), undefined);
    assert.equal(portValue('-1', 0), undefined);
    assert.equal(portValue('', 0), undefined);
  });

  it('the title names service, environment (production marked) and pod', () => {
    assert.equal(shellTitle({ serviceName: 'web', environmentName: 'production', environmentMode: 'PRODUCTION', pod: 'web-0' }, plainL10n), 'web · production [PRODUCTION] · web-0');
    assert.equal(shellTitle({ serviceName: 'api', environmentName: 'staging', environmentMode: 'STAGING', pod: 'api-1' }, plainL10n), 'api · staging · api-1');
    assert.equal(shellTitle({ serviceName: 'w\x1b[31m', pod: 'p' }, plainL10n), 'w [31m · p');
  });

  it('close codes as the live logs: 1000 exited, 1007/1008 refused (token checked), 1011 unavailable, others dropped; 401/403 refused, 404 not found', () => {
    assert.deepEqual(shellEndOfClose(1000), { kind: 'exited' });
    assert.deepEqual(shellEndOfClose(1007), { kind: 'refused', code: 1007 });
    assert.deepEqual(shellEndOfClose(1008), { kind: 'refused', code: 1008 });
    assert.deepEqual(shellEndOfClose(1011), { kind: 'unavailable', code: 1011 });
    assert.deepEqual(shellEndOfClose(1006), { kind: 'dropped', code: 1006 });
    assert.deepEqual(shellEndOfStatus(401), { kind: 'refused', status: 401 });
    assert.deepEqual(shellEndOfStatus(404), { kind: 'notFound', status: 404 });
    assert.deepEqual(shellEndOfStatus(502), { kind: 'dropped', status: 502 });
    assert.ok(endChecksToken({ kind: 'refused', code: 1008 }));
    assert.ok(endChecksToken({ kind: 'refused', status: 401 }));
    // A 403 on the upgrade is about this service, not the token.
    assert.ok(!endChecksToken({ kind: 'refused', status: 403 }));
    assert.ok(!endChecksToken({ kind: 'unavailable', code: 1011 }));
    assert.match(shellEndText({ kind: 'refused', code: 1007 }, 'permission denied', plainL10n), /1007: permission denied.*Viewer/);
    assert.match(shellEndText({ kind: 'unavailable', code: 1011 }, '', plainL10n), /cannot be reached/);
  });
});
