import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

describe.each(engineKinds)('the API contract on %s', (engine) => {
  let m: TestMailroom;
  let bearer: Record<string, string>;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
    bearer = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterAll(() => m.close());

  const send = (body: unknown) => m.request({ method: 'POST', url: '/mail/send', headers: bearer, body });

  it('does not coerce body types: a wrong type is a 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ subject: ['x'] }, 'body.subject'],
      [{ headers: false }, 'body.headers'],
      [{ subject: 5 }, 'body.subject'],
      [{ cc: 5 }, 'body.cc'],
      [{ headers: { 'X-A': 1 } }, 'body.headers.X-A'],
    ];
    for (const [patch, field] of cases) {
      const res = await send({ from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', ...patch });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.json().message, JSON.stringify(patch)).toMatch(new RegExp(`^${field.replace('.', '\\.')}`));
    }
    // Querystrings are text: numbers in them are still parsed.
    expect((await m.request({ method: 'GET', url: '/mail/emails?limit=5', headers: bearer })).statusCode).toBe(200);
  });

  it('answers invalid UTF-8 in a JSON body with 400 INVALID_JSON', async () => {
    const payload = Buffer.concat([Buffer.from('{"from":"a@example.com","to":"b@example.com","subject":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","html":"h"}')]);
    const res = await m.app.inject({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_JSON' });
    const stack = await m.app.inject({ method: 'POST', url: '/api/v1/emails/send-email', headers: { ...m.serverHeaders, 'content-type': 'application/json; charset=utf-8' }, payload });
    expect(stack.statusCode).toBe(400);
    // The Stack family speaks Stack's own known-error code for a body that does not parse.
    expect(stack.headers['x-stack-known-error']).toBe('BODY_PARSING_ERROR');
  });

  it('publishes an OpenAPI document that validates and lists the error statuses of every operation', async () => {
    const doc = (await m.request({ method: 'GET', url: '/openapi.json' })).json() as OpenAPIV3.Document;
    await SwaggerParser.validate(structuredClone(doc) as never);
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const op = item?.[method];
        if (!op) continue;
        const expected = ['429', '500', '503', ...(op.security || path.startsWith('/api/') || path.startsWith('/mail') ? ['401', '403'] : []), ...(op.requestBody ? ['400', '413', '415'] : [])];
        for (const status of expected) if (!op.responses[status]) missing.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    expect(missing.filter((entry) => !entry.includes('/unsubscribe'))).toEqual([]);
  });
});
