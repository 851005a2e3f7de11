import net from 'node:net';
import tls from 'node:tls';
import type { EgressMode } from '../../core/egress/policy.js';
import { guardedLookup, refusedLiteral } from '../../egress/guarded-lookup.js';

interface SocketRequest {
  host?: string;
  port?: number;
  secure?: boolean;
  tls?: tls.ConnectionOptions;
  connectionTimeout?: number;
}

type SocketCallback = (error: Error | null, socketOptions?: { connection: net.Socket; secured?: boolean }) => void;

/**
 * Opens the pool's connections with Nagle's algorithm off. SMTP is a chain of
 * small request/response exchanges; with Nagle on (nodemailer's default) each
 * exchange can wait for a delayed ACK, which caps a loopback connection at
 * about 20 messages per second.
 */
export function noDelaySocket(options: SocketRequest, callback: SocketCallback, egress?: EgressMode): void {
  const host = options.host ?? 'localhost';
  const port = options.port ?? (options.secure ? 465 : 587);
  // A tenant's relay is dialled under the egress policy, judged on the address actually connected to.
  const refused = egress ? refusedLiteral(host, egress) : undefined;
  if (refused) return callback(refused);
  const lookup = egress ? { lookup: guardedLookup(egress) } : {};
  const socket = options.secure
    ? tls.connect({ ...options.tls, host, port, servername: net.isIP(host) ? undefined : host, ...lookup })
    : net.connect({ host, port, ...lookup });
  socket.setNoDelay(true);
  let settled = false;
  const finish = (error: Error | null) => {
    if (settled) return;
    settled = true;
    socket.setTimeout(0);
    socket.removeListener('error', finish);
    if (error) {
      socket.destroy();
      callback(error);
    } else callback(null, { connection: socket, ...(options.secure ? { secured: true } : {}) });
  };
  socket.setTimeout(options.connectionTimeout ?? 30_000, () => finish(Object.assign(new Error(`connection to ${host}:${port} timed out`), { code: 'ETIMEDOUT' })));
  socket.once('error', finish);
  socket.once(options.secure ? 'secureConnect' : 'connect', () => finish(null));
}

/** The socket factory for a tenant's own relay: every connection obeys the egress policy. */
export const egressSocket =
  (mode: EgressMode): typeof noDelaySocket =>
  (options, callback) =>
    noDelaySocket(options, callback, mode);
