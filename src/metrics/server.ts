import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A listener of its own for `/metrics` (MAILROOM_METRICS_PORT), for processes
 * without the HTTP API (`mailroom worker`) and for keeping metrics on a private
 * address. It serves nothing else and asks for no credential: bind it where only
 * Prometheus reaches (MAILROOM_METRICS_HOST).
 */
export async function startMetricsServer(metrics: Metrics, options: { host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: unknown) => {
        options.logger.warn({ err: error }, 'metrics could not be read');
        response.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable (database unreachable?)\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.logger.error({ err: error }, 'metrics listener failed'));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
