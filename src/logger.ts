import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; secrets in headers never reach them. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mailroom' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-stack-secret-server-key"]',
        'req.headers["x-stack-admin-access-token"]',
        'req.headers["x-hexclave-secret-server-key"]',
        'req.headers["x-hexclave-admin-access-token"]',
        'req.headers["x-mailroom-root-key"]',
      ],
      censor: '[redacted]',
    },
  });
}
