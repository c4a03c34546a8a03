import { z } from 'zod';
import { MAX_MONEY_MINOR, MoneySchema, moneyInput } from '../../platform/money.js';
import { PageQuery, pageOf } from '../../platform/pagination.js';
import { TaxCategory } from '../tax/index.js';
import { SORTS } from './product-listing.repo.js';

export const Id = z.string().min(1).max(64);
export const IdParams = z.strictObject({ id: Id });

export const MAX_VARIANTS = 100;
export const MAX_IMAGES = 20;
const MAX_OPTIONS = 10;
const MEDIA_PATH = /^\/media\/[A-Za-z0-9_-]+\.[a-z0-9]+$/;

/** An https URL without credentials, or a /media/ path (whether this server issued it is checked later). */
export function isAcceptableImageUrl(text: string): boolean {
  if (MEDIA_PATH.test(text)) return true;
  if (!text.startsWith('https://')) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export const isMediaPath = (url: string): boolean => url.startsWith('/media/');

const ImageUrl = z
  .string()
  .max(2048)
  .refine(isAcceptableImageUrl, 'must be an https URL or a /media/ URL issued by this server');
const Images = z.array(ImageUrl).max(MAX_IMAGES);
const Title = z.string().trim().min(1).max(200);
const Description = z.string().max(20_000);
const Slug = z
  .string()
  .max(120)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters and digits in words joined by single hyphens');
const Options = z
  .record(z.string().trim().min(1).max(50), z.string().trim().min(1).max(100))
  .refine((options) => Object.keys(options).length <= MAX_OPTIONS, `at most ${MAX_OPTIONS} options`);
const OnHand = z.number().int().min(0).max(1_000_000_000);
/** The shipping weight of one unit, for weight-tiered shipping options. */
const WeightGrams = z.number().int().min(0).max(1_000_000_000);
export const Status = z.enum(['active', 'archived']);

export const CategoryBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  slug: Slug,
  parent_id: Id.nullable().optional(),
});
export const CategoryPatch = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  slug: Slug.optional(),
  parent_id: Id.nullable().optional(),
});

/** Request bodies carrying prices: they accept the marketplace currency only. */
export function productBodies(currency: string) {
  const Price = moneyInput(currency);
  const VariantBody = z.strictObject({
    sku: z.string().trim().min(1).max(64),
    title: Title,
    options: Options.optional(),
    price: Price,
    stock: OnHand,
    weight_grams: WeightGrams.optional(),
  });
  return {
    VariantBody,
    ProductBody: z.strictObject({
      title: Title,
      description: Description,
      category_id: Id.nullable().optional(),
      tax_category: TaxCategory.nullable().optional(),
      images: Images.optional(),
      variants: z.array(VariantBody).min(1).max(MAX_VARIANTS),
    }),
    VariantPatch: z.strictObject({
      title: Title.optional(),
      price: Price.optional(),
      on_hand: OnHand.optional(),
      weight_grams: WeightGrams.optional(),
    }),
  };
}

export const ProductPatch = z.strictObject({
  title: Title.optional(),
  description: Description.optional(),
  category_id: Id.nullable().optional(),
  tax_category: TaxCategory.nullable().optional(),
  images: Images.optional(),
  status: Status.optional(),
});

export const ProductQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional(),
  category: Id.optional(),
  shop: Id.optional(),
  min_price: z.coerce.number().int().min(0).max(MAX_MONEY_MINOR).optional(),
  max_price: z.coerce.number().int().min(0).max(MAX_MONEY_MINOR).optional(),
  min_rating: z.coerce.number().min(0).max(5).optional(),
  sort: z.enum(SORTS).optional(),
});
export const ShopProductQuery = ProductQuery.omit({ shop: true }).extend({ status: Status.optional() });

export const Category = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  parent_id: z.string().nullable(),
});
export const CategoryList = z.object({ data: z.array(Category) });

const ShopRef = z.object({ id: z.string(), name: z.string() });
const RatingSummary = z.object({ average: z.number(), score: z.number(), count: z.number().int() });

/** The product detail's rating block, with the count of each star rating. */
export const RatingDetail = RatingSummary.extend({
  histogram: z.object({ 1: z.number(), 2: z.number(), 3: z.number(), 4: z.number(), 5: z.number() }),
});

export const ProductSummary = z.object({
  id: z.string(),
  title: z.string(),
  image: z.string().nullable(),
  price_from: MoneySchema,
  rating: RatingSummary,
  shop: ShopRef,
  in_stock: z.boolean(),
});
export const ProductPage = pageOf(ProductSummary);
export const ShopProductPage = pageOf(ProductSummary.extend({ status: Status }));

export const Variant = z.object({
  id: z.string(),
  product_id: z.string(),
  sku: z.string(),
  title: z.string(),
  options: z.record(z.string(), z.string()),
  price: MoneySchema,
  weight_grams: z.number().int(),
  stock: z.number().int(),
  in_stock: z.boolean(),
  /** The owning seller's view only. */
  on_hand: z.number().int().optional(),
  reserved: z.number().int().optional(),
});

export const ProductDetail = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  status: Status,
  category: Category.nullable(),
  /** The tax category that picks the product's tax rate (null: the place's general rate). */
  tax_category: z.string().nullable(),
  images: z.array(z.string()),
  shop: ShopRef,
  variants: z.array(Variant),
  rating: RatingDetail,
  created_at: z.string(),
  updated_at: z.string(),
});

export type CategoryView = z.infer<typeof Category>;
export type ProductSummaryView = z.infer<typeof ProductSummary>;
export type ProductDetailView = z.infer<typeof ProductDetail>;
export type VariantView = z.infer<typeof Variant>;
export type ProductQueryInput = z.infer<typeof ProductQuery>;
