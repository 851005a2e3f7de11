import type { OutboxStatus, SkipReason } from './lifecycle.js';

export interface Attachment {
  filename: string;
  /** base64 */
  content: string;
  contentType?: string;
  /** Inline part referenced from the html as `cid:<contentId>`. */
  contentId?: string;
}

/** What a send path hands to the outbox: one entry per recipient message. */
export interface NewMessage {
  /** Which endpoint created it: send-email, mail, batch, broadcast, resend, verification. */
  source: string;
  batchId?: string | null;
  /** A user id is resolved to the user's primary email at send time. */
  recipient: { userId: string } | { email: string };
  /** Display name for an address recipient (the address itself is stored bare). */
  recipientName?: string | null;
  from?: string | null;
  replyTo?: string | null;
  cc?: string[] | null;
  bcc?: string[] | null;
  subject?: string | null;
  html?: string | null;
  text?: string | null;
  templateId?: string | null;
  variables?: Record<string, unknown> | null;
  draftId?: string | null;
  headers?: Record<string, string> | null;
  tags?: Record<string, string> | null;
  attachments?: Attachment[] | null;
  locale?: string | null;
  /** Higher is claimed first; verification codes and high-priority sends use 10. */
  priority?: number;
  /** Transactional mail carries no List-Unsubscribe. Default true. */
  transactional?: boolean;
  /** Epoch ms; absent or past means due now. */
  scheduledAt?: number | null;
}

/** A message as the outbox holds it. */
export interface OutboxMessage {
  id: string;
  /** The shared content this message references (see SharedContent). */
  contentId: string;
  projectId: string;
  source: string;
  batchId: string | null;
  status: OutboxStatus;
  skipReason: SkipReason | null;
  lastError: string | null;
  isPaused: boolean;
  priority: number;
  transactional: boolean;
  recipientUserId: string | null;
  recipientEmail: string | null;
  recipientName: string | null;
  from: string | null;
  replyTo: string | null;
  cc: string[];
  bcc: string[];
  subject: string | null;
  html: string | null;
  text: string | null;
  templateId: string | null;
  variables: Record<string, unknown>;
  draftId: string | null;
  headers: Record<string, string>;
  tags: Record<string, string>;
  attachments: Attachment[];
  locale: string | null;
  renderedSubject: string | null;
  renderedHtml: string | null;
  renderedText: string | null;
  runAt: number;
  scheduledAt: number | null;
  attempts: number;
  handedOffAt: number | null;
  messageIdHeader: string | null;
  smtpResponse: string | null;
  smtpQueueId: string | null;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * What a send request shares, stored once and referenced by each recipient's message:
 * a 100,000-recipient broadcast writes its html and attachments once, not 100,000 times.
 */
export interface SharedContent {
  from: string | null;
  replyTo: string | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  templateId: string | null;
  variables: Record<string, unknown> | null;
  draftId: string | null;
  headers: Record<string, string> | null;
  tags: Record<string, string> | null;
  attachments: Attachment[] | null;
}

export interface ContentToInsert extends SharedContent {
  id: string;
}

/**
 * What every message of one send shares besides its content. Each row keeps the settings its
 * queries need (source, priority, transactional, scheduled time); the batch id and the Message-ID
 * are stored once with the content.
 */
export interface SendSettings {
  /** Which endpoint created it: send-email, mail, batch, broadcast, smtp, verification, resend. */
  source: string;
  batchId: string | null;
  priority: number;
  transactional: boolean;
  scheduledAt: number | null;
  /** The Message-ID header a client wrote (SMTP ingest), the same on every recipient's message; otherwise Mailroom makes one from each id. */
  messageIdHeader: string | null;
}

/** What one recipient's message carries of its own. */
export interface RecipientPart {
  recipient: { userId: string } | { email: string };
  recipientName: string | null;
  cc: string[];
  bcc: string[];
  locale: string | null;
}

/** One recipient's message: its id and what is its own; the rest is its send's. */
export interface MessageToInsert extends RecipientPart {
  id: string;
}

/** One send as it is committed: content and settings once, a message per recipient. */
export interface SendToInsert {
  content: ContentToInsert;
  send: SendSettings;
  /** Every message of a send starts in the same status at the same due time. */
  status: OutboxStatus;
  runAt: number;
  /**
   * Messages without a client's Message-ID get `<id@messageIdDomain>` (message-id.ts); the domain is
   * stored with the content, so every retry sends the same header whatever the configuration says later.
   */
  messageIdDomain: string;
  messages: MessageToInsert[];
}

export interface OutboxStore {
  /**
   * Inserts each send's shared content (identical attachments once per project, by hash), its
   * messages and their first status events, in one transaction. `idempotencyKey`: the request's
   * claimed key, marked `committed` in the same transaction, so a key can never be taken over by a
   * retry once its messages exist.
   */
  insertMessages(projectId: string, sends: readonly SendToInsert[], now: number, idempotencyKey?: string): Promise<void>;
  getMessage(projectId: string, id: string): Promise<OutboxMessage | undefined>;
}
