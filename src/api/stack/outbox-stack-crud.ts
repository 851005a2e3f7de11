import type { OutboxStatus } from '../../core/outbox/lifecycle.js';
import { simpleStatus } from '../../core/outbox/lifecycle.js';
import type { OutboxEntry } from '../../core/outbox/query.js';

/**
 * Stack Auth's email-outbox CRUD item (`packages/stack-shared/src/interface/crud/email-outbox.ts`),
 * which its admin SDK reads: a recipient `to: {type, ...}`, `*_at_millis` times, and the fields each
 * status adds. Mailroom renders at delivery time, so content given as HTML counts as rendered from
 * acceptance on; a template's content is rendered once a worker has rendered it.
 */
export function stackCrudFields(m: OutboxEntry) {
  const lastAt = (status: OutboxStatus) => {
    for (let i = m.transitions.length - 1; i >= 0; i--) if (m.transitions[i]!.status === status) return m.transitions[i]!.at;
    return undefined;
  };
  const failures = m.deliveryAttempts.filter((a) => a.outcome !== 'sent');
  const hasRendered = m.renderedSubject !== null || (m.templateId === null && m.subject !== null);
  const startedRendering = lastAt('rendering') ?? (hasRendered ? m.createdAt : undefined);
  const startedSending = lastAt('sending') ?? m.deliveryAttempts[0]?.startedAt;
  const waiting = m.status === 'queued' || m.status === 'scheduled';
  const base = {
    created_at_millis: m.createdAt,
    updated_at_millis: m.updatedAt,
    tsx_source: m.html ?? m.text ?? '',
    theme_id: null,
    to: m.recipientUserId
      ? { type: 'user-primary-email', user_id: m.recipientUserId }
      : { type: 'custom-emails', emails: m.recipientEmail ? [m.recipientEmail] : [] },
    skip_deliverability_check: false,
    scheduled_at_millis: m.scheduledAt ?? m.createdAt,
    created_with: m.draftId ? 'draft' : 'programmatic-call',
    email_draft_id: m.draftId,
    email_programmatic_call_template_id: m.templateId,
    send_retries: failures.length,
    next_send_retry_at_millis: waiting && failures.length > 0 ? m.runAt : null,
    send_attempt_errors: failures.length
      ? failures.map((a) => ({
          attempt_number: a.attempt,
          timestamp: new Date(a.finishedAt ?? a.startedAt).toISOString(),
          external_message: a.response ?? a.outcome,
          external_details: { smtp_code: a.smtpCode, enhanced_code: a.enhancedCode },
          internal_message: a.response ?? a.outcome,
          internal_details: { outcome: a.outcome },
        }))
      : null,
    has_rendered: hasRendered,
    has_delivered: m.status === 'sent' || m.status === 'delivered',
  };
  const rendered = hasRendered
    ? {
        started_rendering_at_millis: startedRendering,
        rendered_at_millis: startedSending ?? startedRendering,
        html: m.renderedHtml ?? m.html,
        text: m.renderedText ?? m.text,
        is_transactional: m.transactional,
        notification_category_id: null,
      }
    : {};
  const byStatus: Record<string, unknown> = {};
  if (m.status === 'rendering') byStatus.started_rendering_at_millis = startedRendering ?? m.updatedAt;
  if (m.status === 'render-error') {
    Object.assign(byStatus, { started_rendering_at_millis: startedRendering ?? m.updatedAt, rendered_at_millis: lastAt('render-error') ?? m.updatedAt, render_error: m.lastError ?? 'render failed' });
  }
  if (startedSending !== undefined) byStatus.started_sending_at_millis = startedSending;
  if (m.status === 'sending') byStatus.started_sending_at_millis = startedSending ?? m.updatedAt;
  if (m.status === 'server-error') {
    Object.assign(byStatus, { started_sending_at_millis: startedSending ?? m.updatedAt, error_at_millis: lastAt('server-error') ?? m.updatedAt, server_error: m.lastError ?? 'delivery failed' });
  }
  if (m.status === 'skipped') Object.assign(byStatus, { skipped_at_millis: lastAt('skipped') ?? m.updatedAt, skipped_details: {} });
  if (m.status === 'bounced') byStatus.bounced_at_millis = lastAt('bounced') ?? m.updatedAt;
  if (m.status === 'delivery-delayed') byStatus.delivery_delayed_at_millis = lastAt('delivery-delayed') ?? m.updatedAt;
  if (m.status === 'sent' || m.status === 'delivered') {
    Object.assign(byStatus, { delivered_at_millis: m.sentAt ?? m.updatedAt, can_have_delivery_info: false });
  }
  return { ...base, ...rendered, ...byStatus, simple_status: simpleStatus(m.status) };
}

const millis = { type: 'number' } as const;
const optionalMillis = { type: 'number', nullable: true } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

/** The response-schema properties for `stackCrudFields` (the serializer drops what a schema does not list). */
export const stackCrudSchemaProperties = {
  created_at_millis: millis,
  updated_at_millis: millis,
  tsx_source: { type: 'string' },
  theme_id: { type: 'string', nullable: true },
  to: {
    type: 'object',
    properties: { type: { type: 'string' }, user_id: { type: 'string' }, emails: { type: 'array', items: { type: 'string' } } },
  },
  skip_deliverability_check: { type: 'boolean' },
  scheduled_at_millis: millis,
  created_with: { type: 'string' },
  email_draft_id: { type: 'string', nullable: true },
  email_programmatic_call_template_id: { type: 'string', nullable: true },
  send_retries: { type: 'integer' },
  next_send_retry_at_millis: optionalMillis,
  send_attempt_errors: {
    type: 'array',
    nullable: true,
    items: {
      type: 'object',
      properties: {
        attempt_number: { type: 'integer' },
        timestamp: { type: 'string' },
        external_message: { type: 'string' },
        external_details: anyObject,
        internal_message: { type: 'string' },
        internal_details: anyObject,
      },
    },
  },
  has_rendered: { type: 'boolean' },
  has_delivered: { type: 'boolean' },
  started_rendering_at_millis: millis,
  rendered_at_millis: millis,
  html: { type: 'string', nullable: true },
  text: { type: 'string', nullable: true },
  is_transactional: { type: 'boolean' },
  notification_category_id: { type: 'string', nullable: true },
  render_error: { type: 'string' },
  started_sending_at_millis: millis,
  error_at_millis: millis,
  server_error: { type: 'string' },
  skipped_at_millis: millis,
  skipped_details: anyObject,
  bounced_at_millis: millis,
  delivery_delayed_at_millis: millis,
  delivered_at_millis: millis,
  can_have_delivery_info: { type: 'boolean' },
} as const;
