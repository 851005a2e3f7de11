import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { createMailroom, type Mailroom } from '../../src/compose.js';
import type { CreatedProject } from '../../src/core/projects/projects.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/logger.js';
import { freshDatabaseUrl, type EngineKind } from './engines.js';

export interface TestMailroom extends Mailroom {
  config: Config;
  project: CreatedProject;
  /** Stack-style headers for the test project's secret server key. */
  serverHeaders: Record<string, string>;
  request(options: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
  }): Promise<LightMyRequestResponse>;
}

/** A whole service on a fresh database, with one project, driven through app.inject(). */
export async function startTestMailroom(
  engine: EngineKind,
  options: { env?: Record<string, string>; clock?: Clock } = {},
): Promise<TestMailroom> {
  const config = loadConfig({
    DATABASE_URL: freshDatabaseUrl(engine),
    MAILROOM_WORKERS: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The production bounds (a few seconds) would turn a busy test machine's slow queries into 503s;
    // the database-fault tests (test/chaos) run real processes with the defaults.
    MAILROOM_DB_STATEMENT_TIMEOUT_MS: '60000',
    MAILROOM_DB_LOCK_TIMEOUT_MS: '60000',
    MAILROOM_DB_CONNECT_TIMEOUT_MS: '30000',
    MAILROOM_SQLITE_BUSY_TIMEOUT_MS: '30000',
    ...options.env,
  });
  const mailroom = await createMailroom(config, { logger: createLogger(config.logLevel), ...(options.clock ? { clock: options.clock } : {}) });
  const project = await mailroom.core.projects.createProject({ name: 'test project', settings: { defaultSender: 'app@example.com' } });
  return {
    ...mailroom,
    config,
    project,
    serverHeaders: { 'x-stack-secret-server-key': project.secret_server_key, 'x-stack-project-id': project.project_id },
    request: ({ method, url, headers, body }) =>
      mailroom.app.inject({
        method,
        url,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      }),
  };
}

/**
 * A clock that runs with real time, shifted to read one second into a fresh `windowMs` window at the
 * moment it is made: fixed-window counters (requests per minute) cannot roll over during a short
 * test, which would otherwise let a request through about once in every 60 runs.
 */
export function clockAtWindowStart(windowMs = 60_000): Clock {
  const now = Date.now();
  const shift = Math.ceil(now / windowMs) * windowMs + 1000 - now;
  return { now: () => Date.now() + shift };
}
