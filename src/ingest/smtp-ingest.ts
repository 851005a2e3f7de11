/**
 * SMTP ingest (SMTP_INGEST_PORT): applications hand Mailroom mail over SMTP
 * instead of HTTP. AUTH PLAIN/LOGIN is required and the password is an API key
 * that holds `emails:send`; each accepted message goes through the one accept
 * use-case, which commits every message of a transaction or none. An
 * `Idempotency-Key` (or `Resend-Idempotency-Key`) header has HTTP's meaning:
 * the same key and message again within 24 h is answered as the first time
 * and stores nothing; another message under the key is refused.
 *
 * Messages that finish arriving together are committed together, each still
 * answered only once its own rows are committed (core/outbox/enqueue.ts).
 *
 * No STARTTLS: run it on loopback or behind a TLS terminator (README).
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { hasPermission, type Principal } from '../core/auth/permissions.js';
import type { RequestCounter } from '../core/ratelimit/request-limits.js';
import { parseMailbox } from '../core/outbox/address.js';
import type { Accepted, AcceptRequest } from '../core/outbox/accept.js';
import { fingerprint, type Idempotency } from '../core/idempotency/idempotency.js';
import { isMailroomError } from '../core/errors.js';
import { smtpError, smtpReplyFor } from './smtp-reply.js';
import { acksPromptly, tuneIngestSocket } from './socket-options.js';
import { headerValue, toAcceptRequest } from './to-accept-request.js';

export interface SmtpIngestDeps {
  host: string;
  /** 0 picks a free port; `port` on the result is the one bound. */
  port: number;
  /** Largest accepted message, in bytes (MAILROOM_BODY_LIMIT). */
  sizeLimit: number;
  authenticateKey(key: string): Promise<Principal | undefined>;
  /** Failed AUTH attempts per client address, counted in the database so every ingest process shares them. */
  authFailures: RequestCounter;
  /** The accept use-case: one message's recipients committed, or an error naming what is wrong. */
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
  /** smtp-server internals, read only to bound command lines (pinned version). */
  _socket?: unknown;
  _dataStream?: unknown;
}

/** Failed AUTH attempts one connection may make; the next failure answers 421 and closes it. */
export const maxAuthFailuresPerConnection = 3;
/** Failed AUTH attempts one client address may make per window (all connections, every process); then 421 on connect. */
const maxAuthFailuresPerAddress = 10;
const addressWindowMs = 15 * 60_000;
/** RFC 5321 allows 512 octets per command line; AUTH PLAIN with a long key needs a little more. */
export const maxCommandLineBytes = 2048;
/** RFC 5322: header lines are at most 998 characters. */
export const maxHeaderLineChars = 998;

/** The header section of a raw message has no line longer than RFC 5322 allows. */
function headerLinesWithinLimit(raw: Buffer): boolean {
  const end = raw.indexOf('\r\n\r\n');
  const header = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1');
  return header.split(/\r?\n/).every((line) => line.length <= maxHeaderLineChars);
}

export async function startSmtpIngest(deps: SmtpIngestDeps): Promise<SmtpIngest> {
  const log = deps.logger.child({ part: 'smtp-ingest' });

  const inFlight = new Set<Promise<void>>();
  let closing = false;
  const failuresByConnection = new Map<string, number>();
  /** Counts a failed AUTH for the connection and for its address; answers the connection's count. */
  async function recordFailure(session: SMTPServerSession): Promise<number> {
    const count = (failuresByConnection.get(session.id) ?? 0) + 1;
    failuresByConnection.set(session.id, count);
    await deps.authFailures.hit(session.remoteAddress, addressWindowMs, Date.now());
    return count;
  }

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
    if (!headerLinesWithinLimit(raw)) throw smtpError(554, `Header lines must be at most ${maxHeaderLineChars} characters`);
    const parsed = await simpleParser(raw);
    const rcptTo = session.envelope.rcptTo.map((r) => r.address);
    const request = toAcceptRequest(parsed, rcptTo);
    const key = headerValue(parsed, 'idempotency-key') ?? headerValue(parsed, 'resend-idempotency-key');
    if (key === undefined) {
      const { ids } = await deps.accept(projectId, request);
      log.info({ projectId, messages: ids.length, replayed: false }, 'smtp message accepted');
      return `OK: queued as ${ids.join(' ')}`;
    }
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
    onConnect(session, callback) {
      deps.authFailures.peek(session.remoteAddress, addressWindowMs, Date.now()).then(
        (failures) => {
          if (failures < maxAuthFailuresPerAddress) return callback();
          log.info({ address: session.remoteAddress }, 'smtp connection refused: too many failed AUTH attempts from this address');
          callback(smtpError(421, 'Too many failed authentication attempts from this address; try again later'));
        },
        (error: unknown) => {
          log.warn({ err: error }, 'smtp connection refused: the failure throttle could not be read');
          callback(smtpError(421, 'Service not available right now; try again later'));
        },
      );
    },
    onClose(session) {
      failuresByConnection.delete(session.id);
    },
    onAuth(auth, session, callback) {
      authenticate(auth.username ?? '', auth.password ?? '').then(
        (projectId) => callback(null, { user: projectId }),
        (error: unknown) => {
          const reply = smtpReplyFor(error);
          if (reply.code === 535) {
            recordFailure(session).then(
              (failures) => {
                log.info({ reason: reply.message, failures }, 'smtp authentication refused');
                // 421 makes smtp-server close the connection after the reply.
                if (failures >= maxAuthFailuresPerConnection) return callback(smtpError(421, `${reply.message}; too many failed attempts, closing`));
                callback(smtpError(535, reply.message));
              },
              (recordError: unknown) => {
                log.warn({ err: recordError }, 'smtp failed AUTH could not be counted; closing the connection');
                callback(smtpError(421, 'Service not available right now; try again later'));
              },
            );
            return;
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
  server.server.on('connection', tuneIngestSocket);
  if (!acksPromptly() && process.platform === 'linux') {
    log.warn('smtp ingest: the optional package sockopt is missing, so clients that keep Nagle on (nodemailer 7) wait 40 ms per message');
  }
  boundCommandLines(server, log);
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

/**
 * smtp-server buffers a command line until its line end, however long. This
 * watches each socket: a command line longer than maxCommandLineBytes gets 500
 * and the connection is closed. Message content (DATA) is not counted here;
 * its header lines are checked when the message is read.
 */
function boundCommandLines(server: SMTPServer, log: Logger): void {
  const connections = (server as unknown as { connections: Set<OpenConnection> }).connections;
  server.server.on('connection', (socket: import('node:net').Socket) => {
    let lineBytes = 0;
    let refused = false;
    // Prepended, so an overlong line is refused before smtp-server acts on it.
    socket.prependListener('data', (chunk: Buffer) => {
      if (refused) return;
      let longest = 0;
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
        longest = Math.max(longest, lineBytes + end - start);
        lineBytes = 0;
        start = end + 1;
      }
      lineBytes += chunk.length - start;
      if (Math.max(longest, lineBytes) <= maxCommandLineBytes) return;
      const connection = [...connections].find((c) => c._socket === socket);
      if (connection?._dataStream) return;
      refused = true;
      log.info({ address: socket.remoteAddress }, 'smtp command line too long; closing');
      socket.unpipe();
      socket.end(`500 5.5.2 Line too long (at most ${maxCommandLineBytes} bytes)\r\n`);
    });
  });
}
