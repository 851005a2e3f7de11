import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Received {
  raw: string;
  from: string | null;
  to: string[];
  messageId: string | null;
  at: number;
}

export interface SinkReply {
  code: number;
  message: string;
}

export interface SinkOptions {
  port?: number;
  /** Return a reply to refuse a recipient (4xx/5xx). */
  onRcpt?: (address: string, session: SMTPServerSession) => SinkReply | undefined;
  /** Return a reply to refuse the message after DATA. */
  onData?: (received: Received) => SinkReply | undefined;
  /** Delay before accepting each message, in ms. */
  delayMs?: number;
  /**
   * Return true to keep the message (it counts as received) and then drop the
   * connection without replying: the SMTP lost-acknowledgement case.
   */
  dropAfterData?: (received: Received) => boolean;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: Received[];
  /** The most connections that were open at the same time. */
  maxConcurrent(): number;
  /** Connections opened since the sink started. */
  connections(): number;
  /** Messages whose data has fully arrived and whose reply has not been sent yet. */
  awaitingReply(): number;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function smtpError(reply: SinkReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const received: Received[] = [];
  let waiters: (() => void)[] = [];
  let open = 0;
  let peak = 0;
  let opened = 0;
  let pendingReplies = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    size: 50 * 1024 * 1024,
    maxClients: 200,
    onConnect(_session, callback) {
      opened++;
      peak = Math.max(peak, ++open);
      callback();
    },
    onClose() {
      open--;
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const reply = options.onRcpt?.(address.address, session);
      callback(reply ? smtpError(reply) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const message: Received = {
          raw,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? null,
          at: Date.now(),
        };
        if (options.dropAfterData?.(message)) {
          received.push(message);
          const ready = waiters;
          waiters = [];
          ready.forEach((w) => w());
          const connection = [...(server as unknown as { connections: Set<{ session: { id: string }; _socket: { destroy(): void } }> }).connections].find((c) => c.session.id === session.id);
          connection?._socket.destroy();
          return;
        }
        pendingReplies++;
        const finish = () => {
          pendingReplies--;
          const reply = options.onData?.(message);
          if (reply) return callback(smtpError(reply));
          received.push(message);
          const ready = waiters;
          waiters = [];
          ready.forEach((w) => w());
          // smtp-server puts this text in the 250 reply; its typings omit the argument.
          (callback as (error: Error | null, message?: string) => void)(null, `OK: queued as Q${received.length}`);
        };
        if (options.delayMs) setTimeout(finish, options.delayMs);
        else finish();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    maxConcurrent: () => peak,
    connections: () => opened,
    awaitingReply: () => pendingReplies,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`smtp sink: expected ${count} messages, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const parse = (message: Received): Promise<ParsedMail> => simpleParser(message.raw);

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
