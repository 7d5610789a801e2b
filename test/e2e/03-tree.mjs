// The Organizations tree: what the rows say, compared with what the API holds for the same token.
import assert from 'node:assert/strict';
import { accountSeenBy } from './support/qovery.mjs';

const SIGNED_IN = 'the demo token signs in from "Try Another Token"';

export const steps = [
  {
    name: 'the tree lists the organization, its projects, environments and services',
    needs: [SIGNED_IN],
    async run({ wb, api, server, state, log }) {
      const account = await accountSeenBy(server, api.DEMO_ADMIN_TOKEN);
      state.account = account;
      const top = (await wb.treeRows()).filter((r) => r.level === 1);
      assert.deepEqual(top.map((r) => r.label), account.map((o) => o.name));
      assert.equal(top[0].icon, 'organization');

      const organization = account[0];
      const children = await wb.expand(organization.name, 1);
      // Other rows may follow the projects (such as the organization's API tokens).
      const projects = children.filter((r) => r.icon === 'project');
      assert.deepEqual(children.slice(0, projects.length), projects, 'the projects come first');
      assert.deepEqual(projects.map((r) => r.label), organization.projects.map((p) => p.name));
      for (const [i, project] of organization.projects.entries()) {
        const count = project.environments.length;
        assert.match(projects[i].description, new RegExp(`^${count} environments?$`), `description of project ${project.name}`);
      }

      // The project with the most environments, and in it the environment with the most services.
      const project = organization.projects.slice().sort((a, b) => b.environments.length - a.environments.length)[0];
      const environments = await wb.expand(project.name, 2);
      assert.deepEqual(environments.map((r) => r.label), project.environments.map((e) => e.name));
      const environment = project.environments.slice().sort((a, b) => b.services.length - a.services.length)[0];
      const envRow = environments.find((r) => r.label === environment.name);
      assert.match(envRow.description, new RegExp(`^${environment.mode.toLowerCase()} · `));

      const envChildren = await wb.expand(environment.name, 3);
      // The environment's own "Variables" row comes after its services.
      assert.equal(envChildren.at(-1)?.label, 'Variables');
      const services = envChildren.slice(0, -1);
      assert.deepEqual(services.map((r) => r.label), environment.services.map((s) => s.name));
      for (const [i, service] of environment.services.entries()) {
        const type = service.service_type.toLowerCase();
        assert.ok(services[i].description.startsWith(`${type} · `), `${service.name}: "${services[i].description}" starts with its type`);
        // A service opens on its "Variables" row; a database has none and is a leaf.
        assert.equal(services[i].expanded, type === 'database' ? undefined : false, `${service.name} is ${type === 'database' ? 'a leaf' : 'collapsed'}`);
      }
      log(`${organization.name} > ${project.name} (${environments.length} environments) > ${environment.name} (${services.length} services)`);
      state.expanded = { organization: organization.name, project: project.name, environment: environment.name };
    },
  },
  {
    name: 'an empty project says so instead of showing nothing',
    needs: ['the tree lists the organization, its projects, environments and services'],
    async run({ wb, state, skip }) {
      const empty = state.account[0].projects.find((p) => p.environments.length === 0);
      if (!empty) {
        skip('the demo account has no project without environments');
      }
      const children = await wb.expand(empty.name, 2);
      assert.deepEqual(children.map((r) => r.label), ['No environments']);
      assert.equal(children[0].icon, 'info');
    },
  },
  {
    name: 'screenshot of the explorer with the full tree',
    needs: ['the tree lists the organization, its projects, environments and services'],
    async run({ wb, page, screenshot }) {
      // A wider side bar, dragged as a user drags its edge, so the descriptions fit.
      const sidebar = page.locator('.part.sidebar');
      const box = await sidebar.boundingBox();
      const edgeX = box.x + box.width;
      const y = box.y + box.height / 2;
      await page.mouse.move(edgeX, y);
      await page.mouse.down();
      await page.mouse.move(edgeX + 160, y, { steps: 8 });
      await page.mouse.up();
      await wb.moveMouseAway();
      const wider = await sidebar.boundingBox();
      assert.ok(wider.width > box.width + 100, `the side bar is wider (${box.width} -> ${wider.width} px)`);
      await screenshot('explorer');
    },
  },
];
