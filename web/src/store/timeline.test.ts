import { describe, expect, it } from 'vitest';
import { orderTimeline } from './timeline';

const placed = {
  status: 'pending_payment' as const,
  created_at: '2026-01-01T10:00:00Z',
  paid_at: null,
  shipped_at: null,
  delivered_at: null,
  cancelled_at: null,
  refunds: [],
};

describe('orderTimeline', () => {
  it('marks the steps reached and the current one', () => {
    const steps = orderTimeline({
      ...placed,
      status: 'shipped',
      paid_at: '2026-01-01T10:01:00Z',
      shipped_at: '2026-01-02T09:00:00Z',
    });
    expect(steps.map((step) => [step.label, step.state])).toEqual([
      ['Placed', 'done'],
      ['Paid', 'done'],
      ['Shipped', 'current'],
      ['Delivered', 'upcoming'],
    ]);
  });

  it('ends a cancelled order after the last step it reached', () => {
    const steps = orderTimeline({
      ...placed,
      status: 'cancelled',
      paid_at: '2026-01-01T10:01:00Z',
      cancelled_at: '2026-01-01T11:00:00Z',
    });
    expect(steps.map((step) => [step.label, step.state, step.at])).toEqual([
      ['Placed', 'done', placed.created_at],
      ['Paid', 'done', '2026-01-01T10:01:00Z'],
      ['Cancelled', 'stopped', '2026-01-01T11:00:00Z'],
    ]);
  });
});
