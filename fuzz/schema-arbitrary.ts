/**
 * A small JSON-schema (OpenAPI 3.0 subset) to fast-check arbitrary: values that
 * mostly match the schema, so requests get past validation and reach the
 * handlers, plus mutations that break it on purpose (wrong types, extra fields,
 * hostile strings), so the refusal paths are exercised too.
 */
import fc from 'fast-check';

export type Schema = Record<string, unknown>;

/** Strings that have hurt parsers, header builders and SQL before. */
const hostileStrings = [
  '', ' ', '\u0000', 'a\r\nBcc: x@example.com', '\u000b\u000c', "'; drop table projects; --", '{{ 7 | times: 7 }}', '{% for i in (1..100000000) %}x{% endfor %}',
  '../../etc/passwd', '%00', '\uD800', '\u202e', 'a'.repeat(5000), '<script>alert(1)</script>', '__proto__', 'constructor', '-1', '1e309', 'NaN',
  'x@example.com', 'Name <x@example.com>', '00000000-0000-0000-0000-000000000000', 'http://127.0.0.1:1/', 'smtp://[::127.0.0.1]:25',
];

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'email') return fc.emailAddress();
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 40, 60);
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength as number | undefined ?? Infinity));
    } catch {
      // Patterns fast-check cannot generate from fall back to plain strings.
    }
  }
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength, maxLength: Math.max(minLength, maxLength) }) },
    { weight: 2, arbitrary: fc.emailAddress() },
    { weight: 1, arbitrary: fc.constantFrom(...hostileStrings) },
  );
}

function numberArbitrary(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000_000;
  const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000_000_000_000;
  const valid = integer ? fc.integer({ min: Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER)), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) }) : fc.double({ min, max, noNaN: true });
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(-1, 0, 2 ** 53, 1e21, 0.5) });
}

/** A value for `schema`, valid most of the time. */
export function arbitraryFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  const nullable = schema.nullable === true;
  const base = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (alternatives) return fc.oneof(...alternatives.map((s) => arbitraryFor(s, depth + 1)));
    switch (schema.type) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
        return numberArbitrary(schema, true);
      case 'number':
        return numberArbitrary(schema, false);
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const maxLength = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 4, 4);
        const minLength = Math.min(typeof schema.minItems === 'number' ? schema.minItems : 0, maxLength);
        return fc.array(arbitraryFor(schema.items as Schema, depth + 1), { minLength, maxLength });
      }
      case 'object':
      default: {
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        const required = new Set((schema.required ?? []) as string[]);
        const keys = Object.keys(properties);
        if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), { maxKeys: 3 });
        return fc.record(
          Object.fromEntries(keys.map((k) => [k, arbitraryFor(properties[k], depth + 1)])),
          { requiredKeys: keys.filter((k) => required.has(k)) },
        );
      }
    }
  })();
  return nullable ? fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

/** A value for `schema`, or one of its deliberate corruptions. */
export function mutatedFor(schema: Schema | undefined): fc.Arbitrary<unknown> {
  const valid = arbitraryFor(schema);
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    // Wrong types where the schema expects something else (checks there is no coercion and no 500).
    { weight: 1, arbitrary: fc.constantFrom(false, 0, 'x', ['x'], null, {}, [[]]) },
    // Valid values with an extra field, or fields swapped for anything at all.
    { weight: 1, arbitrary: valid.chain((v) => (v && typeof v === 'object' && !Array.isArray(v) ? fc.constant({ ...v, ['unexpected_' + 'field']: 1 }) : fc.constant(v))) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}
