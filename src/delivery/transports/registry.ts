import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { CaptureStore } from '../../core/delivery/types.js';
import type { ProjectSettings } from '../../core/projects/types.js';
import { createCaptureTransport } from './capture.js';
import { createSmtpTransport, relayKey } from './smtp.js';
import { slottedSocket } from './slotted-socket.js';
import { egressSocket, noDelaySocket } from './no-delay-socket.js';
import type { EgressMode } from '../../core/egress/policy.js';
import type { ConnectionSlots } from '../../core/delivery/types.js';
import type { Transport } from './transport.js';
import type { MimePool } from '../mime-pool.js';

/**
 * Picks the transport for a project: its own relay (settings.smtpUrl), else
 * SMTP_URL, else the capture inbox. One pool per relay URL, shared by every
 * worker in the process.
 */
export function createTransportRegistry(deps: {
  smtpUrl: string | undefined;
  maxConnections: number;
  /** Connections to one relay across all processes; undefined: only the per-process pool size applies. */
  connectionCap: number | undefined;
  timeoutMs: number;
  capture: CaptureStore;
  clock: Clock;
  /** Cross-process connection cap: each connection leases a slot first. */
  slots: ConnectionSlots;
  owner: string;
  /** The message lease: slots follow it, so a crashed process frees both on the same schedule. */
  leaseMs: number;
  /** The egress policy for projects' own relays (SMTP_URL is the operator's and is not restricted). */
  relayPolicy: EgressMode;
  logger: Logger;
  /** MIME threads shared by every relay's transport. */
  mime?: MimePool;
}) {
  const pools = new Map<string, Transport>();
  let capture: Transport | undefined;
  // Open relay connections of this process, for mailroom_smtp_connections_open.
  let open = 0;
  const counted =
    (inner: typeof noDelaySocket): typeof noDelaySocket =>
    (request, callback) =>
      inner(request, (error, socketOptions) => {
        if (!error && socketOptions) {
          open++;
          socketOptions.connection.once('close', () => open--);
        }
        callback(error, socketOptions);
      });
  return {
    openConnections: () => open,
    for(settings: ProjectSettings): Transport {
      const url = settings.smtpUrl ?? deps.smtpUrl;
      if (!url) return (capture ??= createCaptureTransport({ store: deps.capture, clock: deps.clock }));
      const tenantRelay = settings.smtpUrl !== undefined;
      const poolKey = `${tenantRelay ? 'tenant' : 'operator'} ${url}`;
      let pool = pools.get(poolKey);
      if (!pool) {
        const cap = deps.connectionCap;
        const connect = tenantRelay ? egressSocket(deps.relayPolicy) : noDelaySocket;
        if (cap === undefined) {
          pool = createSmtpTransport({ url, maxConnections: deps.maxConnections, timeoutMs: deps.timeoutMs, logger: deps.logger, mime: deps.mime }, counted(connect));
        } else {
          const getSocket = slottedSocket({
            slots: deps.slots,
            key: relayKey(url),
            cap,
            owner: deps.owner,
            clock: deps.clock,
            leaseMs: Math.min(30_000, deps.leaseMs),
            // Waiting must end well before the message's own lease does.
            waitMs: Math.min(60_000, deps.leaseMs / 2),
          }, connect);
          // An idle process gives its slots back quickly, so busy ones can use them.
          pool = createSmtpTransport({ url, maxConnections: Math.min(cap, deps.maxConnections), timeoutMs: deps.timeoutMs, idleCloseMs: 500, logger: deps.logger, mime: deps.mime }, counted(getSocket));
        }
        pools.set(poolKey, pool);
      }
      return pool;
    },
    async close(): Promise<void> {
      const closing = [...pools.values(), ...(capture ? [capture] : [])].map((t) => t.close());
      pools.clear();
      capture = undefined;
      await Promise.all(closing);
    },
  };
}

export type TransportRegistry = ReturnType<typeof createTransportRegistry>;
