/**
 * SMTP ingest (SMTP_INGEST_PORT): applications hand Mailroom mail over SMTP
 * instead of HTTP. AUTH PLAIN/LOGIN is required and the password is an API key
 * that holds `emails:send`; each accepted message goes through the one accept
 * use-case, which commits every message of a transaction or none. An
 * `Idempotency-Key` (or `Resend-Idempotency-Key`) header has HTTP's meaning:
 * the same key and message again within 24 h is answered as the first time
 * and stores nothing; another message under the key is refused.
 *
 * No STARTTLS: run it on loopback or behind a TLS terminator (README).
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { hasPermission, type Principal } from '../core/auth/permissions.js';
import { parseMailbox } from '../core/outbox/address.js';
import type { AcceptRequest, Accepted } from '../core/outbox/accept.js';
import { fingerprint, type Idempotency } from '../core/idempotency/idempotency.js';
import { isMailroomError } from '../core/errors.js';
import { smtpError, smtpReplyFor } from './smtp-reply.js';
import { headerValue, toAcceptRequest } from './to-accept-request.js';

export interface SmtpIngestDeps {
  host: string;
  /** 0 picks a free port; `port` on the result is the one bound. */
  port: number;
  /** Largest accepted message, in bytes (MAILROOM_BODY_LIMIT). */
  sizeLimit: number;
  authenticateKey(key: string): Promise<Principal | undefined>;
  accept(projectId: string, request: AcceptRequest): Promise<Accepted>;
  idempotency: Idempotency;
  logger: Logger;
  /** How long close() waits for transactions in progress before dropping their connections. */
  closeTimeoutMs?: number;
}

export interface SmtpIngest {
  readonly port: number;
  /** Stops accepting connections and commands, lets DATA in progress finish, then closes every connection. */
  close(): Promise<void>;
}

/** RCPT TO per transaction: RFC 5321 asks servers to take at least 100; more get 452 and go in another transaction. */
const maxRecipients = 100;
const projectIdShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OpenConnection {
  send(code: number, message: string): void;
  close(): void;
}

export async function startSmtpIngest(deps: SmtpIngestDeps): Promise<SmtpIngest> {
  const log = deps.logger.child({ part: 'smtp-ingest' });
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  async function authenticate(username: string, password: string): Promise<string> {
    const principal = await deps.authenticateKey(password);
    if (!principal) throw smtpError(535, 'Authentication failed: unknown or revoked API key');
    // The username may be anything; when it is a project id it must be the key's.
    if (projectIdShape.test(username) && username.toLowerCase() !== principal.projectId.toLowerCase()) {
      throw smtpError(535, 'Authentication failed: the key does not belong to this project');
    }
    if (!hasPermission(principal, 'emails:send')) throw smtpError(535, 'Authentication failed: the key lacks emails:send');
    return principal.projectId;
  }

  async function receive(stream: NodeJS.ReadableStream & { sizeExceeded: boolean }, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    // Everything is read (the reply must follow the end of DATA), but nothing past the limit is kept.
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      if (bytes <= deps.sizeLimit) chunks.push(chunk as Buffer);
    }
    if (bytes > deps.sizeLimit || stream.sizeExceeded) throw smtpError(552, `Message exceeds the size limit of ${deps.sizeLimit} bytes`);
    const projectId = session.user;
    if (!projectId) throw smtpError(530, 'Authentication required');
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    const rcptTo = session.envelope.rcptTo.map((r) => r.address);
    const request = toAcceptRequest(parsed, rcptTo);
    const key = headerValue(parsed, 'idempotency-key') ?? headerValue(parsed, 'resend-idempotency-key');
    // The same message again means the same bytes to the same envelope.
    const hash = fingerprint('SMTP', { rcptTo, raw: raw.toString('base64') });
    try {
      const { body, replayed } = await deps.idempotency.run(projectId, key, hash, async () => {
        const { ids } = await deps.accept(projectId, request);
        return { status: 250, body: { ids } };
      });
      const ids = (body as { ids: string[] }).ids;
      log.info({ projectId, messages: ids.length, replayed }, 'smtp message accepted');
      return `OK: queued as ${ids.join(' ')}`;
    } catch (error) {
      // A retry while the first is still being committed: the client should try again shortly.
      if (isMailroomError(error) && error.code === 'IDEMPOTENCY_CONFLICT' && error.message.includes('in progress')) {
        throw smtpError(451, error.message);
      }
      throw error;
    }
  }

  const server = new SMTPServer({
    name: 'mailroom',
    banner: 'Mailroom SMTP ingest',
    authOptional: false,
    authMethods: ['PLAIN', 'LOGIN'],
    // Plain-text AUTH is allowed because there is no TLS here; see the module comment.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: deps.sizeLimit,
    logger: false,
    closeTimeout: deps.closeTimeoutMs ?? 30_000,
    onAuth(auth, _session, callback) {
      authenticate(auth.username ?? '', auth.password ?? '').then(
        (projectId) => callback(null, { user: projectId }),
        (error: unknown) => {
          const reply = smtpReplyFor(error);
          if (reply.code === 535) {
            log.info({ reason: reply.message }, 'smtp authentication refused');
            return callback(smtpError(535, reply.message));
          }
          log.error({ err: error }, 'smtp authentication failed');
          callback(smtpError(454, 'Temporary authentication failure; try again later'));
        },
      );
    },
    onMailFrom(_address, _session, callback) {
      callback(closing ? smtpError(421, 'Server shutting down') : null);
    },
    onRcptTo(address, session, callback) {
      if (closing) return callback(smtpError(421, 'Server shutting down'));
      if (session.envelope.rcptTo.length >= maxRecipients) return callback(smtpError(452, `Too many recipients (at most ${maxRecipients} per message)`));
      try {
        parseMailbox('to', address.address);
        callback();
      } catch (error) {
        callback(smtpError(553, smtpReplyFor(error).message));
      }
    },
    onData(stream, session, callback) {
      const task = receive(stream, session).then(
        // smtp-server puts this text in the 250 reply; its typings omit the argument.
        (reply) => (callback as (error: Error | null, message?: string) => void)(null, reply),
        (error: unknown) => {
          const reply = smtpReplyFor(error);
          if (reply.code >= 500) log.info({ projectId: session.user, code: reply.code, reason: reply.message }, 'smtp message refused');
          else log.error({ err: error, projectId: session.user }, 'smtp message failed; the client may retry');
          callback(smtpError(reply.code, reply.message));
        },
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
  });
  server.on('error', (error) => log.error({ err: error }, 'smtp ingest error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as { port: number }).port;
  log.info({ host: deps.host, port }, 'smtp ingest listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled([...inFlight]);
        // Idle connections would otherwise hold the close for closeTimeout; nothing is in progress on them.
        const open = (server as unknown as { connections: Set<OpenConnection> }).connections;
        for (const connection of [...open]) {
          connection.send(421, 'Server shutting down');
          connection.close();
        }
        await stopped;
      })();
      return closed;
    },
  };
}
