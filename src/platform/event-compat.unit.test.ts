import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { breakingChanges, catalogueBreakingChanges } from './event-compat.js';
import type { JsonSchema } from './events.js';

const json = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'output' }) as JsonSchema;
const Money = z.object({ amount: z.number().int(), currency: z.string() });
const Order = z.object({
  id: z.string(),
  status: z.enum(['placed', 'paid']),
  total: Money,
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  shipment: z.object({ carrier: z.string() }).nullable(),
  note: z.string().optional(),
});
const published = json(Order);
const changed = (schema: z.ZodType) => breakingChanges(published, json(schema));

describe('breakingChanges', () => {
  it('finds none between a schema and itself', () => {
    expect(changed(Order)).toEqual([]);
  });

  it('lets a version gain optional fields, at the top and nested, and enum values', () => {
    const grown = Order.extend({
      coupon: z.string().optional(),
      status: z.enum(['placed', 'paid', 'shipped']),
      total: Money.extend({ tax: z.number().optional() }),
      items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), gift: z.boolean().optional() })),
    });
    expect(changed(grown)).toEqual([]);
  });

  it('refuses a removed or renamed field', () => {
    expect(changed(Order.omit({ note: true }))).toEqual(['/note: removed']);
    expect(changed(Order.omit({ id: true }).extend({ order_id: z.string() }))).toEqual([
      '/id: removed',
      '/order_id: added as required',
    ]);
  });

  it('refuses a retyped field, at the top, in a nested object and in array items', () => {
    expect(changed(Order.extend({ id: z.number() }))).toEqual(['/id: retyped from string to number']);
    expect(changed(Order.extend({ total: Money.extend({ amount: z.string() }) }))).toEqual([
      '/total/amount: retyped from integer to string',
    ]);
    expect(
      changed(Order.extend({ items: z.array(z.object({ sku: z.string(), quantity: z.string() })) })),
    ).toEqual(['/items/*/quantity: retyped from integer to string']);
    expect(changed(Order.extend({ items: z.array(z.string()) }))).toEqual([
      '/items/*: retyped from object to string',
    ]);
    expect(changed(Order.extend({ total: z.number() }))).toEqual(['/total: retyped from object to number']);
  });

  it('refuses an added required field, and a field made required or optional', () => {
    expect(changed(Order.extend({ coupon: z.string() }))).toEqual(['/coupon: added as required']);
    expect(changed(Order.extend({ note: z.string() }))).toEqual(['/note: made required']);
    expect(changed(Order.extend({ id: z.string().optional() }))).toEqual(['/id: made optional']);
    expect(
      changed(
        Order.extend({
          items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), gift: z.boolean() })),
        }),
      ),
    ).toEqual(['/items/*/gift: added as required']);
  });

  it('refuses a change of nullability, of a scalar and of an object', () => {
    expect(changed(Order.extend({ id: z.string().nullable() }))).toEqual(['/id: may now be null']);
    expect(changed(Order.extend({ shipment: z.object({ carrier: z.string() }) }))).toEqual([
      '/shipment: may no longer be null',
    ]);
    expect(changed(Order.extend({ shipment: z.object({ carrier: z.number() }).nullable() }))).toEqual([
      '/shipment/carrier: retyped from string to number',
    ]);
  });

  it('refuses an enum that drops a value, and records whose values change', () => {
    expect(changed(Order.extend({ status: z.enum(['placed']) }))).toEqual([
      '/status: enum no longer allows "paid"',
    ]);
    const Tags = z.object({ tags: z.record(z.string(), z.string()) });
    expect(breakingChanges(json(Tags), json(z.object({ tags: z.record(z.string(), z.number()) })))).toEqual([
      '/tags/*: retyped from string to number',
    ]);
  });
});

describe('catalogueBreakingChanges', () => {
  it('refuses a published type that is gone or changed, and takes new types', () => {
    const catalogue = { 'order.placed.v1': published, 'order.paid.v1': published };
    expect(
      catalogueBreakingChanges(catalogue, { ...catalogue, 'order.placed.v2': json(z.object({})) }),
    ).toEqual([]);
    expect(
      catalogueBreakingChanges(catalogue, {
        'order.placed.v1': json(Order.omit({ note: true })),
        'order.placed.v2': json(Order.omit({ note: true })),
      }),
    ).toEqual(['order.placed.v1 /note: removed', 'order.paid.v1: no longer catalogued']);
  });
});
