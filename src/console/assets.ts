import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { consoleJs } from './client.js';
import { consoleCss } from './styles.js';

/** Every asset the console needs, served by Mailroom itself (no CDN): htmx from node_modules, our CSS and script. */
export function assetRoutes(app: FastifyInstance): void {
  const htmx = readFileSync(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'), 'utf8');
  const assets: Record<string, { type: string; body: string }> = {
    'htmx.min.js': { type: 'text/javascript; charset=utf-8', body: htmx },
    'console.js': { type: 'text/javascript; charset=utf-8', body: consoleJs },
    'console.css': { type: 'text/css; charset=utf-8', body: consoleCss },
  };
  app.get<{ Params: { name: string } }>('/console/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets[request.params.name];
    if (!asset) return reply.code(404).type('text/plain').send('not found');
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body);
  });
}
