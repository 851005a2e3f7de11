import type { NewMessage, OutboxMessage } from '../../src/core/outbox/types.js';
import type { EngineKind } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { eventually } from '../support/smtp-sink.js';

/** Fast delivery settings: short polls and retries, so tests wait milliseconds, not minutes. */
export const fastDelivery = {
  MAILROOM_WORKERS: '1',
  MAILROOM_POLL_MS: '50',
  MAILROOM_RETRY_BASE_MS: '50',
  MAILROOM_SMTP_TIMEOUT_MS: '3000',
};

export function startDeliveringMailroom(engine: EngineKind, env: Record<string, string> = {}): Promise<TestMailroom> {
  return startTestMailroom(engine, { env: { ...fastDelivery, ...env } });
}

export function message(overrides: Partial<NewMessage> = {}): NewMessage {
  return { source: 'send-email', recipient: { email: 'someone@example.com' }, subject: 'Hello', html: '<p>Hello <b>there</b></p>', ...overrides };
}

export async function send(m: TestMailroom, ...messages: Partial<NewMessage>[]): Promise<string[]> {
  return m.core.enqueue(m.project.project_id, messages.map((o) => message(o)));
}

export async function row(m: TestMailroom, id: string, projectId = m.project.project_id): Promise<OutboxMessage> {
  const found = await m.core.store.outbox.getMessage(projectId, id);
  if (!found) throw new Error(`no outbox row ${id}`);
  return found;
}

/** Waits until the row reaches one of the statuses. */
export function settled(m: TestMailroom, id: string, statuses: readonly string[], timeoutMs = 15_000, projectId = m.project.project_id): Promise<OutboxMessage> {
  return eventually(async () => {
    const r = await row(m, id, projectId);
    return statuses.includes(r.status) ? r : undefined;
  }, timeoutMs);
}

export interface ApiAttempt {
  attempt: number;
  started_at: string;
  finished_at: string | null;
  outcome: string;
  smtp_code: number | null;
  enhanced_code: string | null;
  response: string | null;
}

/** A message's delivery attempts as the outbox API shows them (`GET /api/v1/emails/outbox/:id`). */
export async function attemptsOf(m: TestMailroom, id: string): Promise<ApiAttempt[]> {
  const res = await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders });
  if (res.statusCode !== 200) throw new Error(`GET outbox/${id}: ${res.statusCode} ${res.body}`);
  return res.json().attempts as ApiAttempt[];
}
