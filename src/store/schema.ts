/**
 * The Database type: one schema for SQLite and PostgreSQL.
 * Portable column choices: times are epoch milliseconds (bigint), flags are
 * integers 0/1, structured values are JSON text, ids are UUID text.
 */
import type { Generated } from 'kysely';
import type { OutboxStatus, SkipReason } from '../core/outbox/lifecycle.js';

export interface ProjectsTable {
  id: string;
  name: string;
  settings: string;
  signing_secret: string;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  kind: string;
  name: string;
  permissions: string;
  key_hash: string;
  key_prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface UsersTable {
  id: string;
  project_id: string;
  primary_email: string | null;
  primary_email_verified: number;
  display_name: string | null;
  locale: string | null;
  created_at: number;
  updated_at: number;
}


export interface OutboxMessagesTable {
  id: string;
  project_id: string;
  /** Which endpoint created it: send-email, mail, batch, broadcast, resend, verification. */
  source: string;
  status: OutboxStatus;
  /**
   * The status the message was accepted in: its first history entry (at created_at), kept on the row
   * instead of as an outbox_transitions row. Null for messages accepted before migration 0011, whose
   * first entry is a transition row.
   */
  accepted_status: OutboxStatus | null;
  skip_reason: SkipReason | null;
  last_error: string | null;
  is_paused: Generated<number>;
  /** Higher is claimed first (verification codes and high-priority sends). */
  priority: number;
  /** Transactional mail carries no List-Unsubscribe. */
  transactional: number;
  recipient_user_id: string | null;
  recipient_email: string | null;
  /** Added by 0003-send-api. */
  recipient_name: string | null;
  /** The shared content (outbox_contents) this recipient's message references. */
  content_id: string;
  cc: string | null;
  bcc: string | null;
  locale: string | null;
  /** Rendered output, kept only where it differs from the shared content (it depended on the recipient). */
  rendered_subject: string | null;
  rendered_html: string | null;
  rendered_text: string | null;
  run_at: number;
  scheduled_at: number | null;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** Set just before the message is handed to SMTP; a crash after it may mean the mail went out. */
  handed_off_at: number | null;
  /**
   * The Message-ID of a message accepted before migration 0014; later ones take theirs from the
   * content (`message_id_header`, or `<id@message_id_domain>`: see core/outbox/message-id.ts).
   */
  message_id_header: string | null;
  smtp_response: string | null;
  smtp_queue_id: string | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
}

/** What a send request shares, stored once for all its recipients' messages. */
export interface OutboxContentsTable {
  id: string;
  project_id: string;
  from_address: string | null;
  reply_to: string | null;
  subject: string | null;
  html: string | null;
  text_body: string | null;
  template_id: string | null;
  template_variables: string | null;
  draft_id: string | null;
  headers: string | null;
  tags: string | null;
  /** JSON list of {filename, contentType, hash, size}; the bytes are in attachment_blobs. */
  attachments: string | null;
  /** The text part made from the html, when it does not depend on the recipient (no template, no variables). */
  rendered_text: string | null;
  /** The batch of the send these messages came from (/mail/batch, /mail/broadcast); added by 0014. */
  batch_id: string | null;
  /** A client's Message-ID (SMTP ingest), the same on every message of the send; added by 0014. */
  message_id_header: string | null;
  /** Otherwise each message's Message-ID is `<id@message_id_domain>`; added by 0014. */
  message_id_domain: string | null;
  created_at: number;
  /** Set when retention removed the bodies and attachments. */
  pruned_at: number | null;
}

/** Attachment bytes, once per project and content hash however many messages carry them. */
export interface AttachmentBlobsTable {
  project_id: string;
  /** sha256 of the decoded bytes, hex. */
  hash: string;
  /** base64 */
  content: string;
  size: number;
  created_at: number;
}

export interface OutboxTransitionsTable {
  id: Generated<number>;
  message_id: string;
  status: OutboxStatus;
  reason: string | null;
  at: number;
}

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  message_id: string;
  attempt: number;
  started_at: number;
  finished_at: number | null;
  /** sent | deferred | bounced | failed */
  outcome: string;
  smtp_code: number | null;
  enhanced_code: string | null;
  response: string | null;
}

