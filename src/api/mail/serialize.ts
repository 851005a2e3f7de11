import { simpleStatus } from '../../core/outbox/lifecycle.js';
import type { OutboxEntry } from '../../core/outbox/query.js';
import { iso, isoOrNull, wasCaptured } from '../shared/serialize.js';

const decodedSize = (base64: string) => Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/** An email as the mail family shows it; attachment contents are not echoed back. */
export function serializeMailEmail(m: OutboxEntry) {
  return {
    id: m.id,
    from: m.from,
    to: m.recipientEmail,
    toUserId: m.recipientUserId,
    cc: m.cc,
    bcc: m.bcc,
    replyTo: m.replyTo,
    subject: m.renderedSubject ?? m.subject,
    html: m.renderedHtml ?? m.html,
    text: m.renderedText ?? m.text,
    status: m.status,
    simpleStatus: simpleStatus(m.status),
    templateId: m.templateId,
    templateVariables: m.variables,
    tags: m.tags,
    headers: m.headers,
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType ?? null, size: decodedSize(a.content) })),
    batchId: m.batchId,
    messageId: m.messageIdHeader,
    scheduledAt: isoOrNull(m.scheduledAt),
    sentAt: isoOrNull(m.sentAt),
    skipReason: m.skipReason,
    lastError: m.lastError,
    attempts: m.attempts,
    statusHistory: m.transitions.map((t) => ({ status: t.status, reason: t.reason, at: iso(t.at) })),
    captured: wasCaptured(m.transitions),
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
  };
}
