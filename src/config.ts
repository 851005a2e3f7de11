import { availableParallelism } from 'node:os';
/**
 * The environment, parsed and validated once into a frozen object.
 * Every other module receives the values it needs; nothing else reads process.env.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Unset (or SMTP_URL=capture): deliver into the built-in capture inbox. */
  readonly smtpUrl: string | undefined;
  /** SMTP_URL=capture: capture chosen on purpose (allowed with NODE_ENV=production). */
  readonly captureChosen: boolean;
  /** NODE_ENV=production: mistakes that are fine on a laptop (no relay) stop the start. */
  readonly production: boolean;
  /** MAILROOM_METRICS_TOKEN: Bearer credential for /metrics on the API port; unset: /metrics is off there. */
  readonly metricsToken: string | undefined;
  /** MAILROOM_METRICS_PORT / _HOST: a separate /metrics listener (no credential), also in `mailroom worker`. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /** How long database-backed metrics are reused between scrapes. */
  readonly metricsCacheMs: number;
  readonly workers: number;
  readonly smtpIngestPort: number | undefined;
  /** Operator credential for project administration over HTTP; unset disables it. */
  readonly rootKey: string | undefined;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  /** Requests per second per API key on the Resend-compatible `/emails` paths; 0 = no limit. */
  readonly resendRateLimit: number;
  readonly logLevel: string;
  /** Public base URL used in links placed in emails (unsubscribe). */
  readonly publicUrl: string;
  /** How long events are kept for WebSocket clients to resume from. */
  readonly eventsRetentionMs: number;
  /** Retention (core/retention/prune.ts): bodies of finished messages, then the messages and history, inbox size. */
  readonly retention: { bodiesMs: number; historyMs: number; inboxKeep: number; intervalMs: number };
  /** SQLite: how often the event log is read for events other processes committed. */
  readonly eventsPollMs: number;
  /** WebSocket ping interval; a connection that missed the previous pong is dropped. */
  readonly eventsPingMs: number;
  /** Bytes a WebSocket connection may have waiting to be sent before it is dropped as too slow. */
  readonly eventsMaxBufferedBytes: number;
  /** Delays before each webhook retry, in ms. */
  readonly webhookRetrySchedule: readonly number[];
  readonly webhookTimeoutMs: number;
  /** Requests in flight per webhook endpoint (across processes). */
  readonly webhookConcurrency: number;
  readonly webhookPollMs: number;
  /** all | loopback | none: which non-public networks webhook requests may reach. */
  readonly webhookAllowPrivate: 'all' | 'loopback' | 'none';
  /** Delivery worker tuning (see README, Delivery). */
  readonly delivery: DeliveryConfig;
  /** Worker threads that render templates (each project uses at most half of them at once). */
  readonly renderThreads: number;
  /** HTTP request limits per client address and per API key (0 disables one); shared through the database. */
  readonly requestLimits: { readonly windowMs: number; readonly perAddress: number; readonly perKey: number };
  /** Bounded waits on the database (see README, Running in production). */
  readonly database: DatabaseTimeouts;
}

export interface DatabaseTimeouts {
  /** PostgreSQL: longest wait for a pooled connection (opening one included). */
  readonly connectTimeoutMs: number;
  /** PostgreSQL: longest a statement may run (server `statement_timeout`, and the client gives up then too). */
  readonly queryTimeoutMs: number;
  /** PostgreSQL: longest wait for a row or table lock (`lock_timeout`). */
  readonly lockTimeoutMs: number;
  /** SQLite: longest wait for another process's write lock (`busy_timeout`). */
  readonly busyTimeoutMs: number;
}