export interface DraftsTable {
  id: string;
  project_id: string;
  name: string | null;
  subject: string | null;
  html: string | null;
  template_id: string | null;
  template_variables: string | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeysTable {
  project_id: string;
  key: string;
  request_hash: string;
  /** running | committed (its messages exist, the response is not stored yet) | done */
  state: string;
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

export interface SuppressionsTable {
  project_id: string;
  email: string;
  /** bounced | unsubscribed | manual */
  reason: string;
  detail: string | null;
  created_at: number;
}

export interface EmailVerificationsTable {
  id: string;
  project_id: string;
  user_id: string;
  email: string;
  code_hash: string;
  expires_at: number;
  attempts: number;
  last_sent_at: number;
  verified_at: number | null;
  voided_at: number | null;
  created_at: number;
}

export interface VerificationSendsTable {
  id: Generated<number>;
  project_id: string;
  user_id: string;
  client_address: string;
  at: number;
}

export interface EmailBlocksTable {
  id: string;
  project_id: string;
  name: string;
  content: string;
  created_at: number;
  updated_at: number;
}

export interface EmailTemplatesTable {
  id: string;
  project_id: string;
  name: string;
  subject: string;
  body: string;
  translations: string;
  parameters: string;
  inline_css: number;
  created_at: number;
  updated_at: number;
}

export interface EmailTemplateBlocksTable {
  template_id: string;
  block_id: string;
  project_id: string;
}

export interface TypedEmailTemplatesTable {
  id: string;
  project_id: string;
  language_tag: string;
  template_type: string;
  details: string;
  created_at: number;
  updated_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  project_id: string;
  /** emails | email.blocks | email.templates: the resource a reader needs read access to. */
  resource: string;
  /** The WebSocket type, e.g. EMAIL_BLOCK_ADD. */
  type: string;
  /** The webhook event type, e.g. email.sent; null when webhooks do not carry this event. */
  topic: string | null;
  payload: string;
  /** Set on a span (a run of status events differing only in the message id): the id of its first event; `id` is its last. */
  first_id: number | null;
  created_at: number;
}

export interface WebhooksTable {
  id: string;
  project_id: string;
  url: string;
  events: string;
  description: string | null;
  enabled: number;
  secret: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  project_id: string;
  event_id: number | null;
  event_type: string;
  payload: string;
  /** pending | succeeded | failed */
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  lease_expires_at: number | null;
  last_attempt_at: number | null;
  response_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
}

export interface CapturedMessagesTable {
  id: string;
  project_id: string;
  outbox_message_id: string | null;
  message_id_header: string | null;
  envelope_from: string | null;
  /** JSON array of addresses */
  envelope_to: string;
  subject: string | null;
  raw: string;
  created_at: number;
}

export interface RateLimitBucketsTable {
  key: string;
  milli_tokens: number;
  updated_at: number;
}

export interface TransportSlotsTable {
  transport_key: string;
  slot: number;
  owner: string;
  expires_at: number;
}

export interface ConsoleSessionsTable {
  token_hash: string;
  project_id: string;
  key_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  console_sessions: ConsoleSessionsTable;
  users: UsersTable;
  outbox_messages: OutboxMessagesTable;
  outbox_contents: OutboxContentsTable;
  attachment_blobs: AttachmentBlobsTable;
  outbox_transitions: OutboxTransitionsTable;
  delivery_attempts: DeliveryAttemptsTable;
  drafts: DraftsTable;
  idempotency_keys: IdempotencyKeysTable;
  suppressions: SuppressionsTable;
  email_verifications: EmailVerificationsTable;
  verification_sends: VerificationSendsTable;
  email_blocks: EmailBlocksTable;
  email_templates: EmailTemplatesTable;
  email_template_blocks: EmailTemplateBlocksTable;
  typed_email_templates: TypedEmailTemplatesTable;
  events: EventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  captured_messages: CapturedMessagesTable;
  rate_limit_buckets: RateLimitBucketsTable;
  transport_slots: TransportSlotsTable;
}
