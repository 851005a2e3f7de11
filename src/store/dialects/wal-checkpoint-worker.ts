/**
 * The thread wal-checkpoints.ts moves checkpoints to: its own connection to the
 * database file, a PASSIVE checkpoint every `everyMs`, closed on request. PASSIVE
 * never waits for the writer on the main thread, which goes on appending to the WAL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { filename, everyMs } = workerData as { filename: string; everyMs: number };
const sqlite = new BetterSqlite3(filename, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy: the next tick tries again
  }
}, everyMs);
parentPort!.once('message', () => {
  clearInterval(timer);
  sqlite.close();
  parentPort!.postMessage('closed');
});
