import { money } from '../../platform/money.js';
import type { CategoryView, ProductDetailView, ProductSummaryView, VariantView } from './catalog.schemas.js';
import type {
  CategoryRow,
  ProductContentRow,
  RatingPrior,
  SummaryRow,
  VariantContent,
} from './product-reads.repo.js';

/** The plain mean of `count` ratings summing to `sum`, rounded half up to 2 decimals; 0 without any. */
export function averageRating(sum: number, count: number): number {
  if (count === 0) return 0;
  // Integer arithmetic, so x.xx5 rounds up exactly as the SQL filter on min_rating does.
  return Math.floor((200 * sum + count) / (2 * count)) / 100;
}

/** The Bayesian average (C·m + sum) / (C + count); 0 without ratings. */
export function ratingScore(sum: number, count: number, prior: RatingPrior): number {
  if (count === 0) return 0;
  return (prior.weight * prior.mean + sum) / (prior.weight + count);
}

/** m is the mean of every visible rating in the marketplace (0 while there is none). */
export const ratingPrior = (weight: number, totals: { count: number; sum: number }): RatingPrior => ({
  weight,
  mean: totals.count === 0 ? 0 : totals.sum / totals.count,
});

const ratingOf = (sum: number, count: number, prior: RatingPrior) => ({
  average: averageRating(sum, count),
  score: Math.round(ratingScore(sum, count, prior) * 100) / 100,
  count,
});

export const presentCategory = (category: CategoryRow): CategoryView => ({
  id: category.id,
  name: category.name,
  slug: category.slug,
  parent_id: category.parentId,
});

/** A listing entry, without its stock: what a cached page holds. */
export type SummaryContent = Omit<ProductSummaryView, 'in_stock'>;

export const presentSummary = (
  row: Omit<SummaryRow, 'sortKey' | 'inStock'>,
  prior: RatingPrior,
): SummaryContent => ({
  id: row.id,
  title: row.title,
  image: row.image,
  price_from: money(row.priceFromMinor, row.currency),
  rating: ratingOf(row.ratingSum, row.ratingCount, prior),
  shop: { id: row.shopId, name: row.shopName },
});

/** On hand and reserved of a variant. */
export interface Level {
  onHand: number;
  reserved: number;
}

export function presentVariant(
  productId: string,
  variant: VariantContent,
  level: Level | undefined,
  ownerView: boolean,
): VariantView {
  const onHand = level?.onHand ?? 0;
  const reserved = level?.reserved ?? 0;
  const stock = Math.max(0, onHand - reserved);
  return {
    id: variant.id,
    product_id: productId,
    sku: variant.sku,
    title: variant.title,
    options: variant.options,
    price: money(variant.priceMinor, variant.currency),
    weight_grams: variant.weightGrams ?? 0,
    stock,
    in_stock: stock > 0,
    ...(ownerView ? { on_hand: onHand, reserved } : {}),
  };
}

export function presentRating(
  content: Pick<ProductContentRow, 'ratingSum' | 'ratingCount' | 'histogram'>,
  prior: RatingPrior,
): ProductDetailView['rating'] {
  const [one, two, three, four, five] = content.histogram;
  return {
    ...ratingOf(content.ratingSum, content.ratingCount, prior),
    histogram: { 1: one, 2: two, 3: three, 4: four, 5: five },
  };
}

export function presentDetail(
  content: ProductContentRow,
  levels: ReadonlyMap<string, Level>,
  prior: RatingPrior,
  ownerView: boolean,
): ProductDetailView {
  return {
    id: content.id,
    title: content.title,
    description: content.description,
    tax_category: content.taxCategory ?? null,
    status: content.status,
    category: content.category ? presentCategory(content.category) : null,
    images: content.images,
    shop: { id: content.shopId, name: content.shopName },
    variants: content.variants.map((v) => presentVariant(content.id, v, levels.get(v.id), ownerView)),
    rating: presentRating(content, prior),
    created_at: content.createdAt,
    updated_at: content.updatedAt,
  };
}
