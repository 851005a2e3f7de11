import { simpleStatus } from '../../core/outbox/lifecycle.js';
import type { OutboxEntry } from '../../core/outbox/query.js';
import type { OutboxMessage } from '../../core/outbox/types.js';
import { iso, isoOrNull, wasCaptured } from '../shared/serialize.js';
import { stackCrudFields, stackCrudSchemaProperties } from './outbox-stack-crud.js';

/** Seed 000's fields, then what a user needs to know what happened to the email. */
export const outboxEntrySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    simple_status: { type: 'string' },
    subject: { type: 'string', nullable: true },
    recipient: { type: 'string', nullable: true },
    body: { type: 'string', nullable: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    recipient_user_id: { type: 'string', nullable: true },
    recipient_email: { type: 'string', nullable: true },
    from: { type: 'string', nullable: true },
    source: { type: 'string' },
    template_id: { type: 'string', nullable: true },
    variables: { type: 'object', additionalProperties: true },
    draft_id: { type: 'string', nullable: true },
    is_paused: { type: 'boolean' },
    is_high_priority: { type: 'boolean' },
    scheduled_at: { type: 'string', nullable: true },
    sent_at: { type: 'string', nullable: true },
    skipped_reason: { type: 'string', nullable: true },
    last_error: { type: 'string', nullable: true },
    attempt_count: { type: 'integer' },
    attempts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          attempt: { type: 'integer' },
          started_at: { type: 'string' },
          finished_at: { type: 'string', nullable: true },
          outcome: { type: 'string' },
          smtp_code: { type: 'integer', nullable: true },
          enhanced_code: { type: 'string', nullable: true },
          response: { type: 'string', nullable: true },
        },
      },
    },
    captured: { type: 'boolean', description: 'true when the capture transport took the message (no SMTP_URL): it was stored, not delivered' },
    status_history: {
      type: 'array',
      items: { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string', nullable: true }, at: { type: 'string' } } },
    },
    ...stackCrudSchemaProperties,
  },
} as const;

function bodyOf(m: OutboxMessage): string | null {
  return m.renderedHtml ?? m.html ?? m.renderedText ?? m.text;
}

/** Seed 000's item and Stack Auth's email-outbox CRUD item in one object (their shared names agree). */
export function serializeOutboxEntry(m: OutboxEntry) {
  return {
    ...stackCrudFields(m),
    id: m.id,
    status: m.status,
    simple_status: simpleStatus(m.status),
    subject: m.renderedSubject ?? m.subject,
    recipient: m.recipientEmail ?? m.recipientUserId,
    body: bodyOf(m),
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    recipient_user_id: m.recipientUserId,
    recipient_email: m.recipientEmail,
    from: m.from,
    source: m.source,
    template_id: m.templateId,
    variables: m.variables,
    draft_id: m.draftId,
    is_paused: m.isPaused,
    is_high_priority: m.priority > 0,
    scheduled_at: isoOrNull(m.scheduledAt),
    sent_at: isoOrNull(m.sentAt),
    skipped_reason: m.skipReason,
    last_error: m.lastError,
    attempt_count: m.attempts,
    attempts: m.deliveryAttempts.map((a) => ({
      attempt: a.attempt,
      started_at: iso(a.startedAt),
      finished_at: isoOrNull(a.finishedAt),
      outcome: a.outcome,
      smtp_code: a.smtpCode,
      enhanced_code: a.enhancedCode,
      response: a.response,
    })),
    status_history: m.transitions.map((t) => ({ status: t.status, reason: t.reason, at: iso(t.at) })),
    captured: wasCaptured(m.transitions),
  };
}
