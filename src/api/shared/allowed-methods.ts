import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Fastify answers a known path with an unknown method as "no route". To answer 405 with `Allow`
 * instead, every route is also registered in a router of our own (the one Fastify itself uses),
 * which is asked, on a miss, which methods the path does take. Call before any route is added.
 */
export function trackAllowedMethods(app: FastifyInstance): (url: string) => string[] {
  const router = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!(methods as readonly string[]).includes(method)) continue;
      if (!router.find(method as (typeof methods)[number], route.url)) router.on(method as (typeof methods)[number], route.url, () => undefined);
    }
  });
  return (url) => {
    const path = url.split('?')[0]!;
    return methods.filter((method) => router.find(method, path) !== null);
  };
}
