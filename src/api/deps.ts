import type { Clock } from '../core/clock.js';
import type { ProjectService } from '../core/projects/projects.js';
import type { UserTokens } from '../core/auth/user-tokens.js';
import type { VerificationService } from '../core/verification/verification.js';
import type { Authenticator } from './shared/auth.js';
import type { BlockService } from '../core/templates/blocks.js';
import type { TemplateService } from '../core/templates/templates.js';
import type { TypedTemplateService } from '../core/templates/typed-templates.js';
import type { PreviewInput } from '../core/templates/preview.js';
import type { RenderedEmail } from '../core/templates/renderer.js';
import type { EventHub } from '../core/events/hub.js';
import type { WebhookService } from '../core/webhooks/webhooks.js';
import type { UserService } from '../core/users/users.js';
import type { DraftService } from '../core/drafts/drafts.js';
import type { AcceptService } from '../core/outbox/accept.js';
import type { OutboxQueries } from '../core/outbox/query.js';
import type { OutboxEditor } from '../core/outbox/edit.js';
import type { Idempotency } from '../core/idempotency/idempotency.js';
import type { Sends } from '../core/outbox/sends.js';
import type { FetchAttachment } from './resend/to-accept-request.js';
import type { TypedTemplateSend } from '../core/outbox/typed-send.js';
import type { SuppressionService } from '../core/suppressions/suppressions.js';
import type { ConsoleSessions } from '../core/auth/console-sessions.js';
import type { InboxService } from '../core/delivery/inbox.js';
import type { MetricsEndpoint } from './system/metrics.js';
import type { OneClickUnsubscribe } from '../core/suppressions/one-click-unsubscribe.js';
import type { OutboxBrowser } from '../core/outbox/browse.js';
import type { InboxAdmin } from '../core/delivery/inbox-admin.js';
import type { RequestCounter, RequestLimits } from '../core/ratelimit/request-limits.js';

/** What the HTTP layer is given by the composition root: core services, never the store. */
export interface ApiDeps {
  clock: Clock;
  auth: Authenticator;
  projects: ProjectService;
  userTokens: UserTokens;
  verification: VerificationService;
  blocks: BlockService;
  templates: TemplateService;
  typedTemplates: TypedTemplateService;
  preview: (projectId: string, input: PreviewInput) => Promise<RenderedEmail>;
  /** Readiness probe: resolves when the database answers. */
  checkReady: () => Promise<void>;
  /** True while the database is known to be unreachable: requests are answered 503 at once instead of waiting. */
  databaseKnownDown?: () => boolean;
  rootKey: string | undefined;
  bodyLimit: number;
  /** Requests per second per key on the Resend-compatible paths; 0 = no limit. */
  resendRateLimit: number;
  /** Live events for the WebSocket endpoint. */
  eventHub: EventHub;
  webhooks: WebhookService;
  eventsPingMs: number;
  eventsMaxBufferedBytes: number;
  users: UserService;
  drafts: DraftService;
  /** The one way mail comes in (core/outbox/accept.ts). */
  accept: AcceptService;
  outboxQueries: OutboxQueries;
  outboxEditor: OutboxEditor;
  /** Resend's view of the outbox: one id per send, whatever its number of `to` (core/outbox/sends.ts). */
  resendSends: Sends;
  /** Fetches an attachment named by URL under the egress policy, with size and time limits. */
  fetchAttachment: FetchAttachment;
  idempotency: Idempotency;
  /** Sends built from a typed (seed 004) template named by type and locale. */
  typedSend: TypedTemplateSend;
  suppressions: SuppressionService;
  /** The capture transport's mailbox (dev inbox). */
  inbox: InboxService;
  /** Base URL of links placed in emails. */
  publicUrl: string;
  unsubscribe: OneClickUnsubscribe;
  /** The console's read side: outbox browsing and overview figures. */
  outboxBrowser: OutboxBrowser;
  /** The console's dev inbox search, delete and clear. */
  inboxAdmin: InboxAdmin;
  /** Console sign-in sessions (kept in the database, shared by every process). */
  consoleSessions: ConsoleSessions;
  /** How mail leaves by default: an SMTP relay (SMTP_URL) or the capture inbox. */
  deliveryMode: 'relay' | 'capture';
  /** Where delivered mail goes, said by /readyz: "smtp relay host:port" or "capture (...)". */
  transport?: string;
  /** Prometheus exposition and the HTTP timing hook; absent: no /metrics. */
  metrics?: MetricsEndpoint & { observeRequest(method: string, route: string, status: number, seconds: number): void };
  /** MAILROOM_METRICS_TOKEN: the Bearer credential /metrics asks for on the API port. */
  metricsToken?: string;
  /** Request rate limits (per address, per key) and the shared counter behind them. */
  requestCounter: RequestCounter;
  requestLimits: RequestLimits;
}
