/**
 * Pause, resume, cancel, reschedule and content edits. Every change is a
 * compare-and-set on the status the message was read in, so a delivery worker
 * that claimed the row meanwhile either loses to us (its own CAS then fails and
 * it drops the row) or wins (we read again and decide again). A message in
 * `sending` or later is past editing.
 */
import type { Clock } from '../clock.js';
import { invalidField, MailroomError, notFound } from '../errors.js';
import type { EventBus } from '../events.js';
import { assertEditable, canTransition, waitingStatus, type OutboxStatus } from './lifecycle.js';
import type { MessagePatch, OutboxAdminStore } from './admin-types.js';
import type { OutboxMessage, OutboxStore } from './types.js';
import { validateBody, validateScheduledAt, validateSubject } from './validate-message.js';

export interface EditRequest {
  action?: 'pause' | 'resume' | 'cancel';
  subject?: string;
  html?: string;
  /** Epoch ms; null means "now". */
  scheduledAt?: number | null;
  /** The request field `scheduledAt` came from, for error messages (default `scheduledAt`). */
  scheduledAtField?: string;
}

/** Statuses a worker may be holding; an edit there hands the message back to the queue to be rendered again. */
const workerHeld: ReadonlySet<OutboxStatus> = new Set(['rendering', 'render-error', 'server-error']);
const maxRaces = 5;

export function createOutboxEditor(deps: { outbox: OutboxStore; admin: OutboxAdminStore; clock: Clock; events: EventBus }) {
  function plan(message: OutboxMessage, request: EditRequest, now: number): { target: OutboxStatus; patch: MessagePatch; reason: string } {
    if (request.action === 'cancel') {
      return { target: 'skipped', patch: { skipReason: 'cancelled', isPaused: false }, reason: 'cancelled' };
    }
    const patch: MessagePatch = {};
    const contentChanged = request.subject !== undefined || request.html !== undefined;
    if (request.subject !== undefined) patch.subject = request.subject;
    if (request.html !== undefined) Object.assign(patch, { html: request.html, clearTemplate: true });
    if (request.html !== undefined && request.subject === undefined && message.templateId && !message.subject) {
      // The template gave the subject; without it the message could only fail to render.
      if (!message.renderedSubject) throw invalidField('body.subject', 'is required when body replaces a template that gave the subject');
      patch.subject = message.renderedSubject;
    }
    if (contentChanged) patch.clearRendered = true;
    let runAt = message.runAt;
    if (request.scheduledAt !== undefined) {
      runAt = request.scheduledAt !== null && request.scheduledAt > now ? request.scheduledAt : now;
      Object.assign(patch, { runAt, scheduledAt: request.scheduledAt });
    }
    const changed = contentChanged || request.scheduledAt !== undefined;
    let target: OutboxStatus = message.status;
    let reason = request.scheduledAt !== undefined ? 'rescheduled' : 'edited';
    if (request.action === 'pause') {
      target = 'paused';
      reason = 'paused';
    } else if (request.action === 'resume' && message.status === 'paused') {
      target = waitingStatus(runAt, now);
      reason = 'resumed';
    } else if (message.status !== 'paused' && (changed || request.action === 'resume') && (workerHeld.has(message.status) || request.scheduledAt !== undefined)) {
      target = waitingStatus(runAt, now);
    }
    if (workerHeld.has(message.status) && target !== message.status) patch.clearRendered = true;
    // Taken back out of server-error, the message gets a whole attempt budget again, not just the one try left.
    if (message.status === 'server-error' && target !== message.status && target !== 'skipped') patch.resetAttempts = true;
    patch.isPaused = target === 'paused';
    return { target, patch, reason };
  }

  return {
    async edit(projectId: string, id: string, request: EditRequest): Promise<OutboxMessage> {
      validateSubject('subject', request.subject);
      validateBody('body', request.html);
      validateScheduledAt(request.scheduledAtField ?? 'scheduledAt', request.scheduledAt, deps.clock.now());
      for (let race = 0; race < maxRaces; race++) {
        const message = await deps.outbox.getMessage(projectId, id);
        if (!message) throw notFound('email', id);
        assertEditable(message.status, id);
        const now = deps.clock.now();
        const { target, patch, reason } = plan(message, request, now);
        const moves = target !== message.status;
        if (moves && !canTransition(message.status, target)) {
          throw new MailroomError('EMAIL_NOT_EDITABLE', `an email in status "${message.status}" cannot become "${target}"`, { status: message.status, email_id: id });
        }
        const updated = await deps.admin.updateIf(projectId, id, [message.status], patch, moves ? { status: target, reason } : null, now);
        if (!updated) continue; // a worker (or another edit) moved it first: read again and decide again
        if (moves) {
          deps.events.emit('email:status', { projectId, messageId: id, status: target, reason, at: now });
          if (target === 'queued') deps.events.emit('outbox:work', { projectId, count: 1 });
        }
        return updated;
      }
      throw new MailroomError('CONFLICT', 'the email kept changing while it was being edited; try again');
    },
  };
}

export type OutboxEditor = ReturnType<typeof createOutboxEditor>;
