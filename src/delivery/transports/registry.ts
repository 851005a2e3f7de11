import type { Clock } from '../../core/clock.js';
import type { CaptureStore } from '../../core/delivery/types.js';
import type { ProjectSettings } from '../../core/projects/types.js';
import { createCaptureTransport } from './capture.js';
import { createSmtpTransport } from './smtp.js';
import type { Transport } from './transport.js';

/**
 * Picks the transport for a project: its own relay (settings.smtpUrl), else
 * SMTP_URL, else the capture inbox. One pool per relay URL, shared by every
 * worker in the process.
 */
export function createTransportRegistry(deps: {
  smtpUrl: string | undefined;
  maxConnections: number;
  timeoutMs: number;
  capture: CaptureStore;
  clock: Clock;
}) {
  const pools = new Map<string, Transport>();
  let capture: Transport | undefined;
  return {
    for(settings: ProjectSettings): Transport {
      const url = settings.smtpUrl ?? deps.smtpUrl;
      if (!url) return (capture ??= createCaptureTransport({ store: deps.capture, clock: deps.clock }));
      let pool = pools.get(url);
      if (!pool) pools.set(url, (pool = createSmtpTransport({ url, maxConnections: deps.maxConnections, timeoutMs: deps.timeoutMs })));
      return pool;
    },
    close(): void {
      for (const pool of pools.values()) pool.close();
      pools.clear();
      capture?.close();
      capture = undefined;
    },
  };
}

export type TransportRegistry = ReturnType<typeof createTransportRegistry>;
