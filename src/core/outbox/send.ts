/**
 * The send use-cases behind every family: they resolve recipients and content,
 * validate everything before anything is written, then hand the messages to the
 * one enqueue path. Either every message of a request is committed or none is.
 */
import type { Clock } from '../clock.js';
import type { DraftService } from '../drafts/drafts.js';
import { invalidField, MailroomError, notFound } from '../errors.js';
import type { EmailRenderer } from '../templates/renderer.js';
import type { UserStore } from '../users/types.js';
import { parseMailbox } from './address.js';
import type { Enqueue } from './enqueue.js';
import { sendLimits } from './limits.js';
import type { NewMessage, OutboxStore } from './types.js';
import { validateMessage, validateScheduledAt, validateSubject } from './validate-message.js';

export type SendContent =
  | { kind: 'html'; html: string; text?: string | null }
  | { kind: 'template'; templateId: string; variables: Record<string, unknown> }
  | { kind: 'draft'; draftId: string };

export type Recipient = { userId: string } | { email: string };

/** A send to a list of users and/or addresses (the outbox family's send-email). */
export interface AudienceSend {
  source: string;
  recipients: readonly Recipient[] | 'all-users';
  subject: string | null;
  content: SendContent;
  scheduledAt?: number | null;
  priority?: number;
  transactional?: boolean;
  tags?: Record<string, string> | null;
}

export interface SendDeps {
  enqueue: Enqueue;
  outbox: OutboxStore;
  users: UserStore;
  drafts: DraftService;
  renderer: EmailRenderer;
  clock: Clock;
}

export const highPriority = 10;

