/**
 * One Mailroom deployment for a scenario: an API process (`serve`,
 * MAILROOM_WORKERS=0) and N `worker` processes on one database, delivering to
 * the run's SMTP sink. The API's first start creates the project and prints
 * its keys, which is how the harness learns them.
 */
import { freePort } from './ports.js';
import { processGroup, type MailroomProcess, type ProcessGroup } from './processes.js';

export interface Deployment {
  base: string;
  projectId: string;
  key: string;
  databaseUrl: string;
  group: ProcessGroup;
  api: MailroomProcess;
  workers: MailroomProcess[];
  /** Starts one more worker process (e.g. replacing a killed one). */
  addWorker(): Promise<MailroomProcess>;
  stop(): Promise<void>;
}

export interface DeploymentOptions {
  databaseUrl: string;
  smtpUrl: string;
  workers: number;
  /** Extra environment for every process (timeouts, lease...). */
  env?: Record<string, string>;
}

export async function deploy(o: DeploymentOptions): Promise<Deployment> {
  const port = await freePort();
  const group = processGroup({
    DATABASE_URL: o.databaseUrl,
    SMTP_URL: o.smtpUrl,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    MAILROOM_POLL_MS: '200',
    MAILROOM_RETRY_BASE_MS: '500',
    MAILROOM_RETRY_MAX_MS: '2000',
    MAILROOM_BATCH_SIZE: '50',
    ...o.env,
  });
  const api = await group.spawn('api', 'serve', { PORT: String(port), MAILROOM_WORKERS: '0' }, 'mailroom is ready');
  // First start prints the default project's keys as a banner on stderr.
  const startup = api.output();
  const projectId = /project_id:\s+(\S+)/.exec(startup)?.[1];
  const key = /secret_server_key:\s+(\S+)/.exec(startup)?.[1];
  if (!projectId || !key) throw new Error(`the API did not print the default project's keys: ${api.output()}`);
  const workers: MailroomProcess[] = [];
  let n = 0;
  const addWorker = async () => {
    const w = await group.spawn(`worker-${++n}`, 'worker', { MAILROOM_WORKERS: '1' }, 'delivery workers started');
    workers.push(w);
    return w;
  };
  await Promise.all(Array.from({ length: o.workers }, addWorker));
  return {
    base: `http://127.0.0.1:${port}`,
    projectId,
    key,
    databaseUrl: o.databaseUrl,
    group,
    api,
    workers,
    addWorker,
    stop: () => group.stopAll(),
  };
}
