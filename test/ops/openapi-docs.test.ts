import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleRegistry } from '../../src/api/openapi/examples.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

type Media = { schema?: unknown; example?: unknown };
type Operation = { security?: Record<string, string[]>[]; requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> };

describe('/docs and /openapi.json', () => {
  let m: TestMailroom;
  let doc: { info: { description: string }; components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    // The webhook example names a placeholder host, which a server refuses until the name resolves (to a public
    // address); that check has tests of its own (test/security/egress.test.ts), so here every target is allowed.
    m = await startTestMailroom('sqlite', { env: { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    doc = (await m.request({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(() => m.close());

  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })));

  it('opens with an introduction and declares every family’s credentials', () => {
    expect(doc.info.description).toContain('Which API?');
    expect(doc.info.description).toContain('Authorize');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(
      ['bearerKey', 'endUserToken', 'rootKey', 'stackAdminAccessToken', 'stackProjectId', 'stackPublishableClientKey', 'stackSecretServerKey'].sort(),
    );
  });

  it('says on every operation which credentials it takes (only the signed unsubscribe link takes none)', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(50);
    for (const { name, op } of ops) {
      expect(op.security, name).toBeDefined();
      if (name.includes('/api/v1/emails/unsubscribe')) expect(op.security).toEqual([]);
      else expect(op.security!.length, name).toBeGreaterThan(0);
      for (const requirement of op.security!) for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes, name).toHaveProperty(scheme);
    }
    const find = (name: string) => ops.find((o) => o.name === name)!.op.security;
    expect(find('POST /mail/send')).toEqual([{ bearerKey: [] }]);
    expect(find('POST /api/v1/emails/send-email')).toContainEqual({ stackSecretServerKey: [], stackProjectId: [] });
    expect(find('POST /api/v1/email/verify')).toContainEqual({ endUserToken: [] });
    expect(find('POST /api/v1/admin/projects')).toEqual([{ rootKey: [] }]);
  });

  it('has a request example on every operation with a body and a response example on every response with content', () => {
    for (const { name, op } of operations()) {
      for (const media of Object.values(op.requestBody?.content ?? {})) expect(media.example, `${name} request`).toBeDefined();
      for (const [status, response] of Object.entries(op.responses)) {
        for (const media of Object.values(response.content ?? {})) expect(media.example, `${name} ${status}`).toBeDefined();
      }
    }
    const send = doc.paths['/mail/send']!.post!;
    expect(send.requestBody!.content['application/json']!.example).toEqual(exampleRegistry['POST /mail/send']!.request);
    // Generated examples use field-name values, not "string".
    const blocks = doc.paths['/api/v1/email/blocks/{blockUuid}']!.get!.responses['200']!.content!['application/json']!.example as Record<string, unknown>;
    expect(blocks.name).toBe('welcome');
  });

  it('has registered request examples that the API accepts as they are (so "Try it out" works)', async () => {
    const bearer = { authorization: `Bearer ${m.project.secret_server_key}` };
    const tried: string[] = [];
    for (const [name, example] of Object.entries(exampleRegistry)) {
      const [method, path] = name.split(' ') as ['POST' | 'PUT', string];
      if (example.request === undefined || path.includes('{') || path.startsWith('/api/v1/email/register') || path.startsWith('/api/v1/email/verify')) continue;
      const headers = path.startsWith('/api/v1/emails') || path.startsWith('/api/v1/webhooks') ? m.serverHeaders : bearer;
      let body = example.request;
      // send-email's example names a user id that exists only in the example.
      if (path === '/api/v1/emails/send-email') body = { ...(body as object), recipients: ['ann@example.com'] };
      const res = await m.request({ method, url: path, headers, body });
      expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(300);
      tried.push(name);
    }
    expect(tried.length).toBeGreaterThanOrEqual(8);
  });
});
