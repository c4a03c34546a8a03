import type { JsonSchema } from './events.js';

/**
 * Whether a consumer coded against the published schema of an event type can still read what
 * the type now carries. Within a version only two changes are compatible: a new optional field,
 * and a new value of an enum (consumers must tolerate values they do not know). Anything else —
 * a field removed or renamed, retyped, made nullable or not, made required or optional, an enum
 * value dropped — is breaking, and belongs in a new `.v2` type. Annotations and bounds
 * (`description`, `minimum`, `maxLength`…) are not compared.
 *
 * Schemas are JSON Schema as zod's `toJSONSchema` writes them: `type` (a name, or an array with
 * `"null"` for nullable), `properties`/`required`, `items`, `additionalProperties` (records),
 * `enum`/`const`, and `anyOf` (unions, and nullable objects as `anyOf [{…}, {type: null}]`).
 */
export function breakingChanges(published: JsonSchema, current: JsonSchema, path = ''): string[] {
  const at = path || '/';
  const before = shapeOf(published);
  const after = shapeOf(current);
  if (before.nullable !== after.nullable) {
    return [`${at}: ${after.nullable ? 'may now be null' : 'may no longer be null'}`];
  }
  if (before.types !== after.types) return [`${at}: retyped from ${before.types} to ${after.types}`];

  const changes: string[] = [];
  const was = before.schema;
  const is = after.schema;
  if (was.const !== undefined || is.const !== undefined) {
    if (JSON.stringify(was.const) !== JSON.stringify(is.const)) changes.push(`${at}: constant changed`);
  }
  if (Array.isArray(was.enum) || Array.isArray(is.enum)) {
    const values = new Set((is.enum as unknown[] | undefined)?.map((value) => JSON.stringify(value)));
    const dropped = Array.isArray(was.enum)
      ? was.enum.filter((value) => !values.has(JSON.stringify(value)))
      : ['(any value)'];
    if (!Array.isArray(is.enum) || dropped.length > 0) {
      changes.push(
        `${at}: enum no longer allows ${dropped.map((value) => JSON.stringify(value)).join(', ')}`,
      );
    }
  }
  changes.push(...objectChanges(was, is, path));
  if (isSchema(was.items) || isSchema(is.items)) {
    changes.push(...subschemaChanges(was.items, is.items, `${path}/*`));
  }
  if (isSchema(was.additionalProperties) || isSchema(is.additionalProperties)) {
    changes.push(...subschemaChanges(was.additionalProperties, is.additionalProperties, `${path}/*`));
  }
  const wasUnion = unionOf(was);
  const isUnion = unionOf(is);
  if (wasUnion.length !== isUnion.length) {
    changes.push(`${at}: union of ${wasUnion.length} schemas is now of ${isUnion.length}`);
  } else {
    wasUnion.forEach((member, i) => {
      changes.push(...breakingChanges(member, isUnion[i]!, `${path}/anyOf/${i}`));
    });
  }
  return changes;
}

function objectChanges(was: JsonSchema, is: JsonSchema, path: string): string[] {
  const before = propertiesOf(was);
  const after = propertiesOf(is);
  const requiredBefore = new Set(requiredOf(was));
  const requiredAfter = new Set(requiredOf(is));
  const changes: string[] = [];
  for (const [name, schema] of Object.entries(before)) {
    const field = `${path}/${name}`;
    const now = after[name];
    if (!now) {
      changes.push(`${field}: removed`);
      continue;
    }
    if (requiredBefore.has(name) !== requiredAfter.has(name)) {
      changes.push(`${field}: ${requiredAfter.has(name) ? 'made required' : 'made optional'}`);
    }
    changes.push(...breakingChanges(schema, now, field));
  }
  for (const name of Object.keys(after)) {
    if (!(name in before) && requiredAfter.has(name)) changes.push(`${path}/${name}: added as required`);
  }
  return changes;
}

function subschemaChanges(was: unknown, is: unknown, path: string): string[] {
  if (!isSchema(was) || !isSchema(is)) return [`${path}: ${isSchema(is) ? 'constrained' : 'unconstrained'}`];
  return breakingChanges(was, is, path);
}

/** A schema's nullability and type names, with a nullable object's `anyOf` unwrapped. */
function shapeOf(schema: JsonSchema): { nullable: boolean; types: string; schema: JsonSchema } {
  const members = Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [];
  const nonNull = members.filter((member) => member.type !== 'null');
  if (members.length === 2 && nonNull.length === 1) {
    return { ...shapeOf(nonNull[0]!), nullable: true };
  }
  const declared = schema.type === undefined ? [] : [schema.type].flat().map(String);
  const types = declared.filter((type) => type !== 'null').sort();
  return { nullable: declared.includes('null'), types: types.join('|') || 'any', schema };
}

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> =>
  isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};

const requiredOf = (schema: JsonSchema): string[] =>
  Array.isArray(schema.required) ? (schema.required as string[]) : [];

const unionOf = (schema: JsonSchema): JsonSchema[] => {
  const members = schema.anyOf ?? schema.oneOf;
  return Array.isArray(members) ? (members as JsonSchema[]) : [];
};

/**
 * What keeps the published catalogue from breaking its consumers: every published type is still
 * catalogued and compatible with what it was. New types are fine (a breaking change is one).
 */
export function catalogueBreakingChanges(
  published: Record<string, JsonSchema>,
  current: Record<string, JsonSchema>,
): string[] {
  return Object.entries(published).flatMap(([type, schema]) => {
    const now = current[type];
    if (!now) return [`${type}: no longer catalogued`];
    return breakingChanges(schema, now).map((change) => `${type} ${change}`);
  });
}
