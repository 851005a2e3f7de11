import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isMailroomError, MailroomError } from '../../core/errors.js';
import type { AcceptRequest } from '../../core/outbox/accept.js';
import { sendLimits } from '../../core/outbox/limits.js';
import { sendIdOf } from '../../core/outbox/sends.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';
import { idempotencyHeader, resendEmailSchema } from './schemas.js';
import { fetchPaths, toAcceptRequest, type ResendEmailBody } from './to-accept-request.js';

const idAnswer = { type: 'object', properties: { id: { type: 'string' } } } as const;

/** An item's error, named by its place in the batch. */
const itemError = (e: MailroomError, index: number) => new MailroomError(e.code, e.message.startsWith('[') ? e.message : `[${index}] ${e.message}`, e.details);

/**
 * POST /emails and POST /emails/batch. Each `to` address becomes its own outbox message sharing one
 * content; the email's id stands for all of them (core/outbox/sends.ts).
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
        const body = await fetchPaths(request.body, deps.fetchAttachment);
        const accepted = await deps.accept.accept(principalOf(request).projectId, toAcceptRequest(body, 'resend', randomUUID(), deps.clock.now()));
        return { status: 200, body: { id: sendIdOf(accepted.ids) } };
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
        const errors: Array<{ index: number; message: string }> = [];
        const mapped: Array<{ index: number; request: AcceptRequest }> = [];
        const emails = await Promise.all(
          request.body.map((email, index) => fetchPaths(email, deps.fetchAttachment, `[${index}].`).catch((error: unknown) => (isMailroomError(error) ? error : Promise.reject(error)))),
        );
        emails.forEach((email, index) => {
          try {
            if (isMailroomError(email)) throw email;
            mapped.push({ index, request: toAcceptRequest(email, 'resend', randomUUID(), now, `[${index}].`) });
          } catch (error) {
            if (!isMailroomError(error)) throw error;
            errors.push({ index, message: itemError(error, index).message });
            if (!permissive) throw itemError(error, index);
          }
        });
        if (!permissive) {
          // Strict: every item is checked before any is committed; the first bad one refuses the batch.
          const outcomes = await deps.accept.acceptAll(projectId, mapped.map((m) => m.request)).catch((error: unknown) => {
            throw isMailroomError(error) && typeof error.details?.index === 'number' ? itemError(error, error.details.index) : error;
          });
          return { status: 200, body: { data: outcomes.map((a) => ({ id: sendIdOf(a.ids) })) } };
        }
        const outcomes = await deps.accept.acceptEach(projectId, mapped.map((m) => m.request));
        const data: Array<{ id: string }> = [];
        outcomes.forEach((outcome, i) => {
          if ('error' in outcome) errors.push({ index: mapped[i]!.index, message: itemError(outcome.error, mapped[i]!.index).message });
          else data.push({ id: sendIdOf(outcome.accepted.ids) });
        });
        errors.sort((a, b) => a.index - b.index);
        return { status: 200, body: { data, errors } };
      }),
  );
}