export interface DeliveryConfig {
  /** Worker threads building MIME and DKIM; 0 builds on the event loop (measured faster on a saturated 2-core machine). */
  readonly mimeThreads: number;
  /** How long a claimed message stays leased to its worker; a dead worker's rows are recovered after it. */
  readonly leaseMs: number;
  /** Longest idle sleep between claims when no wake-up arrives. */
  readonly pollMs: number;
  /** Messages claimed per statement. */
  readonly batchSize: number;
  /** SMTP attempts before a message ends in server-error. */
  readonly maxAttempts: number;
  /** First retry delay; later ones grow exponentially (with jitter). */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Connections per SMTP transport (pool size) in one process. */
  readonly smtpMaxConnections: number;
  /** Connections to one relay across ALL processes (database-leased slots); undefined: no shared cap. */
  readonly smtpConnectionCap: number | undefined;
  /** Connection, greeting and socket timeouts for SMTP. */
  readonly smtpTimeoutMs: number;
  /** On SIGTERM, how long to wait for SMTP replies in flight before recording them `interrupted`. */
  readonly shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function optionalInteger(env: Env, name: string, min: number, max: number): number | undefined {
  return env[name] ? integer(env, name, 0, min, max) : undefined;
}

function databaseUrl(env: Env): string {
  const url = env.DATABASE_URL || 'sqlite:./data/mailroom.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) {
    throw new ConfigError(`DATABASE_URL must be sqlite:<path> (e.g. sqlite:./data/mailroom.db) or postgres://user:pass@host:5432/db, got "${url.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  return url;
}

function smtpUrl(env: Env): string | undefined {
  const url = env.SMTP_URL || undefined;
  if (url === undefined || url === 'capture') return undefined;
  if (!/^smtps?:\/\//.test(url)) {
    throw new ConfigError('SMTP_URL must be smtp://user:pass@host:port, smtps://user:pass@host:port, or "capture" (store mail in the capture inbox)');
  }
  try {
    new URL(url);
  } catch {
    throw new ConfigError('SMTP_URL is not a valid URL; expected smtp://user:pass@host:port or smtps://… (percent-encode special characters in the password)');
  }
  return url;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env): string {
  const level = env.LOG_LEVEL || 'info';
  if (!logLevels.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got "${level}"`);
  return level;
}

function hostName(env: Env): string {
  const host = env.HOST || '127.0.0.1';
  // An address or a name to bind: no scheme, port or path (those belong in PORT and MAILROOM_PUBLIC_URL).
  if (!/^[A-Za-z0-9.\-:]+$/.test(host) || host.includes('://')) {
    throw new ConfigError(`HOST must be an address or host name to listen on, e.g. 127.0.0.1, 0.0.0.0 or ::, got "${host}"`);
  }
  return host;
}

function publicUrl(env: Env, host: string, port: number): string {
  const fallback = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const raw = env.MAILROOM_PUBLIC_URL || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`MAILROOM_PUBLIC_URL must be an absolute http(s) URL such as https://mail.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`MAILROOM_PUBLIC_URL must be an absolute http(s) URL such as https://mail.example.com, got "${raw}"`);
  }
  return raw.replace(/\/$/, '');
}

/** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h. */
const defaultRetrySchedule = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];

function retrySchedule(env: Env): number[] {
  const raw = env.MAILROOM_WEBHOOK_RETRY_SCHEDULE;
  if (raw === undefined || raw.trim() === '') return defaultRetrySchedule;
  const delays = raw.split(',').map((part) => Number(part.trim()));
  if (delays.length > 20 || delays.some((d) => !Number.isInteger(d) || d < 0 || d > 7 * 24 * 3600_000)) {
    throw new ConfigError(`MAILROOM_WEBHOOK_RETRY_SCHEDULE must be comma-separated delays in ms (at most 20), got "${raw}"`);
  }
  return delays;
}

