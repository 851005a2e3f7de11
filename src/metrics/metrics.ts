/**
 * Prometheus metrics (prom-client). Two kinds, said in each metric's help:
 * - this process: HTTP request durations, SMTP connections it holds open, Node's
 *   event-loop lag and other default process metrics;
 * - the whole installation: counts read from the database (the outbox, attempts,
 *   webhook deliveries, events, leased connection slots). They are the same on
 *   every process, read with a few grouped queries at most once per `cacheMs`
 *   however often and by however many scrapers /metrics is read.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricValueWithName } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { MetricsReader, MetricsSnapshot } from '../core/metrics/types.js';
import { outcomeOfStatus, queueStatuses, replyClass } from './classify.js';

export interface MetricsDeps {
  reader: MetricsReader;
  clock: Clock;
  /** How long one database snapshot is reused. */
  cacheMs: number;
  /** Open SMTP connections of this process's workers (none in an API-only process). */
  smtpConnectionsOpen?: () => number;
}

/** Accepted -> sent latency buckets, in seconds. */
export const latencyBucketsSeconds = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400] as const;

export function createMetrics(deps: MetricsDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  let cached: { at: number; value: Promise<MetricsSnapshot> } | undefined;
  const snapshot = (): Promise<MetricsSnapshot> => {
    const now = deps.clock.now();
    if (!cached || now - cached.at >= deps.cacheMs) {
      const value = deps.reader.read(now, latencyBucketsSeconds.map((s) => s * 1000));
      // A failed read is not cached: the next scrape asks again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
      cached = { at: now, value };
    }
    return cached.value;
  };

  const httpDuration = new Histogram({
    name: 'mailroom_http_request_duration_seconds',
    help: 'HTTP requests served by this process, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: 'mailroom_smtp_connections_open',
    help: 'SMTP connections to relays held open by the delivery workers of this process.',
    registers: [registry],
    collect() {
      this.set(deps.smtpConnectionsOpen?.() ?? 0);
    },
  });

  new Counter({
    name: 'mailroom_messages_total',
    help: 'Messages in the outbox (installation-wide, from the database) by project, source and outcome: accepted (every message), sent, bounced, failed (render-error, server-error), skipped.',
    labelNames: ['project', 'source', 'outcome'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const row of snap.outbox) {
        const labels = { project: row.projectId, source: row.source };
        this.inc({ ...labels, outcome: 'accepted' }, row.count);
        const outcome = outcomeOfStatus(row.status);
        if (outcome) this.inc({ ...labels, outcome }, row.count);
      }
    },
  });

  new Gauge({
    name: 'mailroom_queue_depth',
    help: 'Messages not yet finished (installation-wide), by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const status of queueStatuses) this.set({ status }, 0);
      for (const row of snap.outbox) if ((queueStatuses as readonly string[]).includes(row.status)) this.inc({ status: row.status }, row.count);
    },
  });

  new Gauge({
    name: 'mailroom_queue_oldest_due_age_seconds',
    help: 'How long the oldest message that is due has been waiting for a worker (0 when none is waiting).',
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.set(snap.oldestDueAt === null ? 0 : Math.max(0, (deps.clock.now() - snap.oldestDueAt) / 1000));
    },
  });

  new Counter({
    name: 'mailroom_delivery_attempts_total',
    help: 'SMTP delivery attempts (installation-wide) by outcome (sent, deferred, bounced, failed, interrupted) and reply class (2xx, 4xx, 5xx, none).',
    labelNames: ['outcome', 'reply_class'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const row of snap.attempts) this.inc({ outcome: row.outcome, reply_class: replyClass(row.smtpCode) }, row.count);
    },
  });

  new Gauge({
    name: 'mailroom_smtp_slots_leased',
    help: 'Connection slots leased per relay across all processes (MAILROOM_SMTP_CONNECTION_CAP).',
    labelNames: ['relay'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const row of snap.slots) this.set({ relay: row.relay }, row.count);
    },
  });

  new Gauge({
    name: 'mailroom_webhook_deliveries',
    help: 'Webhook deliveries in the log (installation-wide) by status: pending, succeeded, failed.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const status of ['pending', 'succeeded', 'failed']) this.set({ status }, 0);
      for (const row of snap.webhookDeliveries) this.set({ status: row.status }, row.count);
    },
  });

  new Gauge({
    name: 'mailroom_events_stored',
    help: 'Events kept for WebSocket resume and webhooks (MAILROOM_EVENTS_RETENTION_HOURS).',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).events.count);
    },
  });

  new Gauge({
    name: 'mailroom_events_oldest_age_seconds',
    help: 'Age of the oldest stored event (0 when none).',
    registers: [registry],
    async collect() {
      const { oldestAt } = (await snapshot()).events;
      this.set(oldestAt === null ? 0 : Math.max(0, (deps.clock.now() - oldestAt) / 1000));
    },
  });

  // A histogram prom-client cannot fill by observing: the buckets are counted by the database.
  const latencyName = 'mailroom_send_latency_seconds';
  const latencyHelp = 'Time from acceptance (or the scheduled time) to the relay accepting the message, over every sent message (installation-wide).';
  registry.registerMetric({
    name: latencyName,
    help: latencyHelp,
    type: 'histogram',
    async get() {
      const { latency } = await snapshot();
      const values: MetricValueWithName<string>[] = latency.bounds.map((_, i) => ({
        metricName: `${latencyName}_bucket`,
        labels: { le: latencyBucketsSeconds[i]! },
        value: latency.counts[i] ?? 0,
      }));
      values.push({ metricName: `${latencyName}_bucket`, labels: { le: '+Inf' }, value: latency.total });
      values.push({ metricName: `${latencyName}_sum`, labels: {}, value: latency.sumMs / 1000 });
      values.push({ metricName: `${latencyName}_count`, labels: {}, value: latency.total });
      return { name: latencyName, help: latencyHelp, type: 'histogram', values, aggregator: 'max' };
    },
    reset() {},
  } as never);

  return {
    contentType: registry.contentType,
    /** The exposition text. */
    render: () => registry.metrics(),
    /** Called once per answered HTTP request. */
    observeRequest(method: string, route: string, status: number, seconds: number): void {
      httpDuration.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
