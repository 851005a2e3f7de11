import { classifyReply } from './classify-reply.js';

/**
 * Reading SMTP replies: classify-reply.ts decides what a reply means (sent,
 * retry, bounce and suppress, refuse without suppressing); the codes and text
 * are kept for people.
 */
export type SendResult =
  | { kind: 'sent'; response: string; queueId: string | null; code: number | null; enhancedCode: string | null; captured?: true }
  | { kind: 'deferred'; response: string; code: number | null; enhancedCode: string | null; retryAfterMs: number | null; rule: string }
  /** A permanent refusal; `suppress` when the address itself is at fault (the rule says which). */
  | { kind: 'bounced'; response: string; code: number; enhancedCode: string | null; suppress: boolean; rule: string }
  | { kind: 'failed'; response: string; code: number | null; enhancedCode: string | null }
  /** The connection failed after the message's final dot and before the reply: it may have been accepted. */
  | { kind: 'unknown'; response: string };

export function basicCode(response: string | undefined): number | null {
  const match = response ? /^(\d{3})[ -]/.exec(response) : null;
  return match ? Number(match[1]) : null;
}

export function enhancedCode(response: string | undefined): string | null {
  const match = response ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response) : null;
  return match?.[1] ?? null;
}

/** "try again in 30 seconds", "retry after 2 minutes", "try again later in 5 min". */
export function retryHintMs(response: string | undefined): number | null {
  const match = response ? /(?:try again|retry)\D{0,20}?(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b/i.exec(response) : null;
  if (!match) return null;
  const n = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  return n * (unit.startsWith('h') ? 3_600_000 : unit.startsWith('m') ? 60_000 : 1000);
}

export function queueIdOf(response: string | undefined): string | null {
  const match = response ? /queued as\s+([A-Za-z0-9._-]+)/i.exec(response) : null;
  return match?.[1] ?? null;
}

interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Errors without a reply code are the network's fault (refused, reset, timed out): retry. */
const networkCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'EPROTOCOL', 'ECONNREFUSED', 'ECONNRESET', 'EMAXLIMIT', 'ECIRCUIT', 'ESLOTS']);

export function classifyError(error: unknown): SendResult {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorLike;
  const response = e.response ?? e.message ?? String(error);
  const code = typeof e.responseCode === 'number' ? e.responseCode : basicCode(e.response);
  const enhanced = enhancedCode(e.response);
  if (code !== null && code >= 400) {
    const verdict = classifyReply({ code, enhancedCode: enhanced });
    if (verdict.action === 'bounce' || verdict.action === 'reject') {
      return { kind: 'bounced', response, code, enhancedCode: enhanced, suppress: verdict.suppress, rule: verdict.rule };
    }
    return { kind: 'deferred', response, code, enhancedCode: enhanced, retryAfterMs: retryHintMs(response), rule: verdict.rule };
  }
  if (e.code && networkCodes.has(e.code)) return { kind: 'deferred', response, code, enhancedCode: enhanced, retryAfterMs: null, rule: `${e.code}: connection failure, retried` };
  // A message the library refuses to build or address cannot succeed later either.
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { kind: 'failed', response, code, enhancedCode: enhanced };
  return { kind: 'deferred', response, code, enhancedCode: enhanced, retryAfterMs: null, rule: 'unexpected failure, retried' };
}
