import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseCliArguments } from '../../qovery/cli';
import { DEMO_ADMIN_TOKEN, DEMO_USER_JWT } from '../../qovery';

const CLI = join(__dirname, '..', '..', 'qovery', 'cli.js');

describe('fake server CLI', () => {
  it('parses --port, --latency and --large, with = or a separate value', () => {
    assert.deepEqual(parseCliArguments([]), { help: false });
    assert.deepEqual(parseCliArguments(['--port', '4010', '--latency=250']), { help: false, port: 4010, latencyMs: 250 });
    assert.deepEqual(parseCliArguments(['--large', '50x500']).large, {
      organizations: 50,
      projectsPerOrganization: 500,
      environmentsPerProject: undefined,
      servicesPerEnvironment: undefined,
    });
    assert.deepEqual(parseCliArguments(['--large=2x3x4x5']).large, {
      organizations: 2,
      projectsPerOrganization: 3,
      environmentsPerProject: 4,
      servicesPerEnvironment: 5,
    });
    assert.equal(parseCliArguments(['--help']).help, true);
  });

  it('rejects bad options', () => {
    assert.throws(() => parseCliArguments(['--port']));
    assert.throws(() => parseCliArguments(['--port', 'abc']));
    assert.throws(() => parseCliArguments(['--large', '50']));
    assert.throws(() => parseCliArguments(['--large', '1x2x3x4x5']));
    assert.throws(() => parseCliArguments(['--verbose']));
  });

  for (const args of [[], ['--large', '3x4']]) {
    it(`serves, prints its URL and tokens, and stops on SIGTERM (${args.join(' ') || 'demo'})`, async function () {
      this.timeout(15_000);
      const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 10_000;
        while (!/Try: curl/.test(output) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        assert.ok(url, output);
        assert.ok(output.includes(DEMO_ADMIN_TOKEN));
        assert.ok(output.includes(DEMO_USER_JWT));
        const response = await fetch(`${url}/organization`, { headers: { authorization: `Token ${DEMO_ADMIN_TOKEN}` } });
        assert.equal(response.status, 200);
        await response.text();
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, output);
    });
  }
});
