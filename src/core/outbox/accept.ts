/**
 * Accept: the one way mail comes in, for every family and for SMTP ingest.
 * It owns the per-recipient split (each `to` gets its own message; cc and bcc
 * ride on the first, or are refused for a broadcast), user and draft
 * resolution, validation of everything before anything is written, and the
 * commit. It returns what it committed, so a route serializes without reading
 * the rows back.
 *
 * A request's shared content (subject, bodies, template and variables,
 * headers, attachments) is validated once and stored once; each recipient's
 * message carries only its own data (recipient, cc/bcc, locale, state).
 */
import type { Clock } from '../clock.js';
import type { DraftService } from '../drafts/drafts.js';
import { invalidField, isMailroomError, MailroomError, notFound } from '../errors.js';
import type { EmailRenderer } from '../templates/renderer.js';
import { parseTypedTemplateRef, type TemplateType } from '../templates/typed-types.js';
import type { UserStore } from '../users/types.js';
import { parseMailbox } from './address.js';
import { committedEntry, type CommittedUnit, type Enqueue, type RecipientPart, type Unit } from './enqueue.js';
import { sendLimits } from './limits.js';
import type { OutboxEntry } from './query.js';
import type { RenderTypedContent } from './typed-send.js';
import type { Attachment, OutboxStore, SendSettings, SharedContent } from './types.js';
import { validateContent, validateCopies, validateScheduledAt, validateSubject } from './validate-message.js';

export type SendContent =
  | { kind: 'body'; html: string | null; text?: string | null }
  | { kind: 'template'; templateId: string; variables: Record<string, unknown> | null }
  | { kind: 'draft'; draftId: string }
  /** A seed 004 typed template, chosen by type and locale and rendered at acceptance (typed-send.ts). */
  | { kind: 'typed'; templateType: TemplateType; locale: string | null; variables: Record<string, unknown> };

export type Recipient = { userId: string } | { email: string };

export interface AcceptRequest {
  /** Which endpoint it came from: send-email, mail, batch, broadcast, smtp, verification, resend. */
  source: string;
  batchId?: string | null;
  /** Each gets its own message; 'all-users' is every user of the project. */
  to: readonly Recipient[] | 'all-users';
  cc?: readonly string[];
  bcc?: readonly string[];
  /**
   * 'first-message': cc and bcc ride on the first message only, so each gets one copy.
   * 'refused': a broadcast, where cc or bcc is an error (they would get one copy per recipient).
   */
  copies?: 'first-message' | 'refused';
  /** How many `to` entries a request may name (default: a broadcast's 100,000). */
  maxRecipients?: number;
  subject?: string | null;
  content: SendContent;
  from?: string | null;
  replyTo?: string | null;
  headers?: Record<string, string> | null;
  tags?: Record<string, string> | null;
  attachments?: Attachment[] | null;
  /** Epoch ms; absent or past means now. */
  scheduledAt?: number | null;
  priority?: number;
  transactional?: boolean;
  locale?: string | null;
  /** SMTP ingest: the client's Message-ID, kept on every recipient's message (Mailroom's id goes in X-Mailroom-Id). */
  messageIdHeader?: string | null;
  /** SMTP ingest: the To and Cc headers as the client wrote them, kept in `headers`. */
  keepsAddressHeaders?: boolean;
  /**
   * Request field names for errors (defaults `to`, `scheduledAt`, `template_id`); naming `to` makes each
   * address `to[i]`, even a lone one.
   */
  fields?: { to?: string; scheduledAt?: string; template?: string };
}

export interface Accepted {
  ids: string[];
  /** Users messaged, in request order (send-email answers with them). */
  userIds: string[];
  /** The first message as the read APIs show it, from what was written. */
  first(): OutboxEntry;
  /** Every message as the read APIs show it. */
  entries(): OutboxEntry[];
}

export type ItemResult = { accepted: Accepted } | { error: MailroomError };

export interface AcceptDeps {
  commit: Enqueue;
  outbox: OutboxStore;
  users: UserStore;
  drafts: DraftService;
  renderer: EmailRenderer;
  clock: Clock;
  /** Renders typed templates; without it a send naming one is refused. */
  typedContent?: RenderTypedContent;
}

export const highPriority = 10;
const displayHeaders: ReadonlySet<string> = new Set(['to', 'cc']);

interface Prepared {
  unit: Unit;
  userIds: string[];
  draftId: string | null;
}

