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
    rateLimitPerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100000 },
  },
} as const;
