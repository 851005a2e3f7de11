/**
 * Request and response examples for the OpenAPI document, made centrally: every JSON body
 * schema gets a sample (openapi-sampler), with realistic values chosen by field name, and the
 * operations a newcomer tries first get hand-written examples from the registry below.
 * Routes need not carry examples themselves; an `example` a route declares wins.
 */
import { sample } from 'openapi-sampler';

const projectId = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e6f';
const messageId = '0b7e4c52-3f1d-4a8e-b6c9-2d5e8f1a3c7b';
const at = '2026-11-28T09:00:00.000Z';
const atMs = 1795856400000;

/** Values for fields by name (lower-cased, without _ or -), for schemas that give no example. */
const byName: Record<string, { string?: unknown; integer?: unknown; number?: unknown; boolean?: unknown }> = {
  from: { string: 'App <app@yourdomain.com>' },
  to: { string: 'ann@example.com' },
  cc: { string: 'bob@example.com' },
  bcc: { string: 'audit@yourdomain.com' },
  replyto: { string: 'support@yourdomain.com' },
  email: { string: 'ann@example.com' },
  primaryemail: { string: 'ann@example.com' },
  recipient: { string: 'ann@example.com' },
  recipientemail: { string: 'ann@example.com' },
  sendfrom: { string: 'app@yourdomain.com' },
  subject: { string: 'Welcome to Acme' },
  html: { string: '<p>Hello {{ name }}, welcome!</p>' },
  text: { string: 'Hello, welcome!' },
  body: { string: '<p>Your code is <b>{{ code }}</b></p>' },
  content: { string: '<footer>Acme Inc.</footer>' },
  name: { string: 'welcome' },
  displayname: { string: 'Ann' },
  description: { string: 'order notifications' },
  url: { string: 'https://app.example.com/hooks/mailroom' },
  id: { string: messageId },
  uuid: { string: '3d9a5c1e-7b2f-4e6a-8c4d-5f1e2a3b4c6d' },
  projectid: { string: projectId },
  userid: { string: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
  batchid: { string: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f' },
  templateid: { string: 'welcome' },
  status: { string: 'queued' },
  simplestatus: { string: 'in-progress' },
  locale: { string: 'en' },
  languagetag: { string: 'en' },
  templatetype: { string: 'Register' },
  contenttype: { string: 'text/html' },
  code: { string: '123456' },
  key: { string: 'mr_sk_3q9…' },
  kind: { string: 'secret' },
  reason: { string: null },
  createdat: { string: at, integer: atMs, number: atMs },
  updatedat: { string: at, integer: atMs, number: atMs },
  scheduledat: { string: '2026-12-01T08:00:00.000Z', integer: atMs + 86_400_000 },
  sentat: { string: at, integer: atMs },
  occurredat: { string: at },
  time: { integer: atMs },
  expiresat: { string: '2026-11-28T10:00:00.000Z', integer: atMs + 3_600_000 },
  limit: { integer: 20 },
  count: { integer: 2 },
  attempts: { integer: 1 },
  attemptcount: { integer: 1 },
  transactional: { boolean: true },
};

type Schema = Record<string, unknown>;

/** A copy of the schema with name-based examples on properties that have none. */
function withFieldExamples(schema: unknown, name?: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => withFieldExamples(s, name));
  if (!schema || typeof schema !== 'object') return schema;
  const s = { ...(schema as Schema) };
  const type = typeof s.type === 'string' ? s.type : undefined;
  const hint = name ? byName[name.toLowerCase().replace(/[_-]/g, '')] : undefined;
  if (hint && type && s.example === undefined && s.enum === undefined && s.default === undefined && type in hint) s.example = hint[type as keyof typeof hint];
  if (s.properties && typeof s.properties === 'object') {
    s.properties = Object.fromEntries(Object.entries(s.properties as Schema).map(([k, v]) => [k, withFieldExamples(v, k)]));
  }
  if (s.items) s.items = withFieldExamples(s.items, name);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((v) => withFieldExamples(v, name));
  return s;
}

/** An example value for a JSON schema. */
export function exampleFor(schema: unknown, spec: unknown): unknown {
  try {
    return sample(withFieldExamples(schema) as never, { skipReadOnly: false, skipWriteOnly: false, quiet: true } as never, spec as never);
  } catch {
    return undefined;
  }
}

const outboxEntry = {
  id: messageId,
  status: 'sent',
  simple_status: 'ok',
  subject: 'Welcome to Acme',
  recipient: 'ann@example.com',
  created_at: at,
  updated_at: at,
  source: 'send-email',
  attempt_count: 1,
  captured: false,
  status_history: [
    { status: 'queued', reason: null, at },
    { status: 'sent', reason: null, at },
  ],
};

const mailEmail = {
  id: messageId,
  from: 'App <app@yourdomain.com>',
  to: 'ann@example.com',
  subject: 'Welcome to Acme',
  status: 'queued',
  simpleStatus: 'in-progress',
  captured: false,
  createdAt: at,
  updatedAt: at,
};

/**
 * Hand-written examples keyed by "METHOD /path" (the path as in the document): `request` is the
 * JSON body, `responses` by status code. Families added later can register theirs here.
 */
export const exampleRegistry: Record<string, { request?: unknown; responses?: Record<string, unknown> }> = {
  'POST /mail/send': {
    request: { from: 'App <app@yourdomain.com>', to: 'ann@example.com', subject: 'Welcome to Acme', html: '<p>Hello Ann, welcome!</p>', transactional: true },
    responses: { 200: mailEmail },
  },
  'POST /mail/broadcast': {
    request: { from: 'News <news@yourdomain.com>', to: ['ann@example.com', 'bob@example.com'], subject: 'November news', html: '<h1>What is new</h1>' },
    responses: { 200: { batchId: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f', count: 2, ids: [messageId, '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'] } },
  },
  'POST /mail/batch': {
    request: {
      emails: [
        { from: 'app@yourdomain.com', to: 'ann@example.com', subject: 'Your receipt', text: 'Thanks for your order.' },
        { from: 'app@yourdomain.com', to: 'bob@example.com', subject: 'Your receipt', text: 'Thanks for your order.' },
      ],
    },
  },
  'POST /api/v1/emails/send-email': {
    request: { recipients: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'ann@example.com'], subject: 'Welcome!', content: { html: '<h1>Welcome</h1>' } },
    responses: { 200: { success: true } },
  },
  'GET /api/v1/emails/outbox/{id}': { responses: { 200: outboxEntry } },
  'GET /api/v1/emails/outbox': { responses: { 200: { items: [outboxEntry], is_paginated: true, pagination: { next_cursor: null } } } },
  'POST /api/v1/email/blocks': {
    request: { name: 'footer', content: '<footer>{{ text:bye }}</footer>' },
  },
  'POST /api/v1/email/templates': {
    request: {
      name: 'verify',
      subject: '{{ text:subject }}',
      parameters: ['code'],
      body: '<p>{{ text:intro }} <b>{{ code }}</b></p>',
      translations: { en: { subject: 'Your code', intro: 'Your code is' }, de: { subject: 'Ihr Code', intro: 'Ihr Code lautet' } },
    },
  },
  'PUT /api/email-templates': {
    request: {
      templates: [
        {
          languageTag: 'en',
          templateType: 'Register',
          details: { subject: 'Your code: {{ code }}', content: '<p>Your code is {{ code }}</p>', contentType: 'text/html' },
        },
      ],
    },
  },
  'POST /api/v1/webhooks': {
    request: { url: 'https://app.example.com/hooks/mailroom', events: ['email.sent', 'email.bounced'], description: 'delivery outcomes' },
  },
  'POST /api/v1/email/register': { request: { email: 'ann@example.com' } },
  'POST /api/v1/email/verify': { request: { code: '123456' }, responses: { 200: { status: 'verified', verifiedAt: atMs } } },
};

/** Error examples per family envelope, chosen by the error schema's fields. */
export function errorExample(schema: Schema): unknown {
  const props = (schema.properties ?? {}) as Schema;
  if ('statusCode' in props) return { statusCode: 422, name: 'validation_error', message: 'to: must be a valid address' };
  if ('error' in props) return { code: 'SCHEMA_ERROR', error: 'body.recipients: must NOT have fewer than 1 items', details: { field: 'body.recipients' } };
  if ('data' in props) return { code: 'SCHEMA_ERROR', message: 'body.templates/0/languageTag: is required', data: { field: 'body.templates/0/languageTag' } };
  return { code: 'SCHEMA_ERROR', message: 'body.to: must be an email address or a list of them' };
}
