import * as assert from 'node:assert/strict';
import { cleanMessage, noLinks, describeError, isApiError, isNetworkLike, problemText, QoveryApiError } from '../../../src/api';

describe('api/errors', () => {
  it('reads detail, then message, then error, then title', () => {
    assert.equal(problemText({ title: 't', error: 'e', message: 'm', detail: 'd' }), 'd');
    assert.equal(problemText({ title: 't', error: 'e', message: 'm' }), 'm');
    assert.equal(problemText({ title: 't', error: 'e' }), 'e');
    assert.equal(problemText({ title: 't' }), 't');
    assert.equal(problemText({ detail: '  ', title: 't' }), 't');
    assert.equal(problemText({ detail: 42 }), '');
    assert.equal(problemText('text'), '');
    assert.equal(problemText(null), '');
  });

  it('noLinks shows a markdown link of a notification as plain text, its target visible', () => {
    assert.equal(noLinks('web is running (abc1234 [Release notes](https://evil.example/x))'), 'web is running (abc1234 Release notes (https://evil.example/x))');
    assert.equal(noLinks('[a](command:workbench.action.quit) and [b](x)'), 'a (command:workbench.action.quit) and b (x)');
    assert.equal(noLinks('Qovery: nothing to change [1/2] (ok)'), 'Qovery: nothing to change [1/2] (ok)');
  });

  it('strips markdown links, command URIs and bare URLs, and collapses whitespace', () => {
    assert.equal(cleanMessage('See [the docs](https://evil.example/x) now'), 'See the docs now');
    assert.equal(cleanMessage('Run command:workbench.action.foo?%5B%5D please'), 'Run please');
    assert.equal(cleanMessage('Go to https://evil.example/a?b=c or http://x.y'), 'Go to or');
    assert.equal(cleanMessage('  a\n\n\tb \u0007 c  '), 'a b c');
  });

  it('caps long text', () => {
    const out = cleanMessage('word '.repeat(100));
    assert.ok(out.length <= 200, `length ${out.length}`);
    assert.ok(out.endsWith('…'));
  });

  it('builds a default message per kind and keeps the given one', () => {
    assert.equal(new QoveryApiError('unauthorized').message, 'Qovery rejected the token (401).');
    assert.equal(new QoveryApiError('notFound', 'No such project').message, 'No such project');
    assert.match(new QoveryApiError('network', undefined, { networkCause: 'dns' }).message, /could not be resolved/);
  });

  it('is an Error with its own name in the stack', () => {
    const e = new QoveryApiError('server', 'boom', { status: 500 });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'QoveryApiError');
    assert.match(String(e.stack), /^QoveryApiError: boom/);
  });

  it('serialises only safe fields', () => {
    const e = new QoveryApiError('rateLimited', 'slow down', { status: 429, retryAfterMs: 1500, method: 'GET', path: '/organization' });
    assert.deepEqual(JSON.parse(JSON.stringify(e)), {
      name: 'QoveryApiError',
      kind: 'rateLimited',
      message: 'slow down',
      status: 429,
      retryAfterMs: 1500,
      method: 'GET',
      path: '/organization',
    });
  });

  it('ignores unknown detail fields instead of attaching them', () => {
    const details = { status: 500, headers: { authorization: 'Token x' } } as unknown as { status: number };
    const e = new QoveryApiError('server', 'x', details);
    assert.equal((e as unknown as Record<string, unknown>).headers, undefined);
  });

  it('recognises its errors and network-like ones', () => {
    assert.ok(isApiError(new QoveryApiError('server')));
    assert.ok(!isApiError(new Error('x')));
    assert.ok(isNetworkLike(new QoveryApiError('network')));
    assert.ok(isNetworkLike(new QoveryApiError('timeout')));
    assert.ok(!isNetworkLike(new QoveryApiError('server')));
    assert.ok(!isNetworkLike(new Error('network')));
  });

  it('describes errors in one short sentence', () => {
    assert.equal(describeError(new QoveryApiError('unauthorized')), 'Qovery rejected the token (401).');
    assert.equal(describeError(new QoveryApiError('notFound', 'Project gone')), 'Not found on Qovery (404). Project gone');
    assert.equal(
      describeError(new QoveryApiError('rateLimited', undefined, { retryAfterMs: 2500 })),
      'Too many requests to Qovery. Try again in 3 s.',
    );
    assert.match(describeError(new QoveryApiError('network', undefined, { networkCause: 'refused' })), /^Could not reach the Qovery API\. The connection was refused\.$/);
    assert.equal(describeError(new Error('plain')), 'plain');
    assert.equal(describeError('text'), 'text');
    assert.equal(describeError(undefined), 'Unexpected error.');
    assert.equal(describeError(new Error('')), 'Unexpected error.');
  });

  it('masks credential-looking values when describing foreign errors', () => {
    assert.equal(describeError(new Error('bad header Authorization: Token qov_zzz999')), 'bad header Authorization: ***');
    assert.equal(describeError(new Error('got Bearer abc.def.ghi123')), 'got Bearer ***');
  });
});
