import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  chooseBlueprint,
  CLOCK_SKEW_MS,
  decideRecovery,
  deployBody,
  editBody,
  isValidPreviewName,
  nightlyRuleBody,
  nightlyStop,
  previewName,
  previewNameBase,
  PREVIEW_NAME_MAX,
  RESUME_WITHIN_MS,
  type EnvironmentCandidate,
  type PreviewJournal,
} from '../../../src/preview/model';

const SEED = Number(process.env.QOVERY_PROPERTY_SEED ?? 2808);

describe('preview: the name from a branch', () => {
  it('lower case, dashes for anything else, no dash at either end', () => {
    assert.equal(previewNameBase('feat/Login_Form'), 'feat-login-form');
    assert.equal(previewNameBase('--Fix//ÇA va!!--'), 'fix-ca-va');
    assert.equal(previewNameBase('dependabot/npm_and_yarn/lodash-4.17.21'), 'dependabot-npm-and-yarn-lodash-4-17-21');
    assert.equal(previewNameBase('///'), 'preview');
    assert.equal(previewNameBase('😀'), 'preview');
  });

  it('at most 63 characters, never ending on a dash after the cut', () => {
    const long = `${'a'.repeat(62)}/b`;
    assert.equal(previewNameBase(long), 'a'.repeat(62));
    assert.equal(previewNameBase('x'.repeat(200)).length, PREVIEW_NAME_MAX);
  });

  it('unique in the project: -2, -3... compared case-insensitively, still within 63 characters', () => {
    assert.equal(previewName('feat/login', ['production', 'staging']), 'feat-login');
    assert.equal(previewName('feat/login', ['Feat-Login']), 'feat-login-2');
    assert.equal(previewName('feat/login', ['feat-login', 'FEAT-LOGIN-2']), 'feat-login-3');
    const base = 'y'.repeat(63);
    const next = previewName(base, [base]);
    assert.equal(next, `${'y'.repeat(61)}-2`);
  });

  it(`property: any branch gives a valid name, unique among the taken ones (seed ${SEED})`, () => {
    console.log(`      property seed ${SEED}`);
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.array(fc.string({ maxLength: 70 }), { maxLength: 8 }), (branch, others) => {
        const base = previewNameBase(branch);
        const taken = [...others, base, `${base}-2`];
        const name = previewName(branch, taken);
        assert.ok(isValidPreviewName(name), JSON.stringify(name));
        assert.ok(!taken.map((t) => t.toLowerCase()).includes(name));
        assert.ok(isValidPreviewName(base));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('preview: the blueprint', () => {
  const env = (environmentName: string, mode: string, branches: string[], projectName = 'storefront'): EnvironmentCandidate => ({
    organizationId: 'o',
    projectId: 'p',
    projectName,
    environmentId: environmentName,
    environmentName,
    mode,
    branches,
  });

  it('the staging environment the default branch deploys to comes first and is preselected', () => {
    const choice = chooseBlueprint([env('production', 'PRODUCTION', ['main']), env('dev', 'DEVELOPMENT', ['main']), env('qa', 'STAGING', ['develop']), env('staging', 'STAGING', ['main'])], 'main');
    assert.deepEqual(choice.ordered.map((e) => e.environmentName), ['staging', 'qa', 'dev', 'production']);
    assert.equal(choice.preselected?.environmentName, 'staging');
  });

  it('production is listed last and never preselected, even alone', () => {
    const choice = chooseBlueprint([env('production', 'PRODUCTION', ['main'])], 'main');
    assert.deepEqual(choice.ordered.map((e) => e.environmentName), ['production']);
    assert.equal(choice.preselected, undefined);
  });

  it('previews are not blueprints', () => {
    const choice = chooseBlueprint([env('pr-1', 'PREVIEW', ['pr/1']), env('dev', 'DEVELOPMENT', ['x'])], 'main');
    assert.deepEqual(choice.ordered.map((e) => e.environmentName), ['dev']);
  });
});

const application = {
  id: 'a1',
  service_type: 'APPLICATION',
  name: 'web',
  description: 'front',
  git_repository: { has_access: true, provider: 'GITHUB', owner: 'acme', name: 'acme/web', url: 'https://github.com/acme/web.git', branch: 'main', root_path: '/', deployed_commit_id: 'abc' },
  build_mode: 'DOCKER',
  dockerfile_path: 'Dockerfile',
  cpu: 500,
  memory: 512,
  gpu: 0,
  min_running_instances: 1,
  max_running_instances: 2,
  healthchecks: {},
  auto_preview: false,
  auto_deploy: true,
  arguments: ['--port', '3000'],
  entrypoint: '/start',
  ports: [{ id: 'p', internal_port: 3000, publicly_accessible: true, protocol: 'HTTP' }],
  storage: [{ id: 's', type: 'FAST_SSD', size: 10, mount_point: '/data' }],
  maximum_cpu: 16000,
  created_at: 'x',
};

describe('preview: the edit bodies keep every field', () => {
  it('an application: every editable field sent back, the branch changed, nothing of the answer alone', () => {
    const plan = editBody(application, 'feat/login');
    assert.equal(plan.kind, 'edit');
    const body = plan.kind === 'edit' ? plan.body : {};
    for (const key of ['name', 'description', 'build_mode', 'dockerfile_path', 'cpu', 'memory', 'gpu', 'min_running_instances', 'max_running_instances', 'healthchecks', 'auto_preview', 'auto_deploy', 'arguments', 'entrypoint', 'ports', 'storage']) {
      assert.deepEqual(body[key], (application as Record<string, unknown>)[key], key);
    }
    assert.deepEqual(body.git_repository, { url: 'https://github.com/acme/web.git', owner: 'acme', name: 'acme/web', provider: 'GITHUB', root_path: '/', branch: 'feat/login' });
    assert.equal(body.maximum_cpu, undefined);
    assert.equal(body.id, undefined);
  });

  it('containers, databases, image jobs and charts from a repository are skipped', () => {
    assert.equal(editBody({ service_type: 'CONTAINER', image_name: 'x' }, 'b').kind, 'skip');
    assert.equal(editBody({ service_type: 'DATABASE' }, 'b').kind, 'skip');
    assert.equal(editBody({ service_type: 'JOB', source: { image: { image_name: 'x', tag: '1' } } }, 'b').kind, 'skip');
    assert.equal(editBody({ service_type: 'HELM', source: { repository: { chart_name: 'x' } } }, 'b').kind, 'skip');
  });

  it('terraform: the required description and auto deploy config are filled from the answer', () => {
    const plan = editBody(
      {
        service_type: 'TERRAFORM',
        name: 'cdn',
        auto_deploy: true,
        terraform_files_source: { git: { git_repository: { url: 'https://github.com/acme/infra.git', branch: 'main', root_path: '/cdn', name: 'acme/infra' } } },
        terraform_variables_source: { tf_var_file_paths: ['a.tfvars'], tf_vars: [{ key: 'k', value: 'v', secret: false }] },
        engine: 'TERRAFORM',
      },
      'feat/x',
    );
    assert.equal(plan.kind, 'edit');
    const body = plan.kind === 'edit' ? plan.body : {};
    assert.equal(body.description, '');
    assert.deepEqual(body.auto_deploy_config, { auto_deploy: true, terraform_action: 'DEFAULT' });
    assert.deepEqual(body.terraform_files_source, { git_repository: { url: 'https://github.com/acme/infra.git', root_path: '/cdn', branch: 'feat/x' } });
    assert.equal(body.engine, 'TERRAFORM');
  });
});

describe('preview: the deploy body', () => {
  it('the pointed services at the commit, the others at what they ran', () => {
    const body = deployBody(
      [
        { ...application, id: 'a1' },
        { ...application, id: 'a2', git_repository: { ...application.git_repository, deployed_commit_id: 'other' } },
        { id: 'c1', service_type: 'CONTAINER', tag: '2.1' },
        { id: 'd1', service_type: 'DATABASE' },
        { id: 'j1', service_type: 'JOB', source: { image: { tag: '1.0' } } },
        { id: 'h1', service_type: 'HELM', source: { repository: { chart_version: '3.1.0' } } },
      ],
      new Set(['a1']),
      'sha1',
    );
    assert.deepEqual(body, {
      applications: [{ application_id: 'a1', git_commit_id: 'sha1' }, { application_id: 'a2', git_commit_id: 'other' }],
      containers: [{ id: 'c1', image_tag: '2.1' }],
      databases: ['d1'],
      jobs: [{ id: 'j1', image_tag: '1.0' }],
      helms: [{ id: 'h1', chart_version: '3.1.0' }],
    });
  });
});

describe('preview: the saga resumes or rolls back', () => {
  const now = 1_000_000_000;
  const journal = (over: Partial<PreviewJournal>): PreviewJournal => ({
    key: 'k',
    connectionId: 'c',
    organizationId: 'o',
    projectId: 'p',
    blueprintId: 'b',
    blueprintName: 'staging',
    branch: 'feat/x',
    commitId: 'sha',
    pointNames: ['web'],
    name: 'feat-x',
    step: 'cloning',
    edited: [],
    startedAt: now - 1000,
    updatedAt: now - 1000,
    ...over,
  });

  it('a clone whose answer was lost is found by name and resumed from the edits', () => {
    assert.deepEqual(decideRecovery(journal({ step: 'cloning' }), { environmentId: 'e1', mode: 'PREVIEW', onBranch: false, createdAt: now - 500 }, now), { kind: 'resume', environmentId: 'e1', from: 'point' });
  });

  it('a clone never read, matched by name only: ours only when a PREVIEW made while the clone ran (created_at), else a conflict', () => {
    const j = journal({ step: 'cloning' });
    // Made before the journal (beyond the clock skew): another's environment.
    assert.deepEqual(decideRecovery(j, { environmentId: 'e1', mode: 'PREVIEW', onBranch: false, createdAt: j.startedAt - CLOCK_SKEW_MS - 1 }, now), { kind: 'conflict' });
    // Within the skew: ours.
    assert.deepEqual(decideRecovery(j, { environmentId: 'e1', mode: 'PREVIEW', onBranch: false, createdAt: j.startedAt - CLOCK_SKEW_MS }, now), { kind: 'resume', environmentId: 'e1', from: 'point' });
    // A teammate's preview of that name made hours later: not ours.
    assert.deepEqual(decideRecovery(j, { environmentId: 'e1', mode: 'PREVIEW', onBranch: false, createdAt: j.startedAt + 3_600_000 }, now + 3_600_000), { kind: 'conflict' });
    // No created_at, or no mode: never ours; and never rolled back (deleted) even when the journal is old.
    assert.deepEqual(decideRecovery(j, { environmentId: 'e1', mode: 'PREVIEW', onBranch: false }, now), { kind: 'conflict' });
    assert.deepEqual(decideRecovery(j, { environmentId: 'e1', onBranch: false, createdAt: now - 500 }, now), { kind: 'conflict' });
    assert.deepEqual(decideRecovery(j, { environmentId: 'e1', mode: 'PREVIEW', onBranch: false, createdAt: j.startedAt + 3_600_000 }, now + RESUME_WITHIN_MS * 2), { kind: 'conflict' });
  });

  it('no environment: the clone starts again', () => {
    assert.deepEqual(decideRecovery(journal({ step: 'cloning' }), undefined, now), { kind: 'restart' });
    assert.deepEqual(decideRecovery(journal({ step: 'pointing', environmentId: 'e1' }), undefined, now), { kind: 'restart' });
  });

  it('edited or deploying: resumed at the deploy', () => {
    assert.deepEqual(decideRecovery(journal({ step: 'pointed', environmentId: 'e1' }), { environmentId: 'e1', mode: 'PREVIEW', onBranch: true }, now), { kind: 'resume', environmentId: 'e1', from: 'deploy' });
    assert.deepEqual(decideRecovery(journal({ step: 'deploying', environmentId: 'e1' }), { environmentId: 'e1', mode: 'PREVIEW', onBranch: true }, now), { kind: 'resume', environmentId: 'e1', from: 'deploy' });
  });

  it('a creation left for more than a day is rolled back (deleted), never resumed', () => {
    assert.deepEqual(decideRecovery(journal({ step: 'pointing', environmentId: 'e1', updatedAt: now - RESUME_WITHIN_MS - 1 }), { environmentId: 'e1', mode: 'PREVIEW', onBranch: false }, now), { kind: 'rollback', environmentId: 'e1' });
  });

  it('an environment of that name that is not ours is never touched', () => {
    assert.deepEqual(decideRecovery(journal({ step: 'pointing', environmentId: 'e1' }), { environmentId: 'e2', mode: 'PREVIEW', onBranch: false }, now), { kind: 'conflict' });
    assert.deepEqual(decideRecovery(journal({ step: 'cloning' }), { environmentId: 'e2', mode: 'STAGING', onBranch: false }, now), { kind: 'conflict' });
    assert.deepEqual(decideRecovery(journal({ step: 'cloning', updatedAt: 0 }), { environmentId: 'e2', mode: 'PRODUCTION', onBranch: false }, now), { kind: 'conflict' });
  });
});

describe('preview: the nightly stop', () => {
  it('stops at 20:00 and starts at 08:00 on weekdays in the given time zone, keeping the rule flags', () => {
    const body = nightlyRuleBody({ on_demand_preview: true, auto_preview: false, auto_stop: false }, nightlyStop('Europe/Paris'));
    assert.deepEqual(body, {
      on_demand_preview: true,
      auto_preview: false,
      auto_stop: true,
      timezone: 'Europe/Paris',
      start_time: '1970-01-01T08:00:00.000Z',
      stop_time: '1970-01-01T20:00:00.000Z',
      weekdays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
    });
    assert.equal(nightlyStop('not a zone; rm -rf').timezone, 'UTC');
  });
});
