/**
 * Finishes the OpenAPI document in one place (not route by route): the introduction, every
 * family's security scheme and which one each operation takes, and request/response examples
 * on every operation (./examples.ts). Applied by @fastify/swagger's transformObject.
 */
import { errorExample, exampleFor, exampleRegistry } from './examples.js';
import { securityFor, securitySchemes } from './security.js';

export const introduction = `Mailroom is a self-hosted email service: apps hand it mail over HTTP (or SMTP), it keeps every
message in a durable outbox, renders templates, delivers over SMTP with retries and reports every status change.

**Which API?** All families are views of the same outbox and templates; pick the one whose conventions you know:

| family | paths | credential |
|---|---|---|
| mail | \`/mail/...\` | \`Authorization: Bearer <key>\` |
| outbox (Stack-style) | \`/api/v1/emails/...\`, \`/api/v1/users\`, \`/api/v1/webhooks\` | \`x-stack-secret-server-key\` + \`x-stack-project-id\` (or Bearer) |
| email module | \`/api/v1/email/...\` | Bearer key with the named permission; end-user endpoints take an end-user token |
| email templates | \`/api/email-templates\` | Bearer key |

**Try it out:** press *Authorize* and paste a key: a project's keys are printed once at first start, or made with
\`npx mailroom projects create --name NAME --json\`. Errors come in each family's own shape and name the field at fault.`;

type Operation = {
  security?: unknown;
  requestBody?: { content?: Record<string, { schema?: unknown; example?: unknown; examples?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown; examples?: unknown }> }>;
};
type Doc = {
  info?: Record<string, unknown>;
  components?: { securitySchemes?: Record<string, unknown> } & Record<string, unknown>;
  paths?: Record<string, Record<string, Operation>>;
};

const methods = new Set(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']);

function addExample(media: { schema?: unknown; example?: unknown; examples?: unknown }, value: unknown): void {
  if (media.example !== undefined || media.examples !== undefined || value === undefined) return;
  media.example = value;
}

export function documentApi<T>(input: T): T {
  const doc = input as Doc;
  doc.info = { ...doc.info, description: introduction };
  doc.components = { ...doc.components, securitySchemes: { ...doc.components?.securitySchemes, ...securitySchemes } };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!methods.has(method)) continue;
      op.security ??= securityFor(path);
      const registered = exampleRegistry[`${method.toUpperCase()} ${path}`];
      for (const media of Object.values(op.requestBody?.content ?? {})) addExample(media, registered?.request ?? exampleFor(media.schema, doc));
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        for (const media of Object.values(response.content ?? {})) {
          const isError = /^[45]/.test(status);
          const value = registered?.responses?.[status] ?? (isError ? errorExample((media.schema ?? {}) as Record<string, unknown>) : exampleFor(media.schema, doc));
          addExample(media, value);
        }
      }
    }
  }
  return input;
}
