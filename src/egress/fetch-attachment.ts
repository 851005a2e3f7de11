/**
 * Fetches an attachment a send names by URL (Resend's `attachments[].path`), under the egress policy:
 * the address actually dialled is checked (guardedLookup), IP literals before connecting, no redirects
 * are followed (a redirect could lead past the check's intent), and size and time are bounded.
 */
import http from 'node:http';
import https from 'node:https';
import type { EgressMode } from '../core/egress/policy.js';
import { deadline } from './deadline.js';
import { guardedLookup, refusedLiteral } from './guarded-lookup.js';

export interface FetchedAttachment {
  content: Buffer;
  contentType: string | null;
}

/** Throws an Error whose message says why, fit to show the caller. */
export function fetchAttachment(url: string, options: { policy: EgressMode; timeoutMs: number; maxBytes: number }): Promise<FetchedAttachment> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new Error('is not a URL'));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return reject(new Error('must be an http or https URL'));
    const refused = refusedLiteral(target.hostname, options.policy);
    if (refused) return reject(new Error(`cannot be fetched: ${refused.message}`));
    const limit = deadline(options.timeoutMs);
    const fail = (message: string) => {
      limit.clear();
      limit.abort();
      reject(new Error(message));
    };
    const client = target.protocol === 'https:' ? https : http;
    const request = client.get(target, { signal: limit.signal, lookup: guardedLookup(options.policy), headers: { 'user-agent': 'Mailroom-Attachments/1' } });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        response.resume();
        return fail(`could not be fetched: the server answered ${status}`);
      }
      if (Number(response.headers['content-length'] ?? 0) > options.maxBytes) {
        response.resume();
        return fail(`is larger than ${options.maxBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) return fail(`is larger than ${options.maxBytes} bytes`);
        chunks.push(chunk);
      });
      response.on('end', () => {
        limit.clear();
        resolve({ content: Buffer.concat(chunks), contentType: response.headers['content-type']?.split(';')[0]?.trim() || null });
      });
      response.on('error', (error) => fail(`could not be fetched: ${error.message}`));
    });
    request.on('error', (error) => fail(limit.timedOut() ? `could not be fetched within ${options.timeoutMs} ms` : `could not be fetched: ${error.message}`));
  });
}
