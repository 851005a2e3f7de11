import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendLimits } from '../../core/outbox/limits.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotencyHeaderSchema, idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';
import { mailMessageSchema } from './schemas.js';
import { toAcceptRequest, type MailMessageBody } from './to-accept-request.js';
import { isMailroomError, type MailroomError } from '../../core/errors.js';
import type { AcceptRequest } from '../../core/outbox/accept.js';

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
        // A body that cannot even be mapped is that item's error, like one accept refuses.
        const requests = request.body.emails.map((email): AcceptRequest | MailroomError => {
          try {
            return toAcceptRequest(email, 'batch', batchId);
          } catch (error) {
            if (!isMailroomError(error)) throw error;
            return error;
          }
        });
        const mapped = requests.filter((r): r is AcceptRequest => !(r instanceof Error));
        const outcomes = await deps.accept.acceptEach(principalOf(request).projectId, mapped);
        let next = 0;
        const results: ItemResult[] = requests.map((r, index) => {
          const outcome = r instanceof Error ? { error: r } : outcomes[next++]!;
          if ('error' in outcome) return { index, error: { code: outcome.error.code, message: `emails[${index}].${outcome.error.message}` } };
          return { index, id: outcome.accepted.ids[0]!, ids: outcome.accepted.ids };
        });
        return { status: 200, body: { batchId, results } };
      }),
  );
}
