import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { consoleUrl } from '../../../src/shared/consoleLinks';

describe('console links', () => {
  const o = 'org-1';
  const p = 'proj-2';
  const e = 'env-3';
  const s = 'svc-4';

  it('a service opens on the console\'s one service route, whatever its type (never /{type}/{id}/general)', () => {
    assert.equal(consoleUrl({ organizationId: o, projectId: p, environmentId: e, serviceId: s }), `https://console.qovery.com/organization/${o}/project/${p}/environment/${e}/service/${s}`);
  });

  it('organization, project and environment links', () => {
    assert.equal(consoleUrl({ organizationId: o }), `https://console.qovery.com/organization/${o}`);
    assert.equal(consoleUrl({ organizationId: o, projectId: p }), `https://console.qovery.com/organization/${o}/project/${p}`);
    assert.equal(consoleUrl({ organizationId: o, projectId: p, environmentId: e }), `https://console.qovery.com/organization/${o}/project/${p}/environment/${e}`);
  });

  it('an id cannot add path segments', () => {
    assert.equal(consoleUrl({ organizationId: '../x', projectId: 'a/b' }), 'https://console.qovery.com/organization/..%2Fx/project/a%2Fb');
  });

  it('src/ builds console links only through consoleUrl (one builder)', () => {
    const root = path.join(__dirname, '..', '..', '..', '..', 'src');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else if (entry.name.endsWith('.ts') && entry.name !== 'consoleLinks.ts') {
          const text = fs.readFileSync(full, 'utf8');
          if (/console\.qovery\.com|CONSOLE_URL|\/general[`'"]/.test(text)) {
            offenders.push(path.relative(root, full));
          }
        }
      }
    };
    walk(root);
    assert.deepEqual(offenders, []);
  });
});