export function createSendService(deps: SendDeps) {
  /** Subject and body (or template) a message will carry, with a draft resolved to its content. */
  async function resolveContent(projectId: string, subject: string | null, content: SendContent) {
    if (content.kind === 'html') return { subject, html: content.html, text: content.text ?? null, templateId: null, variables: null, draftId: null };
    if (content.kind === 'template') {
      await deps.renderer.assertTemplateExists(projectId, content.templateId);
      return { subject, html: null, text: null, templateId: content.templateId, variables: content.variables, draftId: null };
    }
    const draft = await deps.drafts.get(projectId, content.draftId).catch((error: unknown) => {
      throw error instanceof MailroomError && error.code === 'NOT_FOUND'
        ? new MailroomError('NOT_FOUND', `draft ${content.draftId} was not found`, { field: 'draft_id', id: content.draftId })
        : error;
    });
    if (!draft.html && !draft.templateId) throw invalidField('draft_id', 'the draft has neither html nor a template');
    if (draft.templateId) await deps.renderer.assertTemplateExists(projectId, draft.templateId);
    // Content is copied, so later edits of the draft do not change mail already accepted.
    return {
      subject: subject ?? draft.subject,
      html: draft.templateId ? null : draft.html,
      text: null,
      templateId: draft.templateId,
      variables: draft.templateId ? draft.variables : null,
      draftId: draft.id,
    };
  }

  async function resolveUsers(projectId: string, recipients: AudienceSend['recipients']) {
    if (recipients === 'all-users') return { list: await deps.users.allUserIds(projectId), emails: [] as Array<{ email: string; name: string; index: number }> };
    const userIds = new Set<string>();
    const emails: Array<{ email: string; name: string; index: number }> = [];
    recipients.forEach((r, index) => {
      if ('userId' in r) userIds.add(r.userId);
      else {
        const mailbox = parseMailbox(`recipients[${index}]`, r.email);
        emails.push({ email: mailbox.address, name: mailbox.name, index });
      }
    });
    const found = await deps.users.findUsers(projectId, [...userIds]);
    const known = new Map(found.map((u) => [u.id, u]));
    const missing = [...userIds].find((id) => !known.has(id));
    if (missing !== undefined) {
      throw new MailroomError('USER_ID_DOES_NOT_EXIST', `user ${missing} does not exist in this project`, { user_id: missing });
    }
    return { list: [...userIds].map((id) => known.get(id)!), emails };
  }

  return {
    /** send-email: resolves users and content; returns the user ids messaged, in request order. */
    async sendToAudience(projectId: string, send: AudienceSend): Promise<{ messageIds: string[]; userIds: string[] }> {
      validateSubject('subject', send.subject);
      validateScheduledAt('scheduled_at_millis', send.scheduledAt, deps.clock.now());
      if (send.recipients !== 'all-users' && send.recipients.length > sendLimits.maxBroadcastRecipients) {
        throw invalidField('recipients', `at most ${sendLimits.maxBroadcastRecipients} recipients`);
      }
      const content = await resolveContent(projectId, send.subject, send.content);
      if (!content.templateId && !content.subject) throw invalidField('subject', 'is required unless a template provides it');
      const { list: users, emails } = await resolveUsers(projectId, send.recipients);
      const base = {
        source: send.source,
        ...content,
        scheduledAt: send.scheduledAt ?? null,
        priority: send.priority ?? 0,
        transactional: send.transactional ?? true,
        tags: send.tags ?? null,
      };
      // Content is checked once; each recipient was already checked above.
      validateMessage({ ...base, recipient: { email: 'check@example.com' } }, deps.clock.now());
      const messages: NewMessage[] = [
        ...users.map((u) => ({ ...base, recipient: { userId: u.id }, locale: u.locale })),
        ...emails.map((e) => ({ ...base, recipient: { email: e.email }, recipientName: e.name || null })),
      ];
      const messageIds = await deps.enqueue(projectId, messages);
      if (content.draftId) await deps.drafts.markSent(projectId, content.draftId);
      return { messageIds, userIds: users.map((u) => u.id) };
    },

    /** Messages already in outbox form (the mail family): validated one by one, committed together. */
    async sendMessages(projectId: string, messages: readonly NewMessage[]): Promise<string[]> {
      const now = deps.clock.now();
      const checked = messages.map((m) => validateMessage(m, now));
      const templates = new Set(checked.map((m) => m.templateId).filter((t): t is string => Boolean(t)));
      for (const templateId of templates) await deps.renderer.assertTemplateExists(projectId, templateId);
      return deps.enqueue(projectId, checked);
    },

    /** Validates one message (and its template) without writing, so a batch can report each item. */
    async check(projectId: string, message: NewMessage): Promise<NewMessage> {
      const checked = validateMessage(message, deps.clock.now());
      if (checked.templateId) await deps.renderer.assertTemplateExists(projectId, checked.templateId);
      return checked;
    },

    /** Commits messages that went through `check`. */
    commitChecked: (projectId: string, messages: readonly NewMessage[]) => deps.enqueue(projectId, messages),

    /** One content to many addresses: content validated once, each address parsed, one bulk insert. */
    async broadcast(projectId: string, template: Omit<NewMessage, 'recipient'>, to: readonly string[]): Promise<string[]> {
      if (to.length > sendLimits.maxBroadcastRecipients) throw invalidField('to', `at most ${sendLimits.maxBroadcastRecipients} recipients`);
      // Every recipient gets their own message: a cc or bcc would get one copy per recipient.
      if (template.cc?.length) throw invalidField('cc', 'is not accepted by broadcast (each recipient gets their own message); send to it separately');
      if (template.bcc?.length) throw invalidField('bcc', 'is not accepted by broadcast (each recipient gets their own message); send to it separately');
      const base = validateMessage({ ...template, recipient: { email: 'check@example.com' } }, deps.clock.now());
      if (base.templateId) await deps.renderer.assertTemplateExists(projectId, base.templateId);
      const { recipient: _r, recipientName: _n, ...shared } = base;
      const messages: NewMessage[] = to.map((address, i) => {
        const mailbox = parseMailbox(`to[${i}]`, address);
        return { ...shared, recipient: { email: mailbox.address }, recipientName: mailbox.name || null };
      });
      return deps.enqueue(projectId, messages);
    },

    /** A new message copying an existing one's recipient and content, whatever became of the original. */
    async resend(projectId: string, id: string): Promise<string> {
      const m = await deps.outbox.getMessage(projectId, id);
      if (!m) throw notFound('email', id);
      if (m.templateId) await deps.renderer.assertTemplateExists(projectId, m.templateId);
      const recipient = m.recipientUserId !== null ? { userId: m.recipientUserId } : { email: m.recipientEmail ?? '' };
      const [newId] = await deps.enqueue(projectId, [
        {
          source: 'resend',
          recipient,
          recipientName: m.recipientName,
          from: m.from,
          replyTo: m.replyTo,
          cc: m.cc,
          bcc: m.bcc,
          subject: m.subject,
          html: m.html,
          text: m.text,
          templateId: m.templateId,
          variables: m.variables,
          draftId: m.draftId,
          headers: m.headers,
          tags: m.tags,
          attachments: m.attachments,
          locale: m.locale,
          priority: m.priority,
          transactional: m.transactional,
        },
      ]);
      return newId!;
    },
  };
}

export type SendService = ReturnType<typeof createSendService>;
