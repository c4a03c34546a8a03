import { describe, expect, it } from 'vitest';
import {
  listingOf,
  nextShopStatus,
  SHOP_ACTIONS,
  SHOP_STATUSES,
  SHOP_TRANSITIONS,
  type ShopAction,
  type ShopStatus,
} from './shops.state.js';

/** Every pair, spelled out: the table is the specification. */
const EXPECTED: Record<ShopStatus, Record<ShopAction, ShopStatus | null>> = {
  pending_review: { approve: 'active', reject: 'rejected', suspend: null, reinstate: null, close: 'closed' },
  active: { approve: null, reject: null, suspend: 'suspended', reinstate: null, close: 'closed' },
  rejected: { approve: 'active', reject: null, suspend: null, reinstate: null, close: 'closed' },
  suspended: { approve: null, reject: null, suspend: null, reinstate: 'active', close: null },
  closed: { approve: null, reject: null, suspend: null, reinstate: null, close: null },
};

describe('the shop lifecycle', () => {
  for (const from of SHOP_STATUSES) {
    for (const action of SHOP_ACTIONS) {
      const to = EXPECTED[from][action];
      it(`${from} --${action}--> ${to ?? '409 invalid_state'}`, () => {
        if (to) expect(nextShopStatus(from, action)).toBe(to);
        else
          expect(() => nextShopStatus(from, action)).toThrow(
            expect.objectContaining({ code: 'invalid_state', status: 409 }),
          );
      });
    }
  }

  it('names no status outside the list', () => {
    for (const transitions of Object.values(SHOP_TRANSITIONS)) {
      for (const to of Object.values(transitions)) expect(SHOP_STATUSES).toContain(to);
    }
  });
});

describe('whether a shop sells', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const vacation = { from: new Date('2026-12-06T00:00:00Z'), to: new Date('2026-12-07T00:00:00Z') };

  it('sells only when active, not on vacation, and its seller is not suspended', () => {
    expect(listingOf({ status: 'active', vacation: null }, false, now)).toEqual({
      listed: true,
      reason: null,
    });
    for (const status of SHOP_STATUSES.filter((s) => s !== 'active')) {
      expect(listingOf({ status, vacation: null }, false, now)).toEqual({
        listed: false,
        reason: 'shop_not_active',
      });
    }
    expect(listingOf({ status: 'active', vacation }, false, now)).toEqual({
      listed: false,
      reason: 'shop_on_vacation',
    });
    expect(listingOf({ status: 'active', vacation: null }, true, now)).toEqual({
      listed: false,
      reason: 'seller_suspended',
    });
  });

  it('a vacation window holds from its start, inclusive, to its end, exclusive', () => {
    const shop = { status: 'active' as const, vacation };
    expect(listingOf(shop, false, vacation.from).listed).toBe(false);
    expect(listingOf(shop, false, new Date(vacation.from.getTime() - 1)).listed).toBe(true);
    expect(listingOf(shop, false, vacation.to).listed).toBe(true);
    expect(listingOf(shop, false, new Date(vacation.to.getTime() - 1)).listed).toBe(false);
  });
});
