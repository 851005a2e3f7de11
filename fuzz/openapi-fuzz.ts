/**
 * Schema-driven fuzzing of a running Mailroom: every operation of its own
 * `/openapi.json`, with generated and mutated bodies, query strings and path
 * parameters, sent with valid and invalid credentials. A finding is any 5xx, a
 * status the document does not list for the operation, a JSON answer that does
 * not match the documented schema, or another project's data in an answer.
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';
import { mutatedFor, arbitraryFor, type Schema } from './schema-arbitrary.js';

export interface FuzzResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

export interface FuzzTarget {
  doc: OpenAPIV3.Document;
  send(request: { method: string; url: string; headers: Record<string, string>; body?: unknown }): Promise<FuzzResponse>;
  /** Header sets that authenticate (one project's keys). */
  validCredentials: Array<Record<string, string>>;
  /** Header sets that must not authenticate. */
  invalidCredentials: Array<Record<string, string>>;
  /** Ids of the same project's objects and of another project's, used as path parameters. */
  knownIds: string[];
  /** Strings only another project's data contains: none may ever appear in an answer. */
  foreignMarkers: string[];
}

export interface Finding {
  operation: string;
  request: { url: string; body?: unknown; credentials: 'valid' | 'invalid' };
  status: number;
  problem: string;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

function documented(responses: OpenAPIV3.ResponsesObject, status: number): OpenAPIV3.ResponseObject | undefined | 'range' {
  const exact = responses[String(status)] as OpenAPIV3.ResponseObject | undefined;
  if (exact) return exact;
  if (responses[`${String(status)[0]}XX`] || responses.default) return 'range';
  return undefined;
}

export async function fuzzOperations(target: FuzzTarget, options: { runsPerOperation: number; seed: number }): Promise<{ findings: Finding[]; requests: number; operations: number; statuses: Record<number, number> }> {
  const ajv = new Ajv({ strict: false, allErrors: false });
  const findings: Finding[] = [];
  let requests = 0;
  let operations = 0;
  const statuses: Record<number, number> = {};
  for (const [path, item] of Object.entries(target.doc.paths)) {
    if (!item || path.startsWith('/docs')) continue;
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      operations++;
      const operation = `${method.toUpperCase()} ${path}`;
      const parameters = (op.parameters ?? []) as OpenAPIV3.ParameterObject[];
      const bodySchema = (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content['application/json']?.schema as Schema | undefined;
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const request = fc.record({
        path: fc.tuple(...pathParams.map(() => fc.oneof(fc.constantFrom(...target.knownIds), fc.uuid(), fc.string({ minLength: 1, maxLength: 20 })))),
        query: fc.tuple(...queryParams.map((p) => fc.option(arbitraryFor(p.schema as Schema), { nil: undefined }))),
        body: bodySchema ? mutatedFor(bodySchema) : fc.constant(undefined),
        valid: fc.boolean(),
        credentials: fc.nat(),
      });
      for (const sample of fc.sample(request, { numRuns: options.runsPerOperation, seed: options.seed + operations })) {
        let url = path;
        pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeURIComponent(String(sample.path[i])))));
        const query = new URLSearchParams();
        queryParams.forEach((p, i) => {
          const value = sample.query[i];
          if (value !== undefined && value !== null) query.set(p.name, typeof value === 'object' ? JSON.stringify(value) : String(value));
        });
        if (query.size > 0) url += `?${query}`;
        const pool = sample.valid ? target.validCredentials : target.invalidCredentials;
        const headers = pool[sample.credentials % pool.length]!;
        const hasBody = bodySchema !== undefined && method !== 'get' && method !== 'delete';
        const response = await target.send({ method: method.toUpperCase(), url, headers, ...(hasBody ? { body: sample.body } : {}) });
        requests++;
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        const report = (problem: string) =>
          findings.push({ operation, request: { url, ...(hasBody ? { body: sample.body } : {}), credentials: sample.valid ? 'valid' : 'invalid' }, status: response.statusCode, problem });
        if (response.statusCode >= 500) report(`server error: ${response.body.slice(0, 300)}`);
        const doc = documented(op.responses, response.statusCode);
        if (doc === undefined && response.statusCode !== 101) report('status not documented for this operation');
        // An id the request itself named (path, body or a header such as x-stack-project-id) may be echoed
        // ("... was not found", "the key does not belong to project ..."); anything else foreign is a leak.
        const sentText = url + JSON.stringify(sample.body ?? '') + JSON.stringify(headers);
        const marker = target.foreignMarkers.find((m) => response.body.includes(m) && !sentText.includes(m));
        if (marker) report(`another project's data in the answer (${marker})`);
        const schema = doc && doc !== 'range' ? (doc.content?.['application/json']?.schema as Schema | undefined) : undefined;
        if (schema && String(response.headers['content-type'] ?? '').includes('application/json') && response.body) {
          const validate = ajv.compile(schema);
          if (!validate(JSON.parse(response.body))) report(`answer does not match the documented schema: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
  }
  return { findings, requests, operations, statuses };
}
