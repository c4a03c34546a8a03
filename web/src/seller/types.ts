import type { paths } from '../api/schema';

type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;

export type Balance = JsonOf<paths['/v1/shop/balance']['get']['responses'][200]>;
export type SalesDay = JsonOf<paths['/v1/shop/sales']['get']['responses'][200]>['data'][number];
export type ShopProductSummary = JsonOf<paths['/v1/shop/products']['get']['responses'][200]>['data'][number];
export type ProductStatus = ShopProductSummary['status'];
export type Product = JsonOf<paths['/v1/products/{id}']['get']['responses'][200]>;
export type Variant = Product['variants'][number];
export type NewProduct = paths['/v1/products']['post']['requestBody']['content']['application/json'];
export type NewVariant = NewProduct['variants'][number];
export type VariantChange = paths['/v1/variants/{id}']['patch']['requestBody']['content']['application/json'];
export type Order = JsonOf<paths['/v1/orders/{id}']['get']['responses'][200]>;
export type OrderStatus = Order['status'];
export type ShippingOption = JsonOf<
  paths['/v1/shop/shipping-options']['get']['responses'][200]
>['data'][number];
export type NewShippingOption =
  paths['/v1/shop/shipping-options']['post']['requestBody']['content']['application/json'];
export type LedgerLine = JsonOf<paths['/v1/shop/ledger']['get']['responses'][200]>['data'][number];
export type Payout = JsonOf<paths['/v1/shop/payouts']['get']['responses'][200]>['data'][number];
export type ShopReview = JsonOf<paths['/v1/shop/reviews']['get']['responses'][200]>['data'][number];
