import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCatalogues } from './events.js';
import { catalogueBreakingChanges } from './platform/event-compat.js';
import { eventJsonSchemas, type JsonSchema, registerEventSchemas } from './platform/events.js';

/**
 * The published event schemas, as integrators coded against them. After adding an event type or
 * an optional field, record them with `npm run events:snapshot` (UPDATE_EVENT_SCHEMAS=1), which
 * refuses a breaking change just as this test does: that takes a new `.v2` type.
 */
const SNAPSHOT = new URL('./events.schemas.snapshot.json', import.meta.url);

describe('the event catalogue', () => {
  registerEventSchemas(...eventCatalogues);
  const current = eventJsonSchemas();
  const published = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, JsonSchema>;

  it('keeps every published type readable by the consumers coded against it', () => {
    expect(catalogueBreakingChanges(published, current)).toEqual([]);
  });

  it('is published as recorded (record new types and fields with npm run events:snapshot)', () => {
    if (process.env.UPDATE_EVENT_SCHEMAS === '1') {
      // Never records a breaking change: that would un-publish what consumers rely on.
      expect(catalogueBreakingChanges(published, current)).toEqual([]);
      writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
      return;
    }
    expect(current).toEqual(published);
  });
});
