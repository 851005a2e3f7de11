/**
 * The environment, parsed and validated once into a frozen object.
 * Every other module receives the values it needs; nothing else reads process.env.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Unset: deliver into the built-in capture inbox. */
  readonly smtpUrl: string | undefined;
  readonly workers: number;
  readonly smtpIngestPort: number | undefined;
  /** Operator credential for project administration over HTTP; unset disables it. */
  readonly rootKey: string | undefined;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  readonly logLevel: string;
  /** Public base URL used in links placed in emails (unsubscribe). */
  readonly publicUrl: string;
  /** Delivery worker tuning (see README, Delivery). */
  readonly delivery: DeliveryConfig;
}

export interface DeliveryConfig {
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
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
  }
  return url;
}

function smtpUrl(env: Env): string | undefined {
  const url = env.SMTP_URL || undefined;
  if (url && !/^smtps?:\/\//.test(url)) {
    throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://`);
  }
  return url;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  return Object.freeze({
    port,
    host,
    databaseUrl: databaseUrl(env),
    smtpUrl: smtpUrl(env),
    workers: integer(env, 'MAILROOM_WORKERS', 1, 0, 64),
    smtpIngestPort: optionalInteger(env, 'SMTP_INGEST_PORT', 0, 65535),
    rootKey: env.MAILROOM_ROOT_KEY || undefined,
    bodyLimit: integer(env, 'MAILROOM_BODY_LIMIT', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || 'info',
    publicUrl: (env.MAILROOM_PUBLIC_URL || `http://${host}:${port}`).replace(/\/$/, ''),
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
    }),
  });
}
