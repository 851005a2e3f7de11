import { Command } from 'commander';
import { assertDeliveryConfigured, describeTransport, loadConfig } from '../../config.js';
import { createCore, startDelivery, startMetrics } from '../../compose.js';
import type { WorkerPool } from '../../delivery/workers.js';
import { note } from '../context.js';
import { createLogger } from '../../logger.js';

/** Delivery without the HTTP API: run as many of these as you like against one PostgreSQL database. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run delivery workers only (no HTTP API); stops gracefully on SIGINT/SIGTERM')
    .option('--concurrency <n>', 'workers in this process (default MAILROOM_WORKERS, at least 1)')
    .action(async (options: { concurrency?: string }) => {
      const config = loadConfig();
      assertDeliveryConfigured(config);
      const logger = createLogger(config.logLevel);
      const count = options.concurrency ? Number(options.concurrency) : Math.max(1, config.workers);
      if (!Number.isInteger(count) || count < 1 || count > 64) throw new Error('--concurrency must be an integer between 1 and 64');
      const core = await createCore(config, { logger });
      let pool: WorkerPool | undefined;
      const metrics = await startMetrics(core, () => pool);
      pool = await startDelivery(core, count);
      const transport = describeTransport(config);
      logger.info({ workers: count, database: core.engine.describe(), transport }, 'delivery workers started');
      note(`${count} delivery worker(s) on ${core.engine.describe()}; delivery: ${transport}`);
      if (metrics.server) note(`metrics at http://${config.metricsHost}:${metrics.server.port}/metrics`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping workers: finishing in-flight sends, releasing the rest');
        pool!
          .stop()
          .then(() => metrics.server?.close())
          .then(() => core.close())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              logger.error({ err: error }, 'shutdown failed');
              process.exit(1);
            },
          );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
