import type { FastifyInstance } from 'fastify';
import { highPriority } from '../../core/outbox/accept.js';
import { templateTypes, type TemplateType } from '../../core/templates/typed-types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas, logtoFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import type { ApiDeps } from '../deps.js';

/** What `@logto/connector-http-email` posts: `{to, type, payload, ip?}`. */
interface ConnectorBody {
  to: string;
  type: TemplateType;
  payload: { code?: string; link?: string; locale?: string; uiLocales?: string; [key: string]: unknown };
  ip?: string;
}

/** Logto passes `uiLocales` as a space-separated list ("de-DE en"); the first one is the wish. */
function localeOf(payload: ConnectorBody['payload']): string | null {
  if (typeof payload.locale === 'string' && payload.locale) return payload.locale;
  if (typeof payload.uiLocales === 'string') return payload.uiLocales.split(/\s+/).find(Boolean) ?? null;
  return null;
}

/**
 * The endpoint Logto's HTTP email connector is pointed at (its "endpoint" setting), with a key holding
 * emails:send as its static "Authorization" header. The project's typed template for the type and
 * locale is rendered with the payload as variables ({{code}}, {{link}}, {{user.name}}, ...).
 */
export async function logtoApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, logtoFamily);
  app.post<{ Body: ConnectorBody }>(
    '/logto/email',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['logto'],
        summary: "Send an email for Logto's HTTP email connector, from the project's typed template",
        body: {
          type: 'object',
          required: ['to', 'type', 'payload'],
          properties: {
            to: { type: 'string', minLength: 3, maxLength: 998 },
            type: { type: 'string', enum: [...templateTypes] },
            payload: { type: 'object', additionalProperties: true },
            ip: { type: 'string', maxLength: 64 },
          },
        },
        response: {
          202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          '4xx': errorSchemas.email,
        },
      },
    },
    async (request, reply) => {
      const { to, type, payload } = request.body;
      const id = await deps.typedSend.send(principalOf(request).projectId, {
        source: 'logto',
        to,
        templateType: type,
        locale: localeOf(payload),
        variables: payload,
        priority: highPriority,
      });
      return reply.code(202).send({ id, status: 'queued' });
    },
  );
}
