import { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createMailroom, type Mailroom } from '../../compose.js';
import { createLogger } from '../../logger.js';

/** On an empty database, make a project so a newcomer can send at once; its keys are printed this one time. */
async function ensureDefaultProject(mailroom: Mailroom): Promise<void> {
  if ((await mailroom.core.projects.countProjects()) > 0) return;
  const created = await mailroom.core.projects.createProject({ name: 'default', settings: { defaultSender: 'mailroom@localhost' } });
  process.stdout.write(
    [
      '',
      'Created a default project. Its keys are shown only this once:',
      `  project_id:             ${created.project_id}`,
      `  secret_server_key:      ${created.secret_server_key}`,
      `  admin_key:              ${created.admin_key}`,
      `  publishable_client_key: ${created.publishable_client_key}`,
      '',
    ].join('\n'),
  );
}

export function serveCommand(): Command {
  return new Command('serve').description('run the HTTP API and delivery workers (the default command)').action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const mailroom = await createMailroom(config, { logger });
    await ensureDefaultProject(mailroom);
    await mailroom.app.listen({ port: config.port, host: config.host });
    logger.info({ database: mailroom.core.engine.describe(), docs: `${config.publicUrl}/docs` }, 'mailroom is ready');
    process.stdout.write(`\nConsole: ${config.publicUrl}/  (sign in with a project key, e.g. the admin_key)\n\n`);

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
