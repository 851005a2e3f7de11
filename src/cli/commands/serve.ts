import { Command } from 'commander';
import { assertDeliveryConfigured, describeTransport, loadConfig, type Config } from '../../config.js';
import { createMailroom, type Mailroom } from '../../compose.js';
import { createLogger } from '../../logger.js';
import { note } from '../context.js';

/**
 * On an empty database, make a project so a newcomer can send at once. Its keys are
 * shown this one time, as a banner on the terminal (stderr), never in the JSON log stream.
 */
async function ensureDefaultProject(mailroom: Mailroom): Promise<void> {
  if ((await mailroom.core.projects.countProjects()) > 0) return;
  const created = await mailroom.core.projects.createProject({ name: 'default', settings: { defaultSender: 'mailroom@mailroom.local' } });
  process.stderr.write(
    [
      '',
      '┌─ Created a default project. Its keys are shown only this once: store them now. ─',
      `│ project_id:             ${created.project_id}`,
      `│ secret_server_key:      ${created.secret_server_key}`,
      `│ admin_key:              ${created.admin_key}`,
      `│ publishable_client_key: ${created.publishable_client_key}`,
      '└─',
      '',
    ].join('\n'),
  );
}

function banner(config: Config, mailroom: Mailroom, url: string): string {
  const lines = [
    `Mailroom is ready at ${url} (API reference: ${url}/docs)`,
    `  console:   ${config.publicUrl}/  (sign in with a project key, e.g. the admin_key printed at first start)`,
    `  database:  ${mailroom.core.engine.describe()}`,
    `  delivery:  ${describeTransport(config)}`,
    `  workers:   ${config.workers}${config.workers === 0 ? ' (API only; run `mailroom worker` to deliver)' : ''}`,
  ];
  if (mailroom.metricsServer) lines.push(`  metrics:   http://${config.metricsHost}:${mailroom.metricsServer.port}/metrics`);
  else lines.push(`  metrics:   ${config.metricsToken ? `${url}/metrics (Bearer MAILROOM_METRICS_TOKEN)` : 'off (set MAILROOM_METRICS_TOKEN or MAILROOM_METRICS_PORT)'}`);
  if (mailroom.ingest) lines.push(`  smtp in:   ${config.host}:${mailroom.ingest.port}`);
  return `${lines.join('\n')}\n`;
}

export function serveCommand(): Command {
  return new Command('serve').description('run the HTTP API and delivery workers (the default command)').action(async () => {
    const config = loadConfig();
    assertDeliveryConfigured(config);
    const logger = createLogger(config.logLevel);
    const mailroom = await createMailroom(config, { logger });
    await ensureDefaultProject(mailroom);
    const url = await mailroom.app.listen({ port: config.port, host: config.host });
    const transport = describeTransport(config);
    logger.info({ database: mailroom.core.engine.describe(), transport, docs: `${config.publicUrl}/docs` }, 'mailroom is ready');
    process.stderr.write(banner(config, mailroom, url));
    if (!config.smtpUrl && !config.captureChosen) note('no SMTP_URL: mail is captured, not delivered (read it with `mailroom inbox` or /api/v1/dev/inbox)');

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests and sends');
      mailroom.close().then(
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
