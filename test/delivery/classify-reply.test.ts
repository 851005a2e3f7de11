import { describe, expect, it } from 'vitest';
import { classifyReply } from '../../src/delivery/classify-reply.js';
import { basicCode, classifyError, enhancedCode } from '../../src/delivery/smtp-reply.js';

/** Replies as the big receivers and common MTAs word them (trimmed of their tracking ids). */
const table: [source: string, reply: string, expected: { action: string; suppress?: boolean; rule?: RegExp }][] = [
  // Address faults: bounce and suppress.
  ['Gmail', "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos", { action: 'bounce', suppress: true, rule: /5\.1\.1/ }],
  ['Gmail', '550 5.2.1 The email account that you tried to reach is disabled.', { action: 'bounce', suppress: true, rule: /5\.2\.1 \(mailbox disabled/ }],
  ['Outlook', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', { action: 'bounce', suppress: true, rule: /5\.1\.10/ }],
  ['Outlook', '550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain', { action: 'bounce', suppress: true, rule: /5\.4\.4/ }],
  ['Yahoo', '554 5.7.13 [PH01] user account disabled', { action: 'bounce', suppress: true, rule: /5\.7\.13/ }],
  ['Postfix', '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table', { action: 'bounce', suppress: true }],
  ['Postfix', '550 5.1.2 <a@nowhere.invalid>: Recipient address rejected: Domain not found', { action: 'bounce', suppress: true, rule: /5\.1\.2/ }],
  ['Exim', '550 5.1.3 Bad recipient address syntax', { action: 'bounce', suppress: true, rule: /5\.1\.3/ }],
  ['Exim', '551 5.1.6 User has moved; no forwarding address', { action: 'bounce', suppress: true, rule: /5\.1\.6/ }],
  // Policy, reputation, authentication, content: end the message, keep the address.
  ['Spamcop via Postfix', '550 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using bl.spamcop.net', { action: 'reject', suppress: false, rule: /5\.7\.1 \(security or policy\)/ }],
  ['Gmail', '550-5.7.1 [203.0.113.9] Our system has detected that this message is likely unsolicited mail.', { action: 'reject', suppress: false }],
  ['Gmail', '550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.', { action: 'reject', suppress: false, rule: /5\.7\.26/ }],
  ['Outlook', '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.', { action: 'reject', suppress: false }],
  ['Outlook', '550 5.7.1 Unfortunately, messages from [203.0.113.9] weren\'t sent. Please contact your Internet service provider', { action: 'reject', suppress: false }],
  ['Yahoo', '554 5.7.9 Message not accepted for policy reasons.', { action: 'reject', suppress: false }],
  ['Gmail', '552-5.7.0 This message was blocked because its content presents a potential security issue.', { action: 'reject', suppress: false }],
  ['Postfix', '554 5.6.0 Message rejected: content not allowed', { action: 'reject', suppress: false, rule: /5\.6\.0 \(message content/ }],
  ['Exim', '550 5.7.0 Authentication required', { action: 'reject', suppress: false }],
  ['Postfix', '552 5.3.4 Message size exceeds fixed limit', { action: 'reject', suppress: false }],
  ['Outlook', '550 5.1.8 Access denied, bad outbound sender', { action: 'reject', suppress: false }],
  // A 5xx without a usable enhanced code never suppresses, however it is worded.
  ['Exim (no ESMTP codes)', '550 unrouteable address', { action: 'reject', suppress: false, rule: /without an enhanced status code/ }],
  ['Old sendmail', '554 delivery error: dd This user doesn\'t have a yahoo.com account', { action: 'reject', suppress: false }],
  // Mailbox full and soft conditions: retried.
  ['Gmail', '452-4.2.2 The recipient\'s inbox is out of storage space. Please direct the recipient to support.', { action: 'retry' }],
  ['Gmail', '552-5.2.2 The email account that you tried to reach is over quota.', { action: 'retry', rule: /mailbox full/ }],
  ['Yahoo', '552 5.2.2 Mailbox size limit exceeded', { action: 'retry' }],
  ['Outlook', '452 4.3.1 Insufficient system resources', { action: 'retry' }],
  ['Yahoo', '421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume or user complaints', { action: 'retry' }],
  ['Gmail', '450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.', { action: 'retry' }],
  ['Postfix greylisting', '450 4.7.1 <a@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/', { action: 'retry' }],
  ['Exim', '451 Temporary local problem - please try later', { action: 'retry' }],
  ['Outlook', '451 4.7.500 Server busy. Please try again later from [203.0.113.9].', { action: 'retry' }],
  ['Odd relay', '550 4.4.5 System congestion', { action: 'retry' }],
  ['Accepted', '250 2.0.0 OK  1711111111 x1si123 - gsmtp', { action: 'accepted' }],
];

describe('classifyReply: RFC 3463 enhanced status codes decide bounce, refusal or retry', () => {
  it.each(table)('%s: %s', (_source, reply, expected) => {
    const verdict = classifyReply({ code: basicCode(reply), enhancedCode: enhancedCode(reply) });
    expect(verdict).toMatchObject({ action: expected.action, ...(expected.suppress !== undefined ? { suppress: expected.suppress } : {}) });
    if (expected.rule) expect(verdict.rule).toMatch(expected.rule);
  });

  it('reads the enhanced code after a multi-line reply dash', () => {
    expect(enhancedCode('550-5.1.1 The email account')).toBe('5.1.1');
    expect(enhancedCode('550 5.1.10 RESOLVER')).toBe('5.1.10');
  });

  it('turns errors into results: only address faults suppress, and the rule says why', () => {
    expect(classifyError({ responseCode: 550, response: '550 5.7.1 blocked using bl.spamcop.net' })).toMatchObject({ kind: 'bounced', suppress: false, rule: expect.stringContaining('5.7.1') });
    expect(classifyError({ responseCode: 550, response: '550 5.1.1 No such user' })).toMatchObject({ kind: 'bounced', suppress: true, rule: expect.stringContaining('5.1.1') });
    expect(classifyError({ responseCode: 552, response: '552 5.2.2 Mailbox full' })).toMatchObject({ kind: 'deferred' });
  });
});
