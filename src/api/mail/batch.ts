import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { toMailroomError } from '../shared/to-mailroom-error.js';
import { sendLimits } from '../../core/outbox/limits.js';
import type { NewMessage } from '../../core/outbox/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotencyHeaderSchema, idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';
import { mailMessageSchema } from './schemas.js';
import { toNewMessages, type MailMessageBody } from './to-new-message.js';

type ItemResult = { index: number; ids: string[]; id: string } | { index: number; error: { code: string; message: string } };

/**
 * Up to 100 different emails. Each item is checked on its own: a bad item gets
 * its error in its result and the valid ones are committed together.
 */
export function batchRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: { emails: MailMessageBody[] } }>(
    '/mail/batch',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['mail'],
        summary: 'Send up to 100 different emails; a result per item',
        headers: idempotencyHeaderSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['emails'],
          properties: { emails: { type: 'array', minItems: 1, maxItems: sendLimits.maxBatchEmails, items: mailMessageSchema } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              batchId: { type: 'string' },
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    index: { type: 'integer' },
                    id: { type: 'string' },
                    ids: { type: 'array', items: { type: 'string' } },
                    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
                  },
                },
              },
            },
          },
          '4xx': errorSchemas.mail,
        },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const batchId = randomUUID();
        const accepted: Array<{ index: number; messages: NewMessage[] }> = [];
        const results: ItemResult[] = [];
        const projectId = principalOf(request).projectId;
        for (const [index, email] of request.body.emails.entries()) {
          try {
            const messages: NewMessage[] = [];
            for (const m of toNewMessages(email, 'batch', batchId)) messages.push(await deps.send.check(projectId, m));
            accepted.push({ index, messages });
          } catch (error) {
            const e = toMailroomError(error);
            if (e.kind === 'internal') throw error;
            results.push({ index, error: { code: e.code, message: `emails[${index}].${e.message}` } });
          }
        }
        const ids = await deps.send.commitChecked(projectId, accepted.flatMap((a) => a.messages));
        let next = 0;
        for (const a of accepted) {
          const mine = ids.slice(next, next + a.messages.length);
          next += a.messages.length;
          results.push({ index: a.index, id: mine[0]!, ids: mine });
        }
        results.sort((x, y) => x.index - y.index);
        return { status: 200, body: { batchId, results } };
      }),
  );
}
