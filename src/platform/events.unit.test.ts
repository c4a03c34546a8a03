import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assertCatalogued,
  checkEventData,
  defineEvents,
  eventJsonSchemas,
  registerEventSchemas,
} from './events.js';

const Parcel = z.object({ id: z.string(), weight: z.number(), label: z.object({ text: z.string() }) });

describe('the event registry', () => {
  registerEventSchemas(defineEvents({ 'parcel.sent.v1': Parcel }));

  it('refuses a type no module catalogued', () => {
    expect(() => assertCatalogued('parcel.lost.v1', {})).toThrow(
      'event type "parcel.lost.v1" has no registered schema',
    );
    expect(() => assertCatalogued('parcel.sent.v1', { id: 'p_1' })).not.toThrow();
  });

  it('parses the data against its schema only when asked to (tests), never in production', () => {
    try {
      checkEventData(true);
      expect(() => assertCatalogued('parcel.sent.v1', { id: 'p_1', weight: '2 kg' })).toThrow(
        /event parcel.sent.v1 does not fit its schema/,
      );
      expect(() =>
        assertCatalogued('parcel.sent.v1', { id: 'p_1', weight: 2, label: { text: 'fragile' } }),
      ).not.toThrow();
    } finally {
      checkEventData(false);
    }
    expect(() => assertCatalogued('parcel.sent.v1', { id: 'p_1', weight: '2 kg' })).not.toThrow();
  });

  it('takes a type twice only with the same schema', () => {
    expect(() => registerEventSchemas({ 'parcel.sent.v1': Parcel })).not.toThrow();
    expect(() => registerEventSchemas({ 'parcel.sent.v1': Parcel.extend({ extra: z.string() }) })).toThrow(
      'event type "parcel.sent.v1" has two schemas',
    );
  });

  it('names every type <entity>.<past-tense-verb>.v<n>', () => {
    for (const type of ['parcel.sent', 'parcel.sent.v0', 'Parcel.sent.v1', 'parcel.v1']) {
      expect(() => defineEvents({ [type]: Parcel }), type).toThrow('is not <entity>.<verb>.v<n>');
    }
  });

  it('publishes each type as JSON Schema with open objects, so a version may gain optional fields', () => {
    expect(eventJsonSchemas()['parcel.sent.v1']).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        id: { type: 'string' },
        weight: { type: 'number' },
        label: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      },
      required: ['id', 'weight', 'label'],
    });
  });
});
