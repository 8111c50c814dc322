import fc from 'fast-check';

/**
 * Fuzzing helpers: payloads that mostly fit a JSON schema (so they get past validation and reach
 * the use cases) and payloads that are hostile on purpose (Mongo operators, prototype keys,
 * markup, wrong types), for the HTTP routes of the OpenAPI document and the typed socket events.
 */

/** Runs per route or event: a few dozen in CI on two cores, more with FUZZ_RUNS. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 24);
/** One seed per run of the suite unless FUZZ_SEED pins it (a failure prints the seed and path). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed23);

/** The subset of JSON Schema the OpenAPI document and TypeBox use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  default?: unknown;
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Strings that have broken parsers, templates, queries and pages elsewhere. */
export const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  '{{#with __proto__}}{{this}}{{/with}}',
  '{{__proto__}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, on purpose
  '${process.exit()}',
  '$where',
  '$gt',
  '{"$gt":""}',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '\u202e',
  "'; db.dropDatabase(); '",
  'a'.repeat(10_001),
  ' ',
  '',
  '0',
  '-1',
  'NaN',
  'null',
  'true',
  '1e309',
  '0xdeadbeef',
  '9'.repeat(400),
  '2024-13-45T99:99:99Z',
  '\n\r\t',
  '😀'.repeat(50),
] as const;

/** Values that are objects where a string or number is expected: Mongo query operators. */
export const OPERATOR_VALUES: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000) || true' },
  { $regex: '.*' },
  { $in: [] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $function: { body: 'return true', args: [], lang: 'js' } },
];

/** An object with an own key like `__proto__` (an object literal would set the prototype instead). */
export function withOwnKey(
  key: string,
  value: unknown,
  rest: Record<string, unknown> = {},
): Record<string, unknown> {
  const obj = { ...rest };
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  return obj;
}

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
const operator = fc.constantFrom(...OPERATOR_VALUES);
const protoObject = fc
  .tuple(
    fc.constantFrom(...PROTO_KEYS),
    fc.constantFrom<unknown>({ polluted: 'yes' }, { prototype: { polluted: 'yes' } }),
  )
  .map(([k, v]) => withOwnKey(k, v));

/** Anything hostile in the place of one value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  operator,
  protoObject,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), [], {}, [[]], ['a', 1]),
  // Deep nesting: recursive code paths and validators.
  fc.integer({ min: 50, max: 400 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown),
);

/**
 * Real ids of the test's database by collection, so requests reach records that exist: an id
 * named like a collection (`ticketId`, `/tickets/{id}`) takes one of that collection's ids.
 */
export class IdPool {
  constructor(private readonly byCollection: Map<string, string[]>) {}
  /** Names of ids that are not their collection's. */
  private static readonly ALIASES: Record<string, string> = {
    into: 'ticket',
    staff: 'agent',
    assignee: 'agent',
  };
  all(): string[] {
    return [...this.byCollection.values()].flat();
  }
  for(hint = ''): string[] {
    const stem = norm(hint).replace(/id$/, '');
    const wanted = IdPool.ALIASES[stem] ?? stem;
    if (wanted) {
      for (const [name, ids] of this.byCollection)
        if (ids.length && norm(name).startsWith(wanted)) return ids;
    }
    return this.all();
  }
  without(id: string): IdPool {
    return new IdPool(new Map([...this.byCollection].map(([k, v]) => [k, v.filter((x) => x !== id)])));
  }
}
const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/(ies)$/, 'y')
    .replace(/s$/, '');

/** What mostly fits `schema`; `hint` is the name of the field or the path segment it fills. */
export function fitting(
  schema: JsonSchema | undefined,
  pool: IdPool,
  hint = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fitting(s, pool, hint, depth + 1)));
  if (schema.allOf?.length)
    return fitting(Object.assign({}, ...schema.allOf) as JsonSchema, pool, hint, depth + 1);
  const types = [schema.type ?? (schema.properties ? 'object' : undefined)].flat();
  const nullable = schema.nullable || types.includes('null');
  const type = types.find((x) => x !== 'null');
  const base = ((): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'object': {
        const props = schema.properties ?? {};
        const required = new Set(schema.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, s] of Object.entries(props)) record[k] = fitting(s, pool, k, depth + 1);
        const keys = Object.keys(props);
        return fc.record(record, { requiredKeys: keys.filter((k) => required.has(k)) });
      }
      case 'array':
        return fc.array(fitting(schema.items, pool, hint, depth + 1), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 4, 4),
        });
      case 'string':
        return stringFitting(schema, pool.for(hint));
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function stringFitting(schema: JsonSchema, ids: readonly string[]): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, 200);
  const fit = (s: string) => (s.length > max ? s.slice(0, max) : s.padEnd(min, 'x'));
  if (schema.pattern === '^[0-9a-fA-F]{24}$' && ids.length) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...ids) },
      { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/) },
    );
  }
  if (schema.format === 'email') return fc.emailAddress().map(fit);
  if (schema.format === 'date-time' || schema.pattern?.startsWith('^\\d{4}-\\d{2}-\\d{2}T')) {
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (schema.format === 'uri') return fc.webUrl();
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).map(fit);
    } catch {
      /* a pattern JavaScript cannot read: plain strings */
    }
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }) },
    { weight: 1, arbitrary: hostileString.map(fit) },
  );
}

/** The same payload with one thing wrong: a value replaced, a key added or a required key gone. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      hostileValue,
      fc.oneof(fc.constantFrom(...PROTO_KEYS, '$where', '$gt', 'extra'), fc.string()),
    )
    .map(([value, pick, bad, key]) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return bad;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      switch (pick % 3) {
        case 0:
          if (keys.length) return { ...obj, [keys[pick % keys.length] as string]: bad };
          return withOwnKey(key, bad, obj);
        case 1:
          return withOwnKey(key, bad, obj);
        default: {
          if (!keys.length) return bad;
          const { [keys[pick % keys.length] as string]: _gone, ...rest } = obj;
          return rest;
        }
      }
    });
}

/** A payload for `schema`: fitting, one thing wrong, or anything at all. */
export function payloadFor(schema: JsonSchema | undefined, pool: IdPool, hint = ''): fc.Arbitrary<unknown> {
  const valid = fitting(schema, pool, hint);
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 3, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true }) },
  );
}

/** True when nothing added a key to the shared prototypes (a polluted app misbehaves everywhere). */
export function prototypesClean(): string[] {
  const polluted: string[] = [];
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'role', 'admin']) {
    if (probe[key] !== undefined) polluted.push(`Object.prototype.${key}`);
  }
  const own = Object.getOwnPropertyNames(Object.prototype);
  for (const key of own) if (!ORIGINAL_OBJECT_KEYS.has(key)) polluted.push(`Object.prototype.${key}`);
  for (const key of Object.getOwnPropertyNames(Array.prototype)) {
    if (!ORIGINAL_ARRAY_KEYS.has(key)) polluted.push(`Array.prototype.${key}`);
  }
  return polluted;
}
const ORIGINAL_OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
const ORIGINAL_ARRAY_KEYS = new Set(Object.getOwnPropertyNames(Array.prototype));
