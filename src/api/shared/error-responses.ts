/**
 * Every status an operation can answer, documented in one place rather than in
 * each route: the OpenAPI transform adds the family's error responses by what
 * the route has (credentials, a body, path parameters). Routes added later by
 * any family are documented the same way.
 */
import { errorSchemas, familyForPath } from './families.js';

interface RouteShape {
  url: string;
  method: string | string[];
  config?: unknown;
}

const descriptions: Record<string, string> = {
  400: 'The request does not match the schema, or a field is invalid; the error names the field.',
  401: 'No credentials, or credentials that are unknown, revoked or for another project.',
  403: 'The credentials lack the permission this operation requires, or a signed link does not verify.',
  404: 'The resource does not exist in this project.',
  422: 'A field is missing or invalid (the Resend family answers validation errors with 422, as Resend does).',
  409: 'The change conflicts with the current state (e.g. an idempotency key reused with another body).',
  413: 'The request body exceeds the configured limit.',
  415: 'The body is not application/json.',
  429: 'Too many requests from this address or with this key; see Retry-After.',
  500: 'An unexpected error; it has been logged.',
  503: 'The service is shutting down or its database is unavailable; retry later.',
};

/** Whether the route guards put authentication on this route (set in route-guards.ts). */
export const authenticatedRoutes = new WeakSet<object>();

/** JSON-schema keywords OpenAPI 3.0 schema objects do not have; validation keeps them, the document leaves them out. */
const notInOpenApi30 = new Set(['propertyNames', 'patternProperties', 'const', 'if', 'then', 'else', '$schema', 'contains', 'dependencies']);

function forOpenApi30(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(forOpenApi30);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !notInOpenApi30.has(key))
      .map(([key, v]) => [key, key === 'properties' || key === 'examples' ? mapValues(v) : forOpenApi30(v)]),
  );
}

/** Under `properties` the keys are field names, which may be spelled like keywords. */
function mapValues(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, forOpenApi30(v)]));
}

export function withErrorResponses(schema: Record<string, unknown> | undefined, route: RouteShape): Record<string, unknown> | undefined {
  if (!schema || schema.hide) return schema;
  const family = familyForPath(route.url);
  const errorSchema = family.name === 'system' ? errorSchemas.email : errorSchemas[family.name];
  const methods = ([] as string[]).concat(route.method);
  const statuses = new Set<number>([429, 500, 503]);
  if (authenticatedRoutes.has(route)) [400, 401, 403].forEach((s) => statuses.add(s));
  if (schema.body) [400, 413, 415].forEach((s) => statuses.add(s));
  if (schema.querystring || schema.params) statuses.add(400);
  // Signed links (unsubscribe) are checked without credentials and refused with 403.
  if (schema.querystring) statuses.add(403);
  if (schema.params || (authenticatedRoutes.has(route) && methods.some((m) => m !== 'GET'))) statuses.add(404);
  if (methods.some((m) => m !== 'GET' && m !== 'HEAD')) statuses.add(409);
  if (family.name === 'resend' && statuses.has(400)) statuses.add(422);
  const responses = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  for (const status of statuses) {
    if (responses[status] === undefined && responses[String(status)] === undefined) {
      responses[status] = { description: descriptions[status], ...errorSchema };
    }
  }
  // Ranges say nothing a client can act on once every status is listed; 3.0 validators also reject lower-case ones.
  for (const range of ['4xx', '5xx']) delete responses[range];
  return forOpenApi30({ ...schema, response: responses }) as Record<string, unknown>;
}
