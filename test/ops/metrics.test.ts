import { afterEach, describe, expect, it } from 'vitest';
import { startDeliveringMailroom } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { eventually, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/** The value of one sample line of a Prometheus exposition, e.g. `name{a="b"}`; undefined when absent. */
function sample(text: string, selector: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${selector} `));
  return line === undefined ? undefined : Number(line.slice(selector.length + 1));
}

describe.each(engineKinds)('/metrics on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  it('counts what was accepted, sent, bounced and skipped, by project and source, after real sends', async () => {
    sink = await startSmtpSink({ onRcpt: (address) => (address.startsWith('bounce') ? { code: 550, message: '5.1.1 no such user' } : undefined) });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_METRICS_TOKEN: 'scrape-me', MAILROOM_METRICS_CACHE_MS: '0' });
    const project = m.project.project_id;
    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    const send = (to: string) => m!.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to, subject: 'Hi', text: 'hi' } });
    expect((await send('ann@example.com')).statusCode).toBe(200);
    expect((await send('bob@example.com')).statusCode).toBe(200);
    expect((await send('bounce@example.com')).statusCode).toBe(200);

    const scrape = async () => {
      const res = await m!.request({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      return res.body;
    };
    const sel = (outcome: string) => `mailroom_messages_total{project="${project}",source="mail",outcome="${outcome}"}`;
    const text = await eventually(async () => {
      const t = await scrape();
      return sample(t, sel('sent')) === 2 && sample(t, sel('bounced')) === 1 ? t : undefined;
    });
    expect(sample(text, sel('accepted'))).toBe(3);
    expect(sample(text, 'mailroom_delivery_attempts_total{outcome="sent",reply_class="2xx"}')).toBe(2);
    expect(sample(text, 'mailroom_delivery_attempts_total{outcome="bounced",reply_class="5xx"}')).toBe(1);
    expect(sample(text, 'mailroom_queue_depth{status="queued"}')).toBe(0);
    expect(sample(text, 'mailroom_queue_oldest_due_age_seconds')).toBe(0);
    expect(sample(text, 'mailroom_send_latency_seconds_count')).toBe(2);
    expect(sample(text, 'mailroom_send_latency_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(sample(text, 'mailroom_send_latency_seconds_bucket{le="60"}')).toBe(2);
    expect(sample(text, 'mailroom_webhook_deliveries{status="pending"}')).toBe(0);
    expect(sample(text, 'mailroom_events_stored')).toBeGreaterThan(0);
    // The workers' pooled connection to the sink is open and counted.
    expect(sample(text, 'mailroom_smtp_connections_open')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'mailroom_http_request_duration_seconds_count{method="POST",route="/mail/send",status="200"}')).toBe(3);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);

    // A suppressed address is skipped, and counted so.
    expect((await send('bounce@example.com')).statusCode).toBe(200);
    await eventually(async () => (sample(await scrape(), sel('skipped')) === 1 ? true : undefined));
  });

  it('asks for its own token, never an API key, and counts a waiting queue', async () => {
    m = await startDeliveringMailroom(engine, { MAILROOM_WORKERS: '0', MAILROOM_METRICS_TOKEN: 'scrape-me', MAILROOM_METRICS_CACHE_MS: '0' });
    expect((await m.request({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const withKey = await m.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${m.project.secret_server_key}` } });
    expect(withKey.statusCode).toBe(401);
    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'hi' } });
    const text = (await m.request({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me' } })).body;
    expect(sample(text, 'mailroom_queue_depth{status="queued"}')).toBe(1);
    expect(sample(text, 'mailroom_queue_oldest_due_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'mailroom_smtp_connections_open')).toBe(0);
  });
});

describe('/metrics switches', () => {
  it('is off on the API port without MAILROOM_METRICS_TOKEN, saying how to turn it on', async () => {
    const m = await startDeliveringMailroom('sqlite', { MAILROOM_WORKERS: '0' });
    try {
      const res = await m.request({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('MAILROOM_METRICS_TOKEN');
    } finally {
      await m.close();
    }
  });

  it('serves a separate listener on MAILROOM_METRICS_PORT, and reuses one database snapshot within MAILROOM_METRICS_CACHE_MS', async () => {
    const m = await startDeliveringMailroom('sqlite', { MAILROOM_WORKERS: '0', MAILROOM_METRICS_PORT: '0', MAILROOM_METRICS_CACHE_MS: '600000' });
    try {
      const url = `http://127.0.0.1:${m.metricsServer!.port}/metrics`;
      const before = await (await fetch(url)).text();
      expect(sample(before, 'mailroom_queue_depth{status="queued"}')).toBe(0);
      const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
      await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'hi' } });
      // Cached: the database is not asked again within the window.
      expect(sample(await (await fetch(url)).text(), 'mailroom_queue_depth{status="queued"}')).toBe(0);
      expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await m.close();
    }
  });
});
