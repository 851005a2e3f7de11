/**
 * MIME (and DKIM) built on worker threads (piscina), so the event loop that
 * claims, sends and records is not the one paying nodemailer's ~0.4 ms per
 * message: on two cores this is what lets delivery pass a single-process sender.
 */
import type Mail from 'nodemailer/lib/mailer/index.js';
import { Piscina } from 'piscina';
import { compiledWorkerFile, workerExecArgv } from '../worker-file.js';
import { createMimeBuilder, type BuiltMessage } from './build-mime.js';
import type { BuildFailure, BuiltOnThread } from './mime-worker.js';


export interface MimePool {
  build(mail: Mail.Options): Promise<BuiltMessage>;
  close(): Promise<void>;
}

export function createMimePool(options: { threads: number }): MimePool {
  const pool = new Piscina<Mail.Options | null, BuiltOnThread | BuildFailure>({ execArgv: workerExecArgv, filename: compiledWorkerFile(import.meta.url, 'delivery/mime-worker.js'), minThreads: 1, maxThreads: options.threads, idleTimeout: 60_000 });
  // A thread takes a moment to load (seconds on a busy machine): until it has, messages are built here,
  // so the first mail after a start is not held up behind it.
  const here = createMimeBuilder();
  let loaded = false;
  pool.run(null, { name: 'ready' }).then(
    () => (loaded = true),
    () => undefined,
  );
  return {
    async build(mail) {
      if (!loaded) return here.build(mail);
      const result = await pool.run(mail);
      if ('failed' in result) throw Object.assign(new Error(result.failed.message), result.failed.code ? { code: result.failed.code } : {});
      return { envelope: result.envelope, messageId: result.messageId, raw: Buffer.from(result.raw.buffer, result.raw.byteOffset, result.raw.byteLength) };
    },
    async close() {
      here.close();
      await pool.destroy();
    },
  };
}
