import { z } from 'zod';
import type { Queryable } from '../src/platform/db.js';
import { registerEventSchemas } from '../src/platform/events.js';
import { appendEvent, type EventType } from '../src/platform/outbox.js';

/** Any object: the relay never reads `data`, so its tests carry data that stands in for a module's. */
const StandInData = z.record(z.string(), z.unknown());

/**
 * Appends an event for the relay's own tests, registering its type with a schema that takes any
 * object. Where the type is catalogued by its module (a test that builds the app), registering
 * throws: use a type of the tests' own, such as `test.placed.v1`.
 */
export function appendStandInEvent(
  tx: Queryable,
  type: EventType,
  data: Record<string, unknown>,
): Promise<string> {
  registerEventSchemas({ [type]: StandInData });
  return appendEvent(tx, type as never, data as never);
}
