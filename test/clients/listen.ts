import type { AddressInfo } from 'node:net';
import { fastDelivery } from '../delivery/helpers.js';
import type { EngineKind } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import type { SmtpSink } from '../support/smtp-sink.js';

export interface ListeningMailroom extends TestMailroom {
  baseUrl: string;
}

/** A delivering Mailroom on a loopback port of its own, for real client libraries to call over HTTP. */
export async function startListeningMailroom(engine: EngineKind, sink: SmtpSink, env: Record<string, string> = {}): Promise<ListeningMailroom> {
  const m = await startTestMailroom(engine, { env: { ...fastDelivery, SMTP_URL: sink.url, ...env } });
  await m.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = m.app.server.address() as AddressInfo;
  return Object.assign(m, { baseUrl: `http://127.0.0.1:${port}` });
}
