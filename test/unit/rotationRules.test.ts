import * as assert from 'node:assert/strict';
import { isTransientKind as isTransient } from '../../src/api/errors';
import { ageInDays, isTokenOfRotation, localDay, parseLegacyJournals, rotatedTokenName, rotationDue, slug, utcDay } from '../../src/auth/rotationRules';

describe('token rotation rules', () => {
  const day = new Date('2026-11-28T23:30:00.000Z');

  describe('rotatedTokenName', () => {
    it('names the token after the connection and the UTC day', () => {
      assert.equal(rotatedTokenName('Acme Corp', day, 0), 'vscode-acme-corp-2026-11-28');
    });

    it('skips names already taken, compared case-insensitively as Qovery does', () => {
      assert.equal(rotatedTokenName('Acme Corp', day, 0, ['VSCODE-acme-corp-2026-11-28']), 'vscode-acme-corp-2026-11-28-2');
      assert.equal(rotatedTokenName('Acme Corp', day, 0, ['vscode-acme-corp-2026-11-28', 'vscode-acme-corp-2026-11-28-2']), 'vscode-acme-corp-2026-11-28-3');
    });

    it('gives a different free name for each later attempt', () => {
      const names = [0, 1, 2, 3].map((attempt) => rotatedTokenName('prod', day, attempt, ['vscode-prod-2026-11-28-2']));
      assert.deepEqual(names, ['vscode-prod-2026-11-28', 'vscode-prod-2026-11-28-3', 'vscode-prod-2026-11-28-4', 'vscode-prod-2026-11-28-5']);
    });
  });

  it('slugs names to plain ASCII, dashes and at most 40 characters', () => {
    assert.equal(slug('  Équipe Données (prod) '), 'equipe-donnees-prod');
    assert.equal(slug('***'), 'qovery');
    assert.equal(slug('a'.repeat(60)).length, 40);
    assert.equal(slug(`${'a'.repeat(39)} b`), 'a'.repeat(39));
  });

  it('tells the UTC day from the local day', () => {
    assert.equal(utcDay(day), '2026-11-28');
    assert.match(localDay(day), /^\d{4}-\d{2}-\d{2}$/);
  });

  describe('rotationDue', () => {
    const now = Date.parse('2026-11-28T12:00:00.000Z');
    it('is due once the age reaches the setting', () => {
      assert.deepEqual(rotationDue(now - 90 * 86_400_000, 90, now), { due: true, ageDays: 90 });
      assert.deepEqual(rotationDue(now - 89.5 * 86_400_000, 90, now), { due: false, ageDays: 89 });
    });
    it('is never due with 0 or without a date', () => {
      assert.equal(rotationDue(now - 1000 * 86_400_000, 0, now).due, false);
      assert.equal(rotationDue(undefined, 90, now).due, false);
      assert.equal(rotationDue(Number.NaN, 90, now).due, false);
    });
    it('never counts a negative age (clock skew)', () => {
      assert.equal(ageInDays(now + 86_400_000, now), 0);
    });
  });

  it('treats network, timeout, 5xx, rate limits and garbage as transient, never 401/403/404', () => {
    for (const kind of ['network', 'timeout', 'server', 'rateLimited', 'invalidResponse']) {
      assert.equal(isTransient(kind), true, kind);
    }
    for (const kind of ['unauthorized', 'forbidden', 'notFound', 'conflict', 'badRequest', 'storage', undefined]) {
      assert.equal(isTransient(kind), false, String(kind));
    }
  });

  describe('isTokenOfRotation', () => {
    const journal = { newTokenName: 'vscode-acme-2026-11-28', startedAt: Date.parse('2026-11-28T10:00:00.000Z') };
    it('matches the journaled name, made after the rotation started', () => {
      assert.equal(isTokenOfRotation({ name: 'VSCODE-acme-2026-11-28', created_at: '2026-11-28T10:00:01.000Z' }, journal), true);
    });
    it('never matches another name, or a token older than the rotation', () => {
      assert.equal(isTokenOfRotation({ name: 'vscode-acme-2026-11-28-2', created_at: '2026-11-28T10:00:01.000Z' }, journal), false);
      assert.equal(isTokenOfRotation({ name: 'vscode-acme-2026-11-28', created_at: '2026-11-27T10:00:00.000Z' }, journal), false);
      assert.equal(isTokenOfRotation({ name: 'vscode-acme-2026-11-28' }, { startedAt: journal.startedAt }), false);
    });
    it('allows some clock skew between VS Code and Qovery', () => {
      assert.equal(isTokenOfRotation({ name: 'vscode-acme-2026-11-28', created_at: '2026-11-28T09:55:00.000Z' }, journal), true);
    });
  });

  it('reads only well-formed journals of version 0.1 from globalState', () => {
    const good = { id: 'r1', connectionId: 'c1', organizationId: 'o1', step: 'created', startedAt: 1 };
    assert.deepEqual(parseLegacyJournals([good, { ...good, step: 5 }, { id: 'x' }, null, 'text']), [good]);
    assert.deepEqual(parseLegacyJournals(undefined), []);
    assert.deepEqual(parseLegacyJournals({ id: 'r1' }), []);
  });
});
