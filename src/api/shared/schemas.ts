/** JSON-schema fragments reused across families. */
export const uuidParam = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const projectSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaultSender: { type: 'string', maxLength: 998 },
    defaultLocale: { type: 'string', pattern: '^[a-z]{2}(-[A-Z]{2})?$' },
    smtpUrl: { type: 'string', pattern: '^smtps?://' },
    dkim: {
      type: 'object',
      additionalProperties: false,
      required: ['domainName', 'keySelector', 'privateKey'],
      properties: {
        domainName: { type: 'string', minLength: 1 },
        keySelector: { type: 'string', minLength: 1 },
        privateKey: { type: 'string', minLength: 1 },
      },
    },
    // OpenAPI 3.0 has no numeric exclusiveMinimum: a tiny minimum says "more than 0" in a form validators accept.
    rateLimitPerSecond: { type: 'number', minimum: 0.001, maximum: 100000 },
    requestsPerMinute: { type: 'integer', minimum: 1, maximum: 100_000_000 },
  },
} as const;
