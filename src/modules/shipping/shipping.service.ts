import type { SQL } from 'drizzle-orm';
import { type AuditAction, appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, PlannedStatement, Queryable } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { money } from '../../platform/money.js';
import type { ShippingOptionRule, ShippingRate } from '../pricing/index.js';
import { shippingErrors } from './shipping.errors.js';
import * as repo from './shipping.repo.js';
import type { AddressView, RateView, ShippingOptionView } from './shipping.schemas.js';

export const MAX_ADDRESSES = 20;
export const MAX_SHIPPING_OPTIONS = 50;

/** An address as checkout and the address book take it (API field names). */
export interface AddressFields {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postal_code: string;
  country: string;
  phone?: string | undefined;
}

export type AddressChanges = {
  [K in keyof AddressFields]?: AddressFields[K] | null;
} & { isDefault?: boolean | undefined };

export interface ShippingOptionInput {
  name: string;
  countries: string[];
  rate: ShippingRate;
  freeOverMinor: number | null;
  minDays: number;
  maxDays: number;
  active: boolean;
}

/** The address as the API and an order's shipping address show it: absent optional fields are left out. */
export function addressFieldsOf(row: repo.AddressFieldsRow): AddressFields {
  return {
    name: row.name,
    line1: row.line1,
    ...(row.line2 !== null ? { line2: row.line2 } : {}),
    city: row.city,
    ...(row.region !== null ? { region: row.region } : {}),
    postal_code: row.postalCode,
    country: row.country,
    ...(row.phone !== null ? { phone: row.phone } : {}),
  };
}

const presentAddress = (row: repo.AddressRow): AddressView => ({
  id: row.id,
  ...addressFieldsOf(row),
  is_default: row.isDefault,
});

export function presentRate(rate: ShippingRate, currency: string): RateView {
  switch (rate.type) {
    case 'flat':
      return { type: 'flat', amount: money(rate.amountMinor, currency) };
    case 'per_item':
      return {
        type: 'per_item',
        first: money(rate.firstMinor, currency),
        additional: money(rate.additionalMinor, currency),
      };
    case 'weight':
      return {
        type: 'weight',
        tiers: rate.tiers.map((tier) => ({
          up_to_grams: tier.upToGrams,
          amount: money(tier.amountMinor, currency),
        })),
      };
  }
}

export const presentShippingOption = (row: repo.ShippingOptionRow): ShippingOptionView => ({
  id: row.id,
  name: row.name,
  countries: [...row.countries],
  rate: presentRate(row.rate, row.currency),
  free_over: row.freeOverMinor === null ? null : money(row.freeOverMinor, row.currency),
  min_days: row.minDays,
  max_days: row.maxDays,
  active: row.active,
});

const rowFields = (fields: AddressFields): repo.AddressFieldsRow => ({
  name: fields.name,
  line1: fields.line1,
  line2: fields.line2 ?? null,
  city: fields.city,
  region: fields.region ?? null,
  postalCode: fields.postal_code,
  country: fields.country,
  phone: fields.phone ?? null,
});

/**
 * Shipping: buyers' address books and shops' shipping options. Checkout reads both through
 * `addressForCheckout` and `optionsForPricingRead`, in its own transaction.
 */
export class ShippingService {
  constructor(private readonly deps: { db: Database; currency: string }) {}

  async addresses(caller: Caller): Promise<AddressView[]> {
    return (await repo.listAddresses(this.deps.db, caller.id)).map(presentAddress);
  }

  /** Adds an address; the first one, or one marked so, is the default. At most MAX_ADDRESSES. */
  async addAddress(
    caller: Caller,
    input: AddressFields & { isDefault?: boolean | undefined },
  ): Promise<AddressView> {
    return this.deps.db.transaction(async (tx) => {
      const count = await repo.lockAddressBook(tx, caller.id);
      if (count >= MAX_ADDRESSES)
        throw shippingErrors.invalidAt(
          'address_book_full',
          '',
          `an address book holds at most ${MAX_ADDRESSES} addresses`,
        );
      const isDefault = count === 0 || input.isDefault === true;
      if (isDefault) await repo.clearDefault(tx, caller.id);
      const row = await repo.insertAddress(tx, {
        id: newId('adr'),
        userId: caller.id,
        ...rowFields(input),
        isDefault,
      });
      return presentAddress(row);
    });
  }

