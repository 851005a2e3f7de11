import { Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { Pool } from 'tarn';
import { createMimeBuilder, type BuiltMessage } from '../build-mime.js';
import type { MimePool } from '../mime-pool.js';
import { classifyError, enhancedCode, basicCode, queueIdOf, type SendResult } from '../smtp-reply.js';
import type { HandOff, Transport } from './transport.js';
import { noDelaySocket } from './no-delay-socket.js';
import { createRelayHealth } from './relay-health.js';

export interface SmtpOptions {
  /** Close a connection after this long unused (frees connection slots); default 30 s. */
  idleCloseMs?: number;
  /** smtp://user:pass@host:port or smtps://…; TLS options as query, e.g. ?tls.rejectUnauthorized=false */
  url: string;
  maxConnections: number;
  timeoutMs: number;
  logger: Logger;
  /** Builds MIME off the event loop; without it, MIME is built on this thread. */
  mime?: MimePool | undefined;
}

/** One open SMTP session; `fail` ends the send in progress when the connection dies under it. */
interface Session {
  conn: SMTPConnection;
  alive: boolean;
  fail?: ((error: Error) => void) | undefined;
}

type Delivery = { info: SMTPConnection.SentMessageInfo } | { error: SmtpError; bodyEnded: boolean };
type SmtpError = Error & { code?: string; responseCode?: number; response?: string };

/**
 * SMTP to one relay over a small pool of sessions (tarn) opened through the
 * relay's circuit breaker. nodemailer builds the MIME (and signs it with DKIM)
 * and speaks SMTP (SMTPConnection); this module decides what happens to a
 * session after each message:
 *  - a 4xx/5xx reply leaves the session usable: RSET and go on (no reconnect per refusal);
 *  - a connection that dies ends only the message on it; after its final dot
 *    and before the reply, the outcome is unknown (the lost-acknowledgement case).
 */
export function createSmtpTransport(options: SmtpOptions, getSocket: typeof noDelaySocket = noDelaySocket): Transport {
  const parsed = parseConnectionUrl(options.url) as SMTPConnection.Options & { auth?: SMTPConnection.Credentials };
  const { auth, ...connectionOptions } = parsed;
  const settings: SMTPConnection.Options = {
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    ...connectionOptions,
  };
  const health = createRelayHealth({ relay: relayKey(options.url), logger: options.logger });
  const builder = createMimeBuilder();
  const sessions = new Set<Session>();

  function openSession(): Promise<Session> {
    return new Promise<Session>((resolve, reject) => {
      const request = { host: settings.host, port: settings.port, secure: settings.secure, tls: settings.tls, connectionTimeout: settings.connectionTimeout };
      getSocket(request, (socketError, socketOptions) => {
        if (socketError || !socketOptions) return reject(socketError ?? new Error('no socket'));
        const conn = new SMTPConnection({ ...settings, connection: socketOptions.connection, ...(socketOptions.secured ? { secured: true } : {}) } as SMTPConnection.Options);
        const session: Session = { conn, alive: true };
        let ready = false;
        const died = (error: SmtpError) => {
          session.alive = false;
          sessions.delete(session);
          if (!ready) {
            ready = true;
            conn.close();
            return reject(error);
          }
          const fail = session.fail;
          session.fail = undefined;
          if (fail) {
            health.logFailure(error);
            fail(error);
          }
        };
        conn.on('error', died);
        conn.once('end', () => died(Object.assign(new Error('connection closed'), { code: 'ECONNECTION' })));
        conn.connect(() => {
          const done = (error?: SmtpError | null) => {
            if (error) return died(error);
            ready = true;
            sessions.add(session);
            resolve(session);
          };
          if (auth?.user) conn.login(auth, (error) => done(error));
          else done();
        });
      });
    });
  }

  const pool = new Pool<Session>({
    create: () => health.open(openSession),
    destroy: (session) => {
      sessions.delete(session);
      if (session.alive) session.conn.quit();
      session.alive = false;
    },
    validate: (session) => session.alive,
    min: 0,
    max: options.maxConnections,
    // Socket, greeting and slot waits have their own timeouts; these only catch what slips past them.
    // A message waiting here is not handed off yet, so waiting costs nothing but time.
    acquireTimeoutMillis: 4 * options.timeoutMs + 60_000,
    createTimeoutMillis: 3 * options.timeoutMs + 60_000,
    idleTimeoutMillis: options.idleCloseMs ?? 30_000,
    reapIntervalMillis: Math.min(1000, options.idleCloseMs ?? 1000),
    createRetryIntervalMillis: 50,
    propagateCreateError: true,
  });
  // Sends between hand-off and recorded outcome: at most twice the connections (one on the wire, one being recorded).
  const inFlight = pLimit(2 * options.maxConnections);

  function deliverOn(session: Session, envelope: SMTPConnection.Envelope, raw: Buffer): Promise<Delivery> {
    return new Promise<Delivery>((resolve) => {
      let bodyEnded = false;
      let settled = false;
      const settle = (delivery: Delivery) => {
        if (settled) return;
        settled = true;
        session.fail = undefined;
        resolve(delivery);
      };
      // nodemailer pipes the body only after the server's 354; its end means the final dot follows at once.
      const body = new Readable({
        read() {
          this.push(raw);
          this.push(null);
        },
      });
      body.once('end', () => (bodyEnded = true));
      session.fail = (error) => settle({ error, bodyEnded });
      session.conn.send(envelope, body, (error, info) => settle(error ? { error, bodyEnded } : { info }));
    });
  }

  /** After a refusal the session goes on with RSET; a session that cannot reset (or said 421, closing) is dropped. */
  function reset(session: Session, code: number): Promise<void> {
    if (!session.alive) return Promise.resolve();
    if (code === 421) {
      session.alive = false;
      session.conn.close();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      session.fail = () => resolve();
      session.conn.reset((error) => {
        session.fail = undefined;
        if (error) {
          session.alive = false;
          session.conn.close();
        }
        resolve();
      });
    });
  }

  return {
    inFlight: (work) => inFlight(work),
    prepare(mail: Mail.Options) {
      const built = options.mime ? options.mime.build(mail) : builder.build(mail);
      // Awaited in send; a message dropped before its turn (paused, stopping) must not leave a rejection unhandled.
      built.catch(() => undefined);
      return { mail, built };
    },
    async send(prepared, context, handOff: HandOff): Promise<SendResult | undefined> {
      let built: BuiltMessage;
      try {
        built = await (prepared.built ?? builder.build(prepared.mail));
      } catch (error) {
        return (await handOff()) ? classifyError(error) : undefined;
      }
      let session: Session;
      try {
        session = await pool.acquire().promise;
      } catch (error) {
        const e = error as SmtpError;
        if (e.name === 'TimeoutError' && !e.code) e.code = 'ETIMEDOUT';
        // Not on the wire, but the attempt counts against the budget like any connection failure.
        return (await handOff()) ? classifyError(e) : undefined;
      }
      let delivery: Delivery | undefined;
      try {
        if (!(await handOff())) return undefined;
        delivery = await deliverOn(session, { from: built.envelope.from, to: built.envelope.to, size: built.raw.length }, built.raw);
        if ('error' in delivery && delivery.error.responseCode) await reset(session, delivery.error.responseCode);
      } finally {
        pool.release(session);
      }
      if ('error' in delivery) {
        const { error, bodyEnded } = delivery;
        if (!error.responseCode && bodyEnded) return { kind: 'unknown', response: `${error.code ?? 'error'}: ${error.message}` };
        return classifyError(error);
      }
      const { info } = delivery;
      const response = info.response ?? '';
      const recipient = context.recipient?.toLowerCase();
      // With cc/bcc the server may accept the transaction yet refuse the main recipient.
      if (recipient && info.rejected.some((a) => a.toLowerCase() === recipient)) {
        const errors = (info.rejectedErrors ?? []) as (SmtpError & { recipient?: string })[];
        const error = errors.find((e) => e.recipient?.toLowerCase() === recipient);
        return classifyError(error ?? { responseCode: 550, response: `recipient ${recipient} rejected` });
      }
      return { kind: 'sent', response, queueId: queueIdOf(response), code: basicCode(response), enhancedCode: enhancedCode(response) };
    },
    async close() {
      // Shutdown has already waited for what it was willing to wait for: sessions still busy are cut.
      for (const session of sessions) session.conn.close();
      await pool.destroy();
      builder.close();
    },
  };
}

/** The relay a URL names, without credentials: the key its connection slots are counted under. */
export function relayKey(url: string): string {
  const u = new URL(url);
  return `${u.protocol.replace(':', '')}:${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
}
