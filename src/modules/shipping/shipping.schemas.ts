import { z } from 'zod';
import { type Money, MoneySchema, moneyInput } from '../../platform/money.js';

const line = (max: number) => z.string().trim().min(1).max(max);
const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US');
/** ISO 3166-2 subdivision code without the country (`CA` for California). */
const Region = z
  .string()
  .regex(/^[A-Z0-9]{1,3}$/, 'an ISO 3166-2 subdivision code without the country, such as CA');
const Phone = z.string().regex(/^\+?[0-9 ()./-]{3,30}$/, 'a phone number of digits, spaces and + ( ) . / -');

/** A postal address as checkout and the address book take it. */
export const AddressFields = z.strictObject({
  name: line(200),
  line1: line(200),
  line2: z.string().trim().max(200).optional(),
  city: line(100),
  region: Region.optional(),
  postal_code: line(20),
  country: Country,
  phone: Phone.optional(),
});
export type AddressFieldsInput = z.infer<typeof AddressFields>;

export const AddressBody = AddressFields.extend({ is_default: z.boolean().optional() });

/** Each field may change; `line2`, `region` and `phone` may be cleared with null. */
export const AddressPatch = z.strictObject({
  name: line(200).optional(),
  line1: line(200).optional(),
  line2: z.string().trim().max(200).nullable().optional(),
  city: line(100).optional(),
  region: Region.nullable().optional(),
  postal_code: line(20).optional(),
  country: Country.optional(),
  phone: Phone.nullable().optional(),
  is_default: z.boolean().optional(),
});

export const Address = z.object({
  id: z.string(),
  name: z.string(),
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  region: z.string().optional(),
  postal_code: z.string(),
  country: z.string(),
  phone: z.string().optional(),
  is_default: z.boolean(),
});
export type AddressView = z.infer<typeof Address>;

export const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const MAX_TIERS = 20;
export const MAX_COUNTRIES = 250;

const rateSchemas = (currency: string) => {
  const Amount = moneyInput(currency, 0);
  return z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('flat'), amount: Amount }),
    z.strictObject({ type: z.literal('per_item'), first: Amount, additional: Amount }),
    z.strictObject({
      type: z.literal('weight'),
      tiers: z
        .array(z.strictObject({ up_to_grams: z.number().int().min(1).max(1_000_000_000), amount: Amount }))
        .min(1)
        .max(MAX_TIERS)
        .refine(
          (tiers) => tiers.every((tier, i) => i === 0 || tier.up_to_grams > tiers[i - 1]!.up_to_grams),
          'tiers must be in increasing up_to_grams',
        ),
    }),
  ]);
};

const Countries = z
  .array(z.union([Country, z.literal('*')]))
  .min(1)
  .max(MAX_COUNTRIES)
  .refine((countries) => !countries.includes('*') || countries.length === 1, '"*" stands alone: ["*"]');

const Days = z.number().int().min(0).max(365);

export function shippingOptionBodies(currency: string) {
  const Rate = rateSchemas(currency);
  const fields = {
    name: line(100),
    countries: Countries,
    rate: Rate,
    free_over: moneyInput(currency, 0).nullable(),
    min_days: Days,
    max_days: Days,
    active: z.boolean(),
  };
  const daysInOrder = (body: { min_days?: number | undefined; max_days?: number | undefined }) =>
    body.min_days === undefined || body.max_days === undefined || body.min_days <= body.max_days;
  const daysIssue = { message: 'max_days must be at least min_days', path: ['max_days'] };
  return {
    ShippingOptionBody: z
      .strictObject({ ...fields, free_over: fields.free_over.optional(), active: fields.active.optional() })
      .refine(daysInOrder, daysIssue),
    ShippingOptionPatch: z
      .strictObject({
        name: fields.name.optional(),
        countries: fields.countries.optional(),
        rate: fields.rate.optional(),
        free_over: fields.free_over.optional(),
        min_days: Days.optional(),
        max_days: Days.optional(),
        active: fields.active.optional(),
      })
      .refine(daysInOrder, daysIssue),
  };
}

export const RateView = z.discriminatedUnion('type', [
  z.object({ type: z.literal('flat'), amount: MoneySchema }),
  z.object({ type: z.literal('per_item'), first: MoneySchema, additional: MoneySchema }),
  z.object({
    type: z.literal('weight'),
    tiers: z.array(z.object({ up_to_grams: z.number().int(), amount: MoneySchema })),
  }),
]);

export const ShippingOption = z.object({
  id: z.string(),
  name: z.string(),
  countries: z.array(z.string()),
  rate: RateView,
  free_over: MoneySchema.nullable(),
  min_days: z.number().int(),
  max_days: z.number().int(),
  active: z.boolean(),
});
export type ShippingOptionView = z.infer<typeof ShippingOption>;

export type RateView = z.infer<typeof RateView>;
export type { Money };

export const AddressList = z.object({ data: z.array(Address), next_cursor: z.null() });
export const ShippingOptionList = z.object({ data: z.array(ShippingOption), next_cursor: z.null() });
