import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMailroom, type Mailroom } from '../../src/compose.js';
import type { CreatedProject } from '../../src/core/projects/projects.js';
import { unsubscribeUrl } from '../../src/core/suppressions/unsubscribe-link.js';
import { createLogger, redactUrl } from '../../src/logger.js';
import { freshDatabaseUrl } from '../support/engines.js';
import { closeClient, openReadyClient } from '../events/support.js';

describe('request logs', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  let m: Mailroom;
  let project: CreatedProject;
  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: freshDatabaseUrl('sqlite'), MAILROOM_WORKERS: '0', LOG_LEVEL: 'info' });
    m = await createMailroom(config, { logger: createLogger('info', sink) });
    project = await m.core.projects.createProject({ name: 'logged' });
  });
  afterAll(() => m.close());

  const loggedUrls = () => lines.map((l) => JSON.parse(l) as { req?: { url?: string } }).flatMap((l) => (l.req?.url ? [l.req.url] : []));

  it('never contain the key of a WebSocket opened with ?api_key=', async () => {
    await m.app.listen({ port: 0, host: '127.0.0.1' });
    const address = m.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const key = project.secret_server_key;
    const client = await openReadyClient(`ws://127.0.0.1:${address.port}/api/v1/events?api_key=${encodeURIComponent(key)}&project_id=${project.project_id}`);
    await closeClient(client);
    const all = lines.join('\n');
    expect(all).not.toContain(key);
    expect(loggedUrls()).toContain(`/api/v1/events?api_key=[redacted]&project_id=${project.project_id}`);
  });

  it('never contain the signature of an unsubscribe link', async () => {
    const stored = await m.core.projects.getProject(project.project_id);
    const link = new URL(unsubscribeUrl('http://localhost', stored.signingSecret, project.project_id, 'reader@example.com'));
    const sig = link.searchParams.get('sig')!;
    const res = await m.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
    expect(res.statusCode).toBe(200);
    expect(lines.join('\n')).not.toContain(sig);
    expect(loggedUrls().some((u) => u.startsWith('/api/v1/emails/unsubscribe?') && u.includes('sig=[redacted]'))).toBe(true);
  });

  it('masks only credential parameters', () => {
    expect(redactUrl('/a?x=1&api_key=k&Token=t&sig=s&api%5Fkey=k2&email=a%40b.c')).toBe('/a?x=1&api_key=[redacted]&Token=[redacted]&sig=[redacted]&api%5Fkey=[redacted]&email=a%40b.c');
    expect(redactUrl('/a')).toBe('/a');
  });
});
