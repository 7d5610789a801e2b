import * as assert from 'node:assert/strict';
import { isApiError, isLoopbackHost, parseApiUrl } from '../../../src/api';
import { catchSync } from './helpers';

function refused(raw: string, pattern: RegExp): void {
  const e = catchSync(() => parseApiUrl(raw));
  assert.ok(isApiError(e), 'expected a QoveryApiError');
  assert.equal(e.kind, 'insecureUrl');
  assert.match(e.message, pattern);
  assert.match(e.message, /qovery\.apiUrl/);
}

describe('api/url parseApiUrl', () => {
  it('accepts https and drops surrounding spaces and trailing slashes', () => {
    assert.equal(parseApiUrl('  https://api.qovery.com/  ').href, 'https://api.qovery.com/');
    assert.equal(parseApiUrl('https://api.example.com/base///').href, 'https://api.example.com/base');
  });

  it('allows plain http only for loopback hosts', () => {
    assert.equal(parseApiUrl('http://127.0.0.1:8080').host, '127.0.0.1:8080');
    assert.equal(parseApiUrl('http://127.1.2.3').hostname, '127.1.2.3');
    assert.equal(parseApiUrl('http://localhost:3000/').hostname, 'localhost');
    assert.equal(parseApiUrl('http://[::1]:3000').hostname, '[::1]');
  });

  it('refuses http to any other host', () => {
    refused('http://api.qovery.com', /must use https/);
    refused('http://10.0.0.1', /must use https/);
    refused('http://localhost.evil.example', /must use https/);
    refused('http://128.0.0.1', /must use https/);
  });

  it('refuses other protocols', () => {
    refused('ftp://api.qovery.com', /must use https/);
    refused('file:///etc/passwd', /must use https/);
  });

  it('refuses malformed values with a message naming the setting', () => {
    refused('', /not a valid URL/);
    refused('api.qovery.com', /not a valid URL/);
    refused('https://', /not a valid URL/);
  });

  it('refuses credentials in the URL without echoing them', () => {
    const e = catchSync(() => parseApiUrl('https://user:qov_PASSWORDX@api.qovery.com'));
    assert.ok(isApiError(e));
    assert.match(e.message, /user name or password/);
    assert.doesNotMatch(`${e.message} ${e.stack} ${JSON.stringify(e)}`, /PASSWORDX/);
  });

  it('refuses a query or fragment', () => {
    refused('https://api.qovery.com/?token=x', /query/);
    refused('https://api.qovery.com/#x', /fragment/);
  });

  it('knows the loopback hosts', () => {
    assert.ok(isLoopbackHost('127.0.0.1'));
    assert.ok(isLoopbackHost('localhost'));
    assert.ok(isLoopbackHost('[::1]'));
    assert.ok(!isLoopbackHost('127.0.0.1.nip.io'));
    assert.ok(!isLoopbackHost('0.0.0.0'));
  });
});
