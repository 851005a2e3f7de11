import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { compiledWorkerFile, workerExecArgv } from '../../worker-file.js';

const checkpointEveryMs = 1_000;
/** A WAL file that has grown past this (SQLite's own auto-checkpoint size) has seen a large commit. */
const largeWalBytes = 1000 * 4096;

/**
 * WAL checkpoints from a timer instead of inside a commit. SQLite's auto-checkpoint runs in
 * the COMMIT that crosses 1,000 WAL pages, so a large accept (a 100,000-recipient broadcast
 * writes ~60 MB of pages) copied them all into the database file before it could answer:
 * 0.3–0.5 s of its ~0.7 s COMMIT. PASSIVE never waits for readers or writers; what it cannot
 * copy now (or while this connection is inside a transaction) the next tick does.
 *
 * The copying itself holds whichever thread runs it: ~0.15 s after a broadcast, and a few
 * milliseconds every second under steady sends, which was the tail of send latency. Small
 * WALs are checkpointed here; once the WAL file has grown past 4 MB (a large commit happened,
 * and will again), checkpoints move to a thread of their own with its own connection, so the
 * event loop never copies pages. The last connection to close checkpoints whatever is left,
 * so `stop()` closes the thread's connection before the caller closes its own.
 */
export function checkpointFromTimer(sqlite: BetterSqlite3.Database, filename: string): { stop(): Promise<void> } {
  sqlite.pragma('wal_autocheckpoint = 0');
  let thread: Worker | undefined;
  /** A thread that failed is not tried again: checkpoints stay here, where they cannot be lost. */
  let threadFailed = false;
  let timer = setInterval(tick, checkpointEveryMs);
  timer.unref();

  function tick(): void {
    if (!threadFailed && largeWal(filename)) return moveToThread();
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy, or closed meanwhile: the next tick tries again
    }
  }

  function moveToThread(): void {
    clearInterval(timer);
    const started = new Worker(compiledWorkerFile(import.meta.url, 'store/dialects/wal-checkpoint-worker.js'), {
      workerData: { filename, everyMs: checkpointEveryMs },
      execArgv: workerExecArgv,
    });
    thread = started;
    started.unref();
    const failed = () => {
      if (thread !== started) return;
      thread = undefined;
      threadFailed = true;
      timer = setInterval(tick, checkpointEveryMs);
      timer.unref();
    };
    started.on('error', failed);
    started.on('exit', failed);
  }

  return {
    async stop() {
      clearInterval(timer);
      const running = thread;
      thread = undefined;
      if (!running) return;
      await new Promise<void>((resolve) => {
        running.once('message', () => resolve());
        running.once('exit', () => resolve());
        running.postMessage('close');
      });
      await running.terminate();
    },
  };
}

function largeWal(filename: string): boolean {
  try {
    return statSync(`${filename}-wal`).size > largeWalBytes;
  } catch {
    return false;
  }
}
