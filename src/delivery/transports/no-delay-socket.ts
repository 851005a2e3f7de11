import net from 'node:net';
import tls from 'node:tls';

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
export function noDelaySocket(options: SocketRequest, callback: SocketCallback): void {
  const host = options.host ?? 'localhost';
  const port = options.port ?? (options.secure ? 465 : 587);
  const socket = options.secure ? tls.connect({ ...options.tls, host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
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
