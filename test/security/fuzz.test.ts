import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzOperations } from '../../fuzz/openapi-fuzz.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/**
 * The bounded fuzz run of `npm test`; `npm run fuzz` runs the same with many
 * more samples per operation (FUZZ_RUNS) and a random seed (FUZZ_SEED).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 3);
const seed = Number(process.env.FUZZ_SEED ?? 11);
const marker = 'OTHER-PROJECT-MARKER-7f3a';

describe.each(engineKinds)('fuzzing the API from /openapi.json on %s', (engine) => {
  let m: TestMailroom;
  const knownIds: string[] = [];
  const foreignMarkers: string[] = [marker];
  beforeAll(async () => {
    m = await startTestMailroom(engine, { env: { MAILROOM_RATE_LIMIT_PER_ADDRESS: '0', MAILROOM_RATE_LIMIT_PER_KEY: '0', MAILROOM_ROOT_KEY: 'fuzz-root-key' } });
    // Another project with data of its own: none of it may ever reach the fuzzed project's answers.
    const other = await m.core.projects.createProject({ name: marker, settings: { defaultSender: `${marker.toLowerCase()}@example.com` } });
    const otherBearer = { authorization: `Bearer ${other.secret_server_key}` };
    const sent = await m.request({ method: 'POST', url: '/mail/send', headers: otherBearer, body: { from: 'a@example.com', to: 'b@example.com', subject: marker, html: `<p>${marker}</p>` } });
    const user = await m.request({ method: 'POST', url: '/api/v1/users', headers: { 'x-stack-secret-server-key': other.secret_server_key, 'x-stack-project-id': other.project_id }, body: { display_name: marker, primary_email: 'u@example.com' } });
    const hook = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: otherBearer, body: { url: `https://93.184.216.34/${marker}`, events: ['email.sent'], description: marker } });
    for (const res of [sent, user, hook]) expect(res.statusCode, res.body).toBeLessThan(300);
    const ids = [sent.json().id, user.json().id, hook.json().id, other.project_id].filter((id): id is string => typeof id === 'string');
    knownIds.push(...ids, m.project.project_id);
    foreignMarkers.push(...ids, other.secret_server_key);
  });
  afterAll(() => m.close());

  it('answers every generated request without a 5xx, with documented statuses and schemas, and only its own project data', { timeout: 600_000 }, async () => {
    const doc = (await m.request({ method: 'GET', url: '/openapi.json' })).json() as OpenAPIV3.Document;
    const { project } = m;
    const result = await fuzzOperations(
      {
        doc,
        send: async ({ method, url, headers, body }) => {
          const res = await m.app.inject({
            method: method as 'GET',
            url,
            headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
            ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
          });
          return { statusCode: res.statusCode, headers: res.headers, body: res.body };
        },
        validCredentials: [
          { authorization: `Bearer ${project.secret_server_key}` },
          { 'x-stack-secret-server-key': project.secret_server_key, 'x-stack-project-id': project.project_id },
          { 'x-stack-admin-access-token': project.admin_key, 'x-stack-project-id': project.project_id },
        ],
        invalidCredentials: [
          {},
          { authorization: 'Bearer mr_sk_not-a-real-key' },
          { 'x-stack-secret-server-key': project.secret_server_key, 'x-stack-project-id': knownIds[knownIds.length - 2]! },
          { authorization: 'Basic eDp5' },
        ],
        knownIds,
        foreignMarkers,
      },
      { runsPerOperation: runs, seed },
    );
    expect(result.operations).toBeGreaterThan(50);
    expect(result.findings, JSON.stringify(result.findings.slice(0, 30), null, 1)).toEqual([]);
    // Generated requests must also get through: some succeed, some are refused for credentials and for content.
    for (const status of [200, 400, 401]) expect(result.statuses[status], JSON.stringify(result.statuses)).toBeGreaterThan(0);
    if (process.env.FUZZ_RUNS) console.log(engine, result.requests, 'requests', JSON.stringify(result.statuses));
  });
});
