import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailroom, type Mailroom } from '../../src/compose.js';
import { createLogger } from '../../src/logger.js';
import { engineKinds } from '../support/engines.js';
import { clockAtWindowStart, startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/** POSTs `body` over a real socket; resolves with the status, the error body and how long the answer took. */
function post(port: number, path: string, body: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; json: Record<string, unknown>; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}'), ms: performance.now() - started }));
    });
    // The server may answer and close before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(body);
  });
}

/** ~8 MB of nested arrays: seconds of parsing and schema validation if the body were read first. */
const hostileBody = Buffer.from(JSON.stringify({ recipients: Array.from({ length: 250_000 }, (_, i) => [[`x${i}@example.com`]]), html: 'x' }));

describe.each(engineKinds)('authentication before the body on %s', (engine) => {
  let m: TestMailroom;
  afterEach(() => m.close());

  it('answers 401 to a large unauthenticated body without parsing it', async () => {
    m = await startTestMailroom(engine);
    await m.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (m.app.server.address() as { port: number }).port;
    const res = await post(port, '/api/v1/emails/send-email', hostileBody);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('CLIENT_OR_SERVER_OR_ADMIN_AUTHENTICATION_REQUIRED');
    const wrongKey = await post(port, '/mail/send', hostileBody, { authorization: 'Bearer mr_sk_not-a-key' });
    expect(wrongKey.status).toBe(401);
    // A schema answer (400) would mean the body had been parsed and validated first.
    expect(wrongKey.json.code).toBe('INVALID_API_KEY');
    // The event loop stays free: a probe answers quickly while hostile bodies are refused.
    const started = performance.now();
    const probes = await Promise.all([post(port, '/api/v1/emails/send-email', hostileBody), m.app.inject({ method: 'GET', url: '/healthz' })]);
    expect(probes[1].statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('limits requests per key with 429 and Retry-After, in the family error shape', async () => {
    m = await startTestMailroom(engine, { env: { MAILROOM_RATE_LIMIT_PER_KEY: '3' } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await m.request({ method: 'GET', url: '/api/v1/projects/current', headers: m.serverHeaders })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await m.request({ method: 'GET', url: '/mail/emails', headers: { authorization: `Bearer ${m.project.secret_server_key}` } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json()).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) });
    // Another key of another project has its own budget.
    const other = await m.core.projects.createProject({ name: 'other' });
    expect((await m.request({ method: 'GET', url: '/mail/emails', headers: { authorization: `Bearer ${other.secret_server_key}` } })).statusCode).toBe(200);
  });

  it("follows a project's requestsPerMinute over the default", async () => {
    m = await startTestMailroom(engine, { clock: clockAtWindowStart() });
    await m.core.projects.updateProject(m.project.project_id, { settings: { defaultSender: 'app@example.com', requestsPerMinute: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await m.request({ method: 'GET', url: '/api/v1/projects/current', headers: m.serverHeaders })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('limits requests per client address, authenticated or not', async () => {
    m = await startTestMailroom(engine, { env: { MAILROOM_RATE_LIMIT_PER_ADDRESS: '2' }, clock: clockAtWindowStart() });
    const a = await m.request({ method: 'GET', url: '/api/v1/projects/current' });
    const b = await m.request({ method: 'GET', url: '/api/v1/projects/current', headers: m.serverHeaders });
    const c = await m.request({ method: 'GET', url: '/api/v1/projects/current', headers: m.serverHeaders });
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([401, 200, 429]);
    expect(c.headers['retry-after']).toBeDefined();
    // Probes are never limited.
    expect((await m.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('shares the counters between processes on one database', async () => {
    const clock = clockAtWindowStart();
    m = await startTestMailroom(engine, { env: { MAILROOM_RATE_LIMIT_PER_KEY: '4' }, clock });
    const second: Mailroom = await createMailroom(m.config, { logger: createLogger('silent'), clock });
    try {
      const statuses: number[] = [];
      for (const app of [m.app, second.app, m.app, second.app, m.app]) {
        statuses.push((await app.inject({ method: 'GET', url: '/api/v1/projects/current', headers: m.serverHeaders })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await second.close();
    }
  });
});
