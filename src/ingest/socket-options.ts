/**
 * Socket options of the SMTP ingest listener (bench/ingest.mjs gives its bare
 * baseline the same ones, so the comparison is fair).
 *
 * Measured on Linux 6.18 with nodemailer 7, which leaves Nagle's algorithm on:
 * it writes a message's first piece at once and holds the rest until that piece
 * is acknowledged. Linux treats a connection whose server answers at once (an
 * SMTP listener) as interactive and delays its ACKs by 40 ms, hoping to carry
 * them on a reply, but during DATA the server has nothing to say. So every
 * message waited 40 ms (about 110 msg/s over 5 pooled connections, a bare
 * smtp-server included). nodemailer 10 sets TCP_NODELAY and does not wait.
 *
 * TCP_QUICKACK, set after a read, sends the pending ACK now; the kernel goes
 * back to delayed ACKs with the next reply, so it is set on every read. Node
 * has no setsockopt of its own: the optional `sockopt` package provides it.
 * Without it (or off Linux) the listener works as before, only slower with
 * such clients; startSmtpIngest logs that once.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

const IPPROTO_TCP = 6;
/** linux/tcp.h; other systems use 12 for other options, so it is set on Linux only. */
const TCP_QUICKACK = 12;

type SetSockOpt = (socket: Socket, level: number, name: number, value: number) => void;

let loaded: SetSockOpt | null | undefined;
function setsockopt(): SetSockOpt | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform === 'linux') {
    try {
      loaded = (createRequire(import.meta.url)('sockopt') as { setsockopt: SetSockOpt }).setsockopt;
    } catch {
      // Not installed or not built for this platform: delayed ACKs stay as the kernel chooses.
    }
  }
  return loaded;
}

/** Whether data received is acknowledged at once (TCP_QUICKACK is available here). */
export function acksPromptly(): boolean {
  return setsockopt() !== null;
}

/** Replies leave at once (no Nagle) and every piece received is acknowledged at once (see above). */
export function tuneIngestSocket(socket: Socket): void {
  socket.setNoDelay(true);
  const set = setsockopt();
  if (!set) return;
  socket.prependListener('data', () => {
    try {
      set(socket, IPPROTO_TCP, TCP_QUICKACK, 1);
    } catch {
      // The socket closed under us: nothing left to acknowledge.
    }
  });
}
