import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { EgressMode } from '../core/egress/policy.js';
import { deadline } from '../egress/deadline.js';
import { guardedLookup, refusedLiteral } from '../egress/guarded-lookup.js';

export interface PostResult {
  status: number | null;
  body: string | null;
  error: string | null;
}

/** Enough of a receiver's answer to explain a failure; the rest is discarded. */
const maxBodyChars = 2_000;

/**
 * POSTs a signed body (Standard Webhooks: webhook-id, webhook-timestamp,
 * webhook-signature) and reports the status and the start of the answer.
 * Never throws: every failure is a result the delivery log records.
 */
export function postWebhook(options: {
  url: string;
  messageId: string;
  secret: string;
  body: string;
  timeoutMs: number;
  policy: EgressMode;
  signal: AbortSignal;
  now: Date;
}): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const limit = deadline(options.timeoutMs);
    const onStop = () => limit.abort();
    options.signal.addEventListener('abort', onStop, { once: true });
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      limit.clear();
      options.signal.removeEventListener('abort', onStop);
      resolve(result);
    };
    if (options.signal.aborted) limit.abort();
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      return done({ status: null, body: null, error: 'invalid URL' });
    }
    const refused = refusedLiteral(url.hostname, options.policy);
    if (refused) return done({ status: null, body: null, error: refused.message });
    let signature: string;
    try {
      signature = new Webhook(options.secret).sign(options.messageId, options.now, options.body);
    } catch (error) {
      return done({ status: null, body: null, error: `could not sign: ${error instanceof Error ? error.message : String(error)}` });
    }
    const signal = limit.signal;
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      signal,
      lookup: guardedLookup(options.policy),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(options.body),
        'user-agent': 'Mailroom-Webhooks/1',
        'webhook-id': options.messageId,
        'webhook-timestamp': String(Math.floor(options.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < maxBodyChars) body += chunk;
      });
      response.on('end', () => done({ status: response.statusCode ?? null, body: body.slice(0, maxBodyChars) || null, error: null }));
      response.on('error', (error) => done({ status: response.statusCode ?? null, body: body.slice(0, maxBodyChars) || null, error: error.message }));
    });
    request.on('error', (error) => {
      const reason = limit.timedOut() ? `timed out after ${options.timeoutMs} ms` : error.message;
      done({ status: null, body: null, error: reason });
    });
    request.end(options.body);
  });
}
