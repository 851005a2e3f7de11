/** Limits every send path enforces, whatever the family. */
export const sendLimits = {
  /** html or text of one message, in bytes. */
  maxBodyBytes: 2 * 1024 * 1024,
  maxSubjectLength: 998,
  /** to + cc + bcc of one message. */
  maxRecipientsPerMessage: 50,
  /** Recipients of one broadcast or send-email request. */
  maxBroadcastRecipients: 100_000,
  maxBatchEmails: 100,
  maxAttachments: 20,
  /** Decoded size of one attachment. */
  maxAttachmentBytes: 10 * 1024 * 1024,
  /** Decoded size of all attachments of one message. */
  maxTotalAttachmentBytes: 20 * 1024 * 1024,
  maxHeaders: 50,
  maxTags: 20,
} as const;
