import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { classifyError, enhancedCode, basicCode, queueIdOf, type SendResult } from '../smtp-reply.js';
import type { Transport } from './transport.js';
import { noDelaySocket } from './no-delay-socket.js';

export interface SmtpOptions {
  /** Close the pool after this long without sends (frees connection slots); undefined keeps it open. */
  idleCloseMs?: number;
  /** smtp://user:pass@host:port or smtps://…; TLS options as query, e.g. ?tls.rejectUnauthorized=false */
  url: string;
  maxConnections: number;
  timeoutMs: number;
}

/**
 * nodemailer reads every option from the URL when it is given one (options beside
 * `url` are ignored), so pool settings travel as query parameters; ones the
 * operator put in SMTP_URL win.
 */
export function poolUrl(options: SmtpOptions): string {
  const url = new URL(options.url);
  const defaults: Record<string, string> = {
    pool: 'true',
    maxConnections: String(options.maxConnections),
    maxMessages: String(Number.MAX_SAFE_INTEGER),
    connectionTimeout: String(options.timeoutMs),
    greetingTimeout: String(options.timeoutMs),
    socketTimeout: String(options.timeoutMs),
  };
  for (const [key, value] of Object.entries(defaults)) if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  return url.toString();
}

/** Pooled SMTP through nodemailer: connections are reused across messages and batches. */
export function createSmtpTransport(options: SmtpOptions, getSocket: typeof noDelaySocket = noDelaySocket): Transport {
  let transporter: nodemailer.Transporter | undefined;
  let inFlight = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  /**
   * nodemailer's pool keeps a resource whose socket could not be opened as a dead
   * entry, and messages queued behind it would wait forever. So a pool that failed
   * to open a socket is retired: new sends get a fresh pool, and closing the old one
   * fails its queued messages at once (they are retried) while messages already on
   * a live connection finish normally.
   */
  const retire = (pool: nodemailer.Transporter) => {
    if (transporter === pool) transporter = undefined;
    setImmediate(() => pool.close());
  };
  const open = (): nodemailer.Transporter => {
    if (transporter) return transporter;
    const pool = nodemailer.createTransport(poolUrl(options));
    const guarded: typeof noDelaySocket = (request, callback) =>
      getSocket(request, (error, socketOptions) => {
        if (error) retire(pool);
        callback(error, socketOptions);
      });
    // nodemailer honours a Mailer's getSocket hook; its typings do not declare it.
    (pool as unknown as { getSocket: typeof noDelaySocket }).getSocket = guarded;
    transporter = pool;
    return pool;
  };
  const closeIdle = () => {
    transporter?.close();
    transporter = undefined;
  };
  return {
    async send(mail: Mail.Options, context): Promise<SendResult> {
      clearTimeout(idleTimer);
      inFlight++;
      try {
        const info = await open().sendMail(mail);
        const response: string = info.response ?? '';
        const recipient = context.recipient;
        const rejected = ((info.rejected ?? []) as (string | { address: string })[]).map((a) => (typeof a === 'string' ? a : a.address).toLowerCase());
        // With cc/bcc the server may accept the transaction yet refuse the main recipient.
        if (recipient && rejected.includes(recipient.toLowerCase())) {
          const errors = (info as { rejectedErrors?: { recipient?: string }[] }).rejectedErrors ?? [];
          const error = errors.find((e) => e.recipient?.toLowerCase() === recipient.toLowerCase());
          return classifyError(error ?? { responseCode: 550, response: `recipient ${recipient} rejected` });
        }
        return { kind: 'sent', response, queueId: queueIdOf(response), code: basicCode(response), enhancedCode: enhancedCode(response) };
      } catch (error) {
        return classifyError(error);
      } finally {
        if (--inFlight === 0 && options.idleCloseMs !== undefined) {
          idleTimer = setTimeout(closeIdle, options.idleCloseMs);
          idleTimer.unref();
        }
      }
    },
    close: () => {
      clearTimeout(idleTimer);
      closeIdle();
    },
  };
}

/** The relay a URL names, without credentials: the key its connection slots are counted under. */
export function relayKey(url: string): string {
  const u = new URL(url);
  return `${u.protocol.replace(':', '')}:${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
}