function allowPrivate(env: Env): 'all' | 'loopback' | 'none' {
  const raw = (env.MAILROOM_WEBHOOKS_ALLOW_PRIVATE || 'none').toLowerCase();
  if (raw === 'true' || raw === 'all') return 'all';
  if (raw === 'false' || raw === 'none') return 'none';
  if (raw === 'loopback') return 'loopback';
  throw new ConfigError(`MAILROOM_WEBHOOKS_ALLOW_PRIVATE must be true, loopback or false, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = hostName(env);
  return Object.freeze({
    port,
    host,
    databaseUrl: databaseUrl(env),
    smtpUrl: smtpUrl(env),
    captureChosen: env.SMTP_URL === 'capture',
    production: env.NODE_ENV === 'production',
    metricsToken: env.MAILROOM_METRICS_TOKEN || undefined,
    metricsPort: optionalInteger(env, 'MAILROOM_METRICS_PORT', 0, 65535),
    metricsHost: env.MAILROOM_METRICS_HOST || host,
    metricsCacheMs: integer(env, 'MAILROOM_METRICS_CACHE_MS', 10_000, 0, 3600_000),
    workers: integer(env, 'MAILROOM_WORKERS', 1, 0, 64),
    smtpIngestPort: optionalInteger(env, 'SMTP_INGEST_PORT', 0, 65535),
    rootKey: env.MAILROOM_ROOT_KEY || undefined,
    bodyLimit: integer(env, 'MAILROOM_BODY_LIMIT', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    resendRateLimit: integer(env, 'MAILROOM_RESEND_RATE_LIMIT', 50, 0, 1_000_000),
    logLevel: logLevel(env),
    publicUrl: publicUrl(env, host, port),
    eventsRetentionMs: integer(env, 'MAILROOM_EVENTS_RETENTION_HOURS', 24, 1, 24 * 90) * 3600_000,
    retention: {
      bodiesMs: integer(env, 'MAILROOM_RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
      historyMs: integer(env, 'MAILROOM_HISTORY_RETENTION_DAYS', 90, 1, 3650) * 86_400_000,
      inboxKeep: integer(env, 'MAILROOM_INBOX_KEEP', 1000, 1, 10_000_000),
      intervalMs: integer(env, 'MAILROOM_PRUNE_INTERVAL_S', 600, 0, 86_400) * 1000,
    },
    eventsPollMs: integer(env, 'MAILROOM_EVENTS_POLL_MS', 250, 10, 60_000),
    eventsPingMs: integer(env, 'MAILROOM_EVENTS_PING_MS', 30_000, 100, 3600_000),
    eventsMaxBufferedBytes: integer(env, 'MAILROOM_EVENTS_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    webhookRetrySchedule: Object.freeze(retrySchedule(env)),
    webhookTimeoutMs: integer(env, 'MAILROOM_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookConcurrency: integer(env, 'MAILROOM_WEBHOOK_CONCURRENCY', 4, 1, 100),
    webhookPollMs: integer(env, 'MAILROOM_WEBHOOK_POLL_MS', 1_000, 10, 60_000),
    webhookAllowPrivate: allowPrivate(env),
    renderThreads: integer(env, 'MAILROOM_RENDER_THREADS', Math.max(2, Math.min(8, availableParallelism())), 1, 64),
    requestLimits: Object.freeze({
      windowMs: integer(env, 'MAILROOM_RATE_LIMIT_WINDOW_MS', 60_000, 100, 3600_000),
      perAddress: integer(env, 'MAILROOM_RATE_LIMIT_PER_ADDRESS', 6000, 0, 100_000_000),
      perKey: integer(env, 'MAILROOM_RATE_LIMIT_PER_KEY', 3000, 0, 100_000_000),
    }),
    delivery: Object.freeze({
      leaseMs: integer(env, 'MAILROOM_LEASE_MS', 120_000, 100, 86_400_000),
      pollMs: integer(env, 'MAILROOM_POLL_MS', 1000, 10, 600_000),
      batchSize: integer(env, 'MAILROOM_BATCH_SIZE', 100, 1, 1000),
      maxAttempts: integer(env, 'MAILROOM_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseMs: integer(env, 'MAILROOM_RETRY_BASE_MS', 60_000, 1, 86_400_000),
      retryMaxMs: integer(env, 'MAILROOM_RETRY_MAX_MS', 12 * 3_600_000, 1, 7 * 86_400_000),
      smtpMaxConnections: integer(env, 'MAILROOM_SMTP_MAX_CONNECTIONS', 5, 1, 100),
      smtpConnectionCap: optionalInteger(env, 'MAILROOM_SMTP_CONNECTION_CAP', 1, 1000),
      smtpTimeoutMs: integer(env, 'MAILROOM_SMTP_TIMEOUT_MS', 30_000, 100, 600_000),
      shutdownTimeoutMs: integer(env, 'MAILROOM_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000),
      mimeThreads: integer(env, 'MAILROOM_MIME_THREADS', 0, 0, 64),
    }),
    // Together these keep a request's wait on a down or frozen database under 5 s (then 503).
    database: Object.freeze({
      connectTimeoutMs: integer(env, 'MAILROOM_DB_CONNECT_TIMEOUT_MS', 2_000, 100, 600_000),
      queryTimeoutMs: integer(env, 'MAILROOM_DB_STATEMENT_TIMEOUT_MS', 3_000, 100, 3_600_000),
      lockTimeoutMs: integer(env, 'MAILROOM_DB_LOCK_TIMEOUT_MS', 3_000, 10, 3_600_000),
      busyTimeoutMs: integer(env, 'MAILROOM_SQLITE_BUSY_TIMEOUT_MS', 3_000, 10, 3_600_000),
    }),
  });
}

/** Where mail goes, said out loud by the start banner and /readyz (never with credentials). */
export function describeTransport(config: Pick<Config, 'smtpUrl' | 'captureChosen'>): string {
  if (!config.smtpUrl) return `capture (mail is stored in the capture inbox, not delivered${config.captureChosen ? '' : '; set SMTP_URL to deliver'})`;
  const url = new URL(config.smtpUrl);
  return `smtp relay ${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
}

/**
 * In production, a missing relay is a mistake that looks healthy (everything is "sent"
 * into the capture inbox), so the processes that deliver refuse to start unless
 * capture was chosen on purpose.
 */
export function assertDeliveryConfigured(config: Pick<Config, 'smtpUrl' | 'captureChosen' | 'production'>): void {
  if (config.production && !config.smtpUrl && !config.captureChosen) {
    throw new ConfigError(
      'NODE_ENV=production but SMTP_URL is not set, so no mail would be delivered (it would only be captured). Set SMTP_URL=smtp://user:pass@host:port, or SMTP_URL=capture to capture on purpose.',
    );
  }
}
