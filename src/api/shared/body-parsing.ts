/**
 * How request bodies become values: JSON only, strict UTF-8, no type coercion; an empty
 * JSON body is no body.
 * A body field of the wrong type is a 400 naming the field (Ajv without
 * coerceTypes); querystrings, params and headers arrive as strings and are
 * still coerced to the numbers and booleans their schemas declare.
 */
import type { FastifyInstance } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { MailroomError } from '../../core/errors.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function ajv(options: Options): Ajv {
  return addFormats(new Ajv({ useDefaults: true, removeAdditional: false, allErrors: true, strict: false, ...options }));
}

export function configureBodies(app: FastifyInstance): void {
  const strict = ajv({ coerceTypes: false });
  const coercing = ajv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

  // Read as bytes and decode strictly: invalid UTF-8 is INVALID_JSON, not text with replacement characters.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new MailroomError('INVALID_JSON', 'the body is not valid UTF-8'), undefined);
    }
    // Clients (the Resend SDK's cancel, for one) send Content-Type: application/json with no body at all.
    if (text === '') return done(null, undefined);
    void parseJson(request, text, done);
  });
}
