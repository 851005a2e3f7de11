import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { systemFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';

/** Liveness, readiness and the API description. */
export async function systemRoutes(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, systemFamily);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await deps.checkReady();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).header('retry-after', '2').send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
