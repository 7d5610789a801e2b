import * as assert from 'node:assert/strict';
import { checkKey, levelsOf, matchesFilter, originOf, overriddenIds, type Variable, type VariableTarget } from '../../../src/variables/model';
import { importPlan } from '../../../src/variables/preview';
import { originText, presentVariable } from '../../../src/variables/present';
import { plainL10n } from '../../../src/tree/present';

const service: VariableTarget = { scope: 'APPLICATION', parentId: 's1', name: 'web', organizationId: 'o', projectId: 'p', environmentId: 'e', serviceId: 's1' };
const environment: VariableTarget = { scope: 'ENVIRONMENT', parentId: 'e', name: 'production', organizationId: 'o', projectId: 'p', environmentId: 'e' };

const v = (id: string, key: string, scope: string, type: string, more: Partial<Variable> = {}): Variable =>
  ({ id, created_at: '2026-01-01T00:00:00Z', key, value: 'x', scope, variable_type: type, is_secret: false, ...more }) as Variable;

describe('variables: keys, origins, filters', () => {
  it('checks keys as environment variable names', () => {
    assert.equal(checkKey('DATABASE_URL'), undefined);
    assert.equal(checkKey('_x9'), undefined);
    assert.equal(checkKey(''), 'empty');
    assert.equal(checkKey('9LIVES'), 'startsWithDigit');
    assert.equal(checkKey('MY-KEY'), 'invalidCharacter');
    assert.equal(checkKey('A B'), 'invalidCharacter');
    assert.equal(checkKey('CLÉ'), 'invalidCharacter');
  });

  it('names where each variable comes from, seen from a service', () => {
    const list = [
      v('1', 'QOVERY_PROJECT_ID', 'BUILT_IN', 'BUILT_IN'),
      v('2', 'LOG_LEVEL', 'PROJECT', 'VALUE'),
      v('3', 'REGION', 'ENVIRONMENT', 'VALUE'),
      v('4', 'PORT', 'APPLICATION', 'VALUE'),
      v('5', 'LOG_LEVEL', 'APPLICATION', 'OVERRIDE', { overridden_variable: { id: '2', key: 'LOG_LEVEL', mount_path: '', scope: 'PROJECT', variable_type: 'VALUE' } }),
      v('6', 'DB_URL', 'APPLICATION', 'ALIAS', { aliased_variable: { id: '9', key: 'DATABASE_URL', mount_path: '', scope: 'ENVIRONMENT', variable_type: 'VALUE' } }),
      v('7', 'TOKEN', 'ENVIRONMENT', 'OVERRIDE'),
    ];
    assert.deepEqual(
      list.map((x) => originText(originOf(x, service), plainL10n)),
      ['built-in', 'project', 'environment', 'service', 'overridden here', 'alias of DATABASE_URL', 'override (environment)'],
    );
    assert.deepEqual([...overriddenIds(list)], ['2']);
  });

  it('shows a lock for a secret, never a value, and marks an overridden variable', () => {
    const secret = presentVariable(v('1', 'STRIPE', 'ENVIRONMENT', 'VALUE', { is_secret: true, value: null }), service, new Set(), plainL10n);
    assert.equal(secret.icon, 'lock');
    assert.equal(secret.description, 'secret · environment');
    assert.match(secret.contextValue, /^qovery\.variable\.inherited\.overridable\.aliasable\.secret$/);
    const overridden = presentVariable(v('2', 'LOG_LEVEL', 'PROJECT', 'VALUE', { value: 'info' }), service, new Set(['2']), plainL10n);
    assert.equal(overridden.description, 'info · project, overridden below');
    assert.equal(overridden.iconColor, 'disabledForeground');
    assert.doesNotMatch(overridden.contextValue, /overridable/);
    const own = presentVariable(v('4', 'PORT', 'APPLICATION', 'VALUE', { value: '3000' }), service, new Set(), plainL10n);
    assert.equal(own.contextValue, 'qovery.variable.own.editable.aliasable.plain');
    const builtIn = presentVariable(v('5', 'QOVERY_X', 'BUILT_IN', 'BUILT_IN'), service, new Set(), plainL10n);
    assert.equal(builtIn.contextValue, 'qovery.variable.inherited.plain');
  });

  it('filters by key, or by value for non-secrets only', () => {
    const plain = v('1', 'API_URL', 'PROJECT', 'VALUE', { value: 'https://api.example' });
    const secret = v('2', 'PASSWORD', 'PROJECT', 'VALUE', { value: null, is_secret: true });
    assert.ok(matchesFilter(plain, 'api_'));
    assert.ok(matchesFilter(plain, 'EXAMPLE'));
    assert.ok(matchesFilter(secret, 'pass'));
    assert.ok(!matchesFilter(secret, 'null'));
    assert.ok(matchesFilter(secret, '  '));
  });

  it('offers the levels of a service, its own first', () => {
    assert.deepEqual(
      levelsOf(service).map((l) => [l.level, l.scope, l.parentId]),
      [
        ['service', 'APPLICATION', 's1'],
        ['environment', 'ENVIRONMENT', 'e'],
        ['project', 'PROJECT', 'p'],
      ],
    );
    assert.deepEqual(
      levelsOf(environment).map((l) => l.level),
      ['environment', 'project'],
    );
  });
});

describe('variables: the import preview', () => {
  it('creates, changes, skips unchanged values and replaces secrets; marks secrets', () => {
    const visible = [
      v('1', 'SAME', 'APPLICATION', 'VALUE', { value: 'same' }),
      v('2', 'CHANGED', 'APPLICATION', 'VALUE', { value: 'old' }),
      v('3', 'SECRET_HERE', 'APPLICATION', 'VALUE', { value: null, is_secret: true }),
      v('4', 'FROM_PROJECT', 'PROJECT', 'VALUE', { value: 'p', is_secret: true }),
    ];
    const entries = ['SAME=same', 'CHANGED=new', 'SECRET_HERE=s', 'FROM_PROJECT=x', 'NEW=1', 'API_TOKEN=t'].map((line, i) => {
      const [key, value] = line.split('=');
      return { key, value, line: i + 1 };
    });
    const plan = importPlan(entries, visible, (x) => x.scope === 'APPLICATION');
    assert.deepEqual(
      plan.map((p) => [p.key, p.action, p.secret, p.existingId, p.hides]),
      [
        ['SAME', 'unchanged', false, '1', undefined],
        ['CHANGED', 'update', false, '2', undefined],
        ['SECRET_HERE', 'replaceSecret', true, '3', undefined],
        ['FROM_PROJECT', 'create', true, undefined, 'PROJECT'],
        ['NEW', 'create', false, undefined, undefined],
        ['API_TOKEN', 'create', true, undefined, undefined],
      ],
    );
  });
});
