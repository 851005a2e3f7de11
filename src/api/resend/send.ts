import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendLimits } from '../../core/outbox/limits.js';
import type { NewMessage } from '../../core/outbox/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotent } from '../shared/idempotent.js';
import { toMailroomError } from '../shared/to-mailroom-error.js';
import type { ApiDeps } from '../deps.js';
import { idempotencyHeader, resendEmailSchema } from './schemas.js';
import { toNewMessages, type ResendEmailBody } from './to-new-message.js';

const idAnswer = { type: 'object', properties: { id: { type: 'string' } } } as const;

/**
 * POST /emails and POST /emails/batch. Each `to` address becomes its own outbox message sharing a
 * batch id; the email's id is the first message's.
 */
export function sendRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: ResendEmailBody }>(
    '/emails',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['resend'],
        summary: 'Send an email (Resend-compatible)',
        headers: idempotencyHeader,
        body: resendEmailSchema,
        response: { 200: idAnswer, '4xx': errorSchemas.resend },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const projectId = principalOf(request).projectId;
        const messages = toNewMessages(request.body, 'resend', randomUUID(), deps.clock.now());
        const ids = await deps.send.sendMessages(projectId, messages);
        return { status: 200, body: { id: ids[0]! } };
      }),
  );

  app.post<{ Body: ResendEmailBody[]; Headers: { 'x-batch-validation'?: 'strict' | 'permissive' } }>(
    '/emails/batch',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['resend'],
        summary: 'Send up to 100 emails (Resend-compatible); strict: all or none, permissive: the valid ones',
        headers: {
          type: 'object',
          properties: { ...idempotencyHeader.properties, 'x-batch-validation': { type: 'string', enum: ['strict', 'permissive'] } },
        },
        body: { type: 'array', minItems: 1, maxItems: sendLimits.maxBatchEmails, items: resendEmailSchema },
        response: {
          200: {
            type: 'object',
            properties: {
              data: { type: 'array', items: idAnswer },
              errors: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, message: { type: 'string' } } } },
            },
          },
          '4xx': errorSchemas.resend,
        },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const projectId = principalOf(request).projectId;
        const permissive = request.headers['x-batch-validation'] === 'permissive';
        const now = deps.clock.now();
        const accepted: NewMessage[][] = [];
        const errors: Array<{ index: number; message: string }> = [];
        for (const [index, email] of request.body.entries()) {
          try {
            const group: NewMessage[] = [];
            for (const m of toNewMessages(email, 'batch', randomUUID(), now, `[${index}].`)) group.push(await deps.send.check(projectId, m));
            accepted.push(group);
          } catch (error) {
            const e = toMailroomError(error);
            if (e.kind === 'internal' || !permissive) throw e.kind === 'internal' ? error : prefixed(e, index);
            errors.push({ index, message: e.message });
          }
        }
        const ids = await deps.send.commitChecked(projectId, accepted.flat());
        const data: Array<{ id: string }> = [];
        let next = 0;
        for (const group of accepted) {
          data.push({ id: ids[next]! });
          next += group.length;
        }
        return { status: 200, body: permissive ? { data, errors } : { data } };
      }),
  );
}

function prefixed(e: ReturnType<typeof toMailroomError>, index: number) {
  return Object.assign(e, { message: e.message.startsWith('[') ? e.message : `[${index}] ${e.message}` });
}
