/**
 * One MIME thread: nodemailer builds (and DKIM-signs) the message exactly as on
 * the main thread (build-mime.ts); the bytes come back copied (a few KB; cheap beside the build).
 */
import type Mail from 'nodemailer/lib/mailer/index.js';
import { createMimeBuilder } from './build-mime.js';

const builder = createMimeBuilder();

export interface BuiltOnThread {
  envelope: { from: string | false; to: string[] };
  messageId: string;
  raw: Uint8Array;
}

/** A build failure as plain fields: an Error's own properties (nodemailer's `code`) do not survive the thread boundary. */
export type BuildFailure = { failed: { message: string; code?: string } };

/** Answers once this thread has loaded (see mime-pool.ts: it builds on the main thread until then). */
export function ready(): boolean {
  return true;
}

export default async function build(mail: Mail.Options): Promise<BuiltOnThread | BuildFailure> {
  try {
    const built = await builder.build(mail);
    // Exactly its bytes: a small Buffer is a view on a shared slab, which would be copied whole.
    return { envelope: built.envelope, messageId: built.messageId, raw: Uint8Array.prototype.slice.call(built.raw) };
  } catch (error) {
    const e = error as { message?: string; code?: string };
    return { failed: { message: e.message ?? String(error), ...(e.code ? { code: e.code } : {}) } };
  }
}
