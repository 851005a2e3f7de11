/**
 * What an SMTP reply means for the message, judged by its RFC 3463 enhanced
 * status code (class.subject.detail). Pure, so bounce processing can reuse it
 * for asynchronous bounces (DSNs) as well as for replies during the session.
 *
 *  - address faults (the mailbox does not exist, cannot exist or moved away)
 *    bounce and suppress the address: sending again can only hurt the sender;
 *  - other permanent refusals (policy, spam, reputation, authentication,
 *    content, size) end the message with the reason but keep the address: it
 *    is fine, the next message may well pass;
 *  - a 5xx reply without a usable enhanced code ends the message but never
 *    suppresses: free text is not evidence enough to stop all future mail;
 *  - mailbox full and other soft conditions (system full, congestion) are
 *    retried even under a 5xx basic code, as most senders do;
 *  - every 4xx is retried.
 */
export type ReplyVerdict =
  | { action: 'accepted'; rule: string }
  | { action: 'retry'; rule: string }
  | { action: 'bounce'; suppress: true; rule: string }
  | { action: 'reject'; suppress: false; rule: string };

export interface Reply {
  /** The basic reply code (250, 451, 550, ...); null when there was none. */
  code: number | null;
  /** The enhanced status code (e.g. 5.1.1); null when the reply has none. */
  enhancedCode: string | null;
}

/** Address faults: the recipient mailbox itself is the problem. */
const addressFaults: Record<string, string> = {
  '5.1.1': 'bad destination mailbox address',
  '5.1.2': 'bad destination system address',
  '5.1.3': 'bad destination mailbox address syntax',
  '5.1.6': 'destination mailbox has moved, no forwarding address',
  '5.1.10': 'recipient address has a null MX',
  '5.2.1': 'mailbox disabled, not accepting messages',
  '5.4.4': 'unable to route to the destination',
  '5.7.13': 'user account disabled',
};

/** Permanent class, but the condition passes: retried like a 4xx. */
const softUnderPermanent: Record<string, string> = {
  '2.2': 'mailbox full',
  '3.1': 'mail system full',
  '4.5': 'mail system congestion',
  '4.7': 'delivery time expired at the receiving server',
};

const subjects: Record<string, string> = {
  '1': 'addressing status',
  '2': 'mailbox status',
  '3': 'mail system status',
  '4': 'network and routing status',
  '5': 'mail delivery protocol status',
  '6': 'message content or media',
  '7': 'security or policy',
};

export function classifyReply(reply: Reply): ReplyVerdict {
  const { code } = reply;
  const parts = reply.enhancedCode?.split('.') ?? [];
  const usable = parts.length === 3 && ['2', '4', '5'].includes(parts[0]!) ? parts : null;
  const enhanced = usable?.join('.');
  const subjectDetail = usable ? `${usable[1]}.${usable[2]}` : undefined;

  if (code !== null && code >= 200 && code < 300) return { action: 'accepted', rule: `${code}: accepted` };
  // The basic code has the last word on permanence (RFC 5321); a 4xx is retried whatever its enhanced code says.
  if (code !== null && code >= 400 && code < 500) {
    return { action: 'retry', rule: `${code}${enhanced ? ` ${enhanced}` : ''}: temporary failure, retried` };
  }
  if (code !== null && code >= 500 && code < 600) {
    if (!usable) return { action: 'reject', suppress: false, rule: `${code} without an enhanced status code: refused, address not suppressed` };
    if (usable[0] === '4') return { action: 'retry', rule: `${code} ${enhanced}: the enhanced code marks it temporary, retried` };
    const fault = addressFaults[`5.${subjectDetail}`];
    if (fault) return { action: 'bounce', suppress: true, rule: `${enhanced} (${fault}): address suppressed` };
    const soft = softUnderPermanent[subjectDetail!];
    if (soft) return { action: 'retry', rule: `${enhanced} (${soft}): soft condition, retried` };
    const subject = subjects[usable[1]!] ?? 'other';
    return { action: 'reject', suppress: false, rule: `${enhanced} (${subject}): refused, address not suppressed` };
  }
  return { action: 'retry', rule: code === null ? 'no reply code: retried' : `${code}: unexpected reply, retried` };
}