export function createAccept(deps: AcceptDeps) {
  /** The content a request shares, with a draft resolved (copied: later edits of the draft do not change accepted mail). */
  async function resolveContent(projectId: string, request: AcceptRequest): Promise<SharedContent> {
    let c = request.content;
    const templateField = request.fields?.template ?? 'template_id';
    // A template id such as `SignIn` or `SignIn:de` names a typed template (see parseTypedTemplateRef).
    const typedRef = c.kind === 'template' ? parseTypedTemplateRef(c.templateId) : null;
    if (c.kind === 'template' && typedRef) c = { kind: 'typed', ...typedRef, variables: c.variables ?? {} };
    const shared = {
      from: request.from ?? null,
      replyTo: request.replyTo ?? null,
      headers: request.headers && Object.keys(request.headers).length ? request.headers : null,
      tags: request.tags && Object.keys(request.tags).length ? request.tags : null,
      attachments: request.attachments ?? null,
    };
    if (c.kind === 'body') {
      return { ...shared, subject: request.subject ?? null, html: c.html, text: c.text ?? null, templateId: null, variables: null, draftId: null };
    }
    if (c.kind === 'typed') {
      if (!deps.typedContent) throw invalidField(templateField, 'typed templates are not available here');
      const typed = await deps.typedContent(projectId, c, templateField);
      return {
        ...shared,
        // The request's own sender, reply-to and subject win over the template's.
        from: shared.from ?? typed.from,
        replyTo: shared.replyTo ?? typed.replyTo,
        subject: request.subject ?? typed.subject,
        html: typed.html,
        text: typed.text,
        templateId: null,
        variables: null,
        draftId: null,
      };
    }
    if (c.kind === 'template') {
      return { ...shared, subject: request.subject ?? null, html: null, text: null, templateId: c.templateId, variables: c.variables, draftId: null };
    }
    const draft = await deps.drafts.get(projectId, c.draftId).catch((error: unknown) => {
      throw isMailroomError(error) && error.code === 'NOT_FOUND'
        ? new MailroomError('NOT_FOUND', `draft ${c.draftId} was not found`, { field: 'draft_id', id: c.draftId })
        : error;
    });
    if (!draft.html && !draft.templateId) throw invalidField('draft_id', 'the draft has neither html nor a template');
    return {
      ...shared,
      subject: request.subject ?? draft.subject,
      html: draft.templateId ? null : draft.html,
      text: null,
      templateId: draft.templateId,
      variables: draft.templateId ? draft.variables : null,
      draftId: draft.id,
    };
  }

  /** Users (checked to exist) first, then addresses, each parsed and named by its place in the request. */
  async function resolveRecipients(projectId: string, request: AcceptRequest) {
    const field = request.fields?.to ?? 'to';
    if (request.to === 'all-users') {
      const users = await deps.users.allUserIds(projectId);
      return { users: users.map((u) => ({ id: u.id, locale: u.locale })), emails: [] as Array<{ email: string; name: string }> };
    }
    const userIds = new Set<string>();
    const emails: Array<{ email: string; name: string }> = [];
    // A lone address is named by the field itself unless the family names list items (`recipients[0]`).
    const single = request.to.length === 1 && request.fields?.to === undefined;
    request.to.forEach((r, index) => {
      if ('userId' in r) userIds.add(r.userId);
      else {
        const mailbox = parseMailbox(single ? field : `${field}[${index}]`, r.email);
        emails.push({ email: mailbox.address, name: mailbox.name });
      }
    });
    if (userIds.size === 0) return { users: [], emails };
    const found = await deps.users.findUsers(projectId, [...userIds]);
    const known = new Map(found.map((u) => [u.id, u]));
    const missing = [...userIds].find((id) => !known.has(id));
    if (missing !== undefined) {
      throw new MailroomError('USER_ID_DOES_NOT_EXIST', `user ${missing} does not exist in this project`, { user_id: missing });
    }
    return { users: [...userIds].map((id) => ({ id, locale: known.get(id)!.locale })), emails };
  }

  /** Everything checked, nothing written; throws the first problem naming its field. */
  async function prepare(projectId: string, request: AcceptRequest): Promise<Prepared> {
    const now = deps.clock.now();
    validateSubject('subject', request.subject);
    validateScheduledAt(request.fields?.scheduledAt ?? 'scheduledAt', request.scheduledAt, now);
    const max = request.maxRecipients ?? sendLimits.maxBroadcastRecipients;
    if (request.to !== 'all-users' && request.to.length > max) throw invalidField(request.fields?.to ?? 'to', `at most ${max} recipients`);
    if (request.copies === 'refused') {
      if (request.cc?.length) throw invalidField('cc', 'is not accepted by broadcast (each recipient gets their own message); send to it separately');
      if (request.bcc?.length) throw invalidField('bcc', 'is not accepted by broadcast (each recipient gets their own message); send to it separately');
    }
    const resolved = await resolveContent(projectId, request);
    if (!resolved.templateId && !resolved.subject) throw invalidField('subject', 'is required unless a template provides it');
    if (!resolved.templateId && resolved.html === null && resolved.text === null) throw invalidField('html', 'give html, text or a template');
    const content = validateContent(resolved, request.keepsAddressHeaders ? displayHeaders : undefined);
    const copies = validateCopies(request.cc ?? [], request.bcc ?? []);
    if (content.templateId) {
      await deps.renderer.assertTemplateExists(projectId, content.templateId).catch((error: unknown) => {
        if (!isMailroomError(error) || error.code !== 'NOT_FOUND') throw error;
        const field = request.fields?.template ?? 'template_id';
        throw new MailroomError('NOT_FOUND', `${field}: template ${content.templateId} was not found (a template's id, or a typed template's type such as SignIn or SignIn:de)`, {
          ...error.details,
          field,
        });
      });
    }
    const { users, emails } = await resolveRecipients(projectId, request);
    const send: SendSettings = {
      source: request.source,
      batchId: request.batchId ?? null,
      priority: request.priority ?? 0,
      transactional: request.transactional ?? true,
      scheduledAt: request.scheduledAt ?? null,
      messageIdHeader: request.messageIdHeader ?? null,
    };
    // A typed template was rendered in one language: that is the messages' locale unless the request names one.
    const c = request.content;
    const locale = request.locale ?? (c.kind === 'typed' ? c.locale : c.kind === 'template' ? (parseTypedTemplateRef(c.templateId)?.locale ?? null) : null);
    // Only what is each recipient's own; a broadcast builds 100,000 of these. cc and bcc are set on the first below.
    const none: string[] = [];
    const recipients: RecipientPart[] = [
      ...users.map((u): RecipientPart => ({ recipient: { userId: u.id }, recipientName: null, cc: none, bcc: none, locale: locale ?? u.locale })),
      ...emails.map((e): RecipientPart => ({ recipient: { email: e.email }, recipientName: e.name || null, cc: none, bcc: none, locale })),
    ];
    // Each `to` gets its own message; cc and bcc ride on the first only, so each of them gets one copy.
    if (recipients[0]) recipients[0] = { ...recipients[0], ...copies };
    return { unit: { content, send, recipients }, userIds: users.map((u) => u.id), draftId: content.draftId };
  }

  function accepted(projectId: string, prepared: Prepared, unit: CommittedUnit): Accepted {
    return {
      ids: unit.messages.map((m) => m.id),
      userIds: prepared.userIds,
      first: () => committedEntry(unit, unit.messages[0]!, projectId),
      entries: () => unit.messages.map((m) => committedEntry(unit, m, projectId)),
    };
  }

  async function commit(projectId: string, prepared: readonly Prepared[]): Promise<Accepted[]> {
    const units = await deps.commit(projectId, prepared.map((p) => p.unit));
    const drafts = new Set(prepared.flatMap((p) => (p.draftId && p.unit.recipients.length ? [p.draftId] : [])));
    for (const draftId of drafts) await deps.drafts.markSent(projectId, draftId);
    return prepared.map((p, i) => accepted(projectId, p, units[i]!));
  }

  /** One request, all or nothing: every message committed, or an error and nothing written. */
  async function accept(projectId: string, request: AcceptRequest): Promise<Accepted> {
    return (await commit(projectId, [await prepare(projectId, request)]))[0]!;
  }

  return {
    accept,

    /**
     * Several requests, all or nothing (a strict batch): every one is checked before any is written;
     * the first that fails is the error, with `details.index` naming it, and nothing is committed.
     */
    async acceptAll(projectId: string, requests: readonly AcceptRequest[]): Promise<Accepted[]> {
      const prepared: Prepared[] = [];
      for (const [index, request] of requests.entries()) {
        try {
          prepared.push(await prepare(projectId, request));
        } catch (error) {
          if (!isMailroomError(error) || error.kind === 'internal') throw error;
          throw new MailroomError(error.code, error.message, { ...error.details, index });
        }
      }
      return commit(projectId, prepared);
    },

    /** Several requests (a batch): each checked on its own, the valid ones committed together, a result per item. */
    async acceptEach(projectId: string, requests: readonly AcceptRequest[]): Promise<ItemResult[]> {
      const results: Array<ItemResult | Prepared> = [];
      for (const request of requests) {
        try {
          results.push(await prepare(projectId, request));
        } catch (error) {
          if (!isMailroomError(error) || error.kind === 'internal') throw error;
          results.push({ error });
        }
      }
      const ok = results.filter((r): r is Prepared => 'unit' in r);
      const committed = await commit(projectId, ok);
      let next = 0;
      return results.map((r) => ('unit' in r ? { accepted: committed[next++]! } : r));
    },

    /** A new message copying an existing one's recipient and content, whatever became of the original. */
    async resend(projectId: string, id: string): Promise<Accepted> {
      const m = await deps.outbox.getMessage(projectId, id);
      if (!m) throw notFound('email', id);
      const content: SendContent = m.templateId
        ? { kind: 'template', templateId: m.templateId, variables: m.variables }
        : { kind: 'body', html: m.html, text: m.text };
      return accept(projectId, {
        source: 'resend',
        to: [m.recipientUserId !== null ? { userId: m.recipientUserId } : { email: m.recipientName ? `"${m.recipientName.replace(/["\\]/g, '\\$&')}" <${m.recipientEmail}>` : (m.recipientEmail ?? '') }],
        cc: m.cc,
        bcc: m.bcc,
        subject: m.subject,
        content,
        from: m.from,
        replyTo: m.replyTo,
        headers: m.headers,
        tags: m.tags,
        attachments: m.attachments,
        locale: m.locale,
        priority: m.priority,
        transactional: m.transactional,
        keepsAddressHeaders: m.source === 'smtp',
      });
    },
  };
}

export type AcceptService = ReturnType<typeof createAccept>;
