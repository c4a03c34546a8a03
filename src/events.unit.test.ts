import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { eventCatalogues } from './events.js';
import type { OrderEventView } from './modules/orders/index.js';
import type { reviewEvents } from './modules/reviews/index.js';
import type { Queryable } from './platform/db.js';
import { catalogueBreakingChanges } from './platform/event-compat.js';
import { eventJsonSchemas, type JsonSchema, registerEventSchemas } from './platform/events.js';
import { appendEvent, type DomainEvent, type EventsMatching } from './platform/outbox.js';

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

type ReviewView = z.output<(typeof reviewEvents)['review.hidden.v1']>;

describe('the catalogue types', () => {
  it('type appendEvent: a wrong payload or an uncatalogued type does not compile', () => {
    // Checked by tsc (npm run typecheck); never called.
    const appendWrongly = async (tx: Queryable, order: OrderEventView) => {
      await appendEvent(tx, 'order.placed.v1', order);
      // @ts-expect-error order.placed.v1 carries an Order
      await appendEvent(tx, 'order.placed.v1', { id: order.id });
      // @ts-expect-error no module catalogues order.lost.v1
      await appendEvent(tx, 'order.lost.v1', order);
    };
    expect(appendWrongly).toBeTypeOf('function');
  });

  it('type what a subscription receives by its pattern', () => {
    expectTypeOf<EventsMatching<'order.paid.v1'>>().toEqualTypeOf<
      DomainEvent<OrderEventView, 'order.paid.v1'>
    >();
    expectTypeOf<
      Extract<EventsMatching<'review.*'>, { type: 'review.hidden.v1' }>['data']
    >().toEqualTypeOf<ReviewView>();
    expectTypeOf<EventsMatching<'review.*'>['type']>().toEqualTypeOf<
      'review.created.v1' | 'review.hidden.v1' | 'review.unhidden.v1'
    >();
    expectTypeOf<EventsMatching<'*'>>().toEqualTypeOf<DomainEvent>();
  });
});
