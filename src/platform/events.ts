import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Every catalogued event type and the type of its `data`. It is empty here: each module adds its
 * own types by declaration merging in its `<name>.events.ts`, so that `appendEvent` and
 * `OutboxRelay#subscribe` are typed by the whole catalogue while the platform imports no module:
 *
 *   declare module '../../platform/events.js' {
 *     interface DomainEventCatalog extends EventDataOf<typeof orderEvents> {}
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules' declaration merging
export interface DomainEventCatalog {}

/** A catalogued event type, `<entity>.<past-tense-verb>.v<n>`. */
export type CataloguedEventType = keyof DomainEventCatalog & string;

/** A module's event types, each with the zod schema of its `data`. */
export type EventSchemas = Record<string, z.ZodType>;

/** The `data` types of a module's event schemas, to merge into `DomainEventCatalog`. */
export type EventDataOf<Schemas extends EventSchemas> = { [Type in keyof Schemas]: z.output<Schemas[Type]> };

const EVENT_TYPE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$/;

/**
 * A module's catalogue, checked once where it is declared: every type is named
 * `<entity>.<past-tense-verb>.v<n>`.
 */
export function defineEvents<const Schemas extends EventSchemas>(schemas: Schemas): Schemas {
  for (const type of Object.keys(schemas)) {
    if (!EVENT_TYPE.test(type)) throw new Error(`event type "${type}" is not <entity>.<verb>.v<n>`);
  }
  return schemas;
}

/**
 * The schemas of the event types this process may append, filled once by the composition root
 * from every module's catalogue. Process-wide, because `appendEvent` is called inside the use
 * cases' transactions, with no handle to carry it.
 */
const registered = new Map<string, z.ZodType>();
/** Off in production: checkout appends an event per order, and the types already vouch for it. */
let checkingData = false;

/** Adds catalogues to the registry; a type registered twice must come with the same schema. */
export function registerEventSchemas(...catalogues: EventSchemas[]): void {
  for (const catalogue of catalogues) {
    for (const [type, schema] of Object.entries(catalogue)) {
      const existing = registered.get(type);
      if (existing && existing !== schema) throw new Error(`event type "${type}" has two schemas`);
      registered.set(type, schema);
    }
  }
}

/** Every catalogued event type (what a webhook endpoint may subscribe to), sorted. */
export const catalogedEventTypes = (): string[] => [...registered.keys()].sort();

/** Tests turn this on so that every event appended is parsed against its published schema. */
export function checkEventData(enabled: boolean): void {
  checkingData = enabled;
}

/** Throws unless `type` is catalogued (and, when checking, unless `data` fits its schema). */
export function assertCatalogued(type: string, data: unknown): void {
  const schema = registered.get(type);
  if (!schema) throw new Error(`event type "${type}" has no registered schema`);
  if (!checkingData) return;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`event ${type} does not fit its schema: ${z.prettifyError(parsed.error)}`);
  }
}

/** A JSON Schema document, as published. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Each registered type's `data` as JSON Schema (draft 2020-12), sorted by type. Objects are left
 * open (no `additionalProperties: false`): a version may gain optional fields, and a consumer
 * validating against the schema it coded to must still accept them.
 */
export function eventJsonSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries(
    [...registered.keys()].sort().map((type) => [
      type,
      z.toJSONSchema(registered.get(type)!, {
        io: 'output',
        override: ({ jsonSchema }) => {
          if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
        },
      }) as JsonSchema,
    ]),
  );
}

const EventSchemasAnswer = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .describe('Each event type (e.g. `order.placed.v1`) → the JSON Schema (draft 2020-12) of its `data`');

/**
 * `GET /v1/events/schemas`: what integrators code their consumers against. A `.v1` type only ever
 * gains optional fields; any other change is a new `.v2` type.
 */
export function eventSchemaRoutes(app: FastifyInstance): void {
  const schemas = eventJsonSchemas();
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/events/schemas',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags: ['events'],
        summary: "The JSON Schema of every event type's data",
        response: { 200: EventSchemasAnswer },
      },
    },
    async () => schemas,
  );
}