  async changeAddress(caller: Caller, id: string, changes: AddressChanges): Promise<AddressView> {
    return this.deps.db.transaction(async (tx) => {
      await repo.lockAddressBook(tx, caller.id);
      const current = await repo.findAddress(tx, caller.id, id);
      if (!current) throw shippingErrors.error('address_not_found');
      const merged = { ...addressFieldsOf(current) } as Record<string, string | undefined>;
      for (const [key, value] of Object.entries(changes)) {
        if (key === 'isDefault' || value === undefined) continue;
        merged[key] = value === null ? undefined : (value as string);
      }
      // Unsetting the default leaves it where it is: a book with addresses always has one.
      const isDefault = current.isDefault || changes.isDefault === true;
      if (isDefault && !current.isDefault) await repo.clearDefault(tx, caller.id);
      const row = await repo.updateAddress(tx, {
        id,
        userId: caller.id,
        ...rowFields(merged as unknown as AddressFields),
        isDefault,
      });
      return presentAddress(row!);
    });
  }

  async deleteAddress(caller: Caller, id: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await repo.lockAddressBook(tx, caller.id);
      const deleted = await repo.deleteAddress(tx, caller.id, id);
      if (!deleted) throw shippingErrors.error('address_not_found');
      if (deleted.isDefault) await repo.promoteOldest(tx, caller.id);
    });
  }

  /** The caller's saved address for checkout, or 404 (also for another user's address). */
  async addressForCheckout(db: Queryable, userId: string, id: string): Promise<AddressFields> {
    const row = await repo.findAddress(db, userId, id);
    if (!row) throw shippingErrors.error('address_not_found');
    return addressFieldsOf(row);
  }

  /**
   * The active options of the shops `shops` (a subquery) selects, as pricing takes them: a read for
   * the caller's transaction, with its other reads at once (see readAtOnce).
   */
  optionsForPricingRead(shops: SQL): PlannedStatement<ShippingOptionRule[]> {
    return repo.activeOptionsRead(shops);
  }

  async shopOptions(shopId: string, onlyActive: boolean): Promise<ShippingOptionView[]> {
    return (await repo.listOptions(this.deps.db, [shopId], onlyActive)).map(presentShippingOption);
  }

  async addOption(caller: Caller, input: ShippingOptionInput): Promise<ShippingOptionView> {
    const shopId = caller.shop!.id;
    return this.deps.db.transaction(async (tx) => {
      if ((await repo.countOptions(tx, shopId)) >= MAX_SHIPPING_OPTIONS)
        throw shippingErrors.invalidAt(
          'shipping_options_full',
          '',
          `a shop has at most ${MAX_SHIPPING_OPTIONS} shipping options`,
        );
      const row = await repo.upsertOption(tx, {
        id: newId('so'),
        shopId,
        currency: this.deps.currency,
        ...input,
      });
      const view = presentShippingOption(row);
      await auditOption(tx, 'shipping_option.created', shopId, null, view);
      return view;
    });
  }

  async changeOption(
    caller: Caller,
    id: string,
    changes: Partial<ShippingOptionInput>,
  ): Promise<ShippingOptionView> {
    const shopId = caller.shop!.id;
    return this.deps.db.transaction(async (tx) => {
      const current = await repo.findOption(tx, shopId, id);
      if (!current) throw shippingErrors.error('shipping_option_not_found');
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      const next = { ...current, ...defined };
      if (next.minDays > next.maxDays)
        throw shippingErrors.invalidAt(
          'shipping_option_days',
          '/max_days',
          'max_days must be at least min_days',
        );
      const view = presentShippingOption(await repo.upsertOption(tx, next));
      await auditOption(tx, 'shipping_option.updated', shopId, presentShippingOption(current), view);
      return view;
    });
  }

  /** Orders that used the option keep their snapshot of it. */
  async deleteOption(caller: Caller, id: string): Promise<void> {
    const shopId = caller.shop!.id;
    await this.deps.db.transaction(async (tx) => {
      const current = await repo.findOption(tx, shopId, id);
      if (!current || !(await repo.deleteOption(tx, shopId, id)))
        throw shippingErrors.error('shipping_option_not_found');
      await auditOption(tx, 'shipping_option.deleted', shopId, presentShippingOption(current), null);
    });
  }
}

const AUDITED_OPTION_FIELDS = [
  'name',
  'countries',
  'rate',
  'free_over',
  'min_days',
  'max_days',
  'active',
] as const satisfies readonly (keyof ShippingOptionView)[];

function auditOption(
  tx: Queryable,
  action: AuditAction,
  shopId: string,
  before: ShippingOptionView | null,
  after: ShippingOptionView | null,
): Promise<string> {
  return appendAudit(tx, {
    action,
    target: { type: 'shipping_option', id: (after ?? before)!.id },
    shopId,
    changes: changesBetween(before, after, AUDITED_OPTION_FIELDS),
  });
}
