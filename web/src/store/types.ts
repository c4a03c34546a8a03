import type { paths } from '../api/schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type ProductList = Json<paths['/v1/products']['get']['responses'][200]>;
export type ProductSummary = ProductList['data'][number];
export type ProductQuery = NonNullable<paths['/v1/products']['get']['parameters']['query']>;
export type ProductSort = NonNullable<ProductQuery['sort']>;
export type Product = Json<paths['/v1/products/{id}']['get']['responses'][200]>;
export type Variant = Product['variants'][number];
export type Category = Json<paths['/v1/categories']['get']['responses'][200]>['data'][number];
export type ReviewPage = Json<paths['/v1/products/{id}/reviews']['get']['responses'][200]>;
export type Review = ReviewPage['data'][number];
export type ReviewSort = NonNullable<
  NonNullable<paths['/v1/products/{id}/reviews']['get']['parameters']['query']>['sort']
>;
export type Cart = Json<paths['/v1/cart']['get']['responses'][200]>;
export type CartLine = Cart['items'][number];
export type Order = Json<paths['/v1/orders/{id}']['get']['responses'][200]>;
export type OrderStatus = Order['status'];
export type ShippingAddress = Order['shipping_address'];
export type Shipment = Order['shipments'][number];
export type Address = Json<paths['/v1/me/addresses']['get']['responses'][200]>['data'][number];
export type Quote = Json<paths['/v1/checkout/quote']['post']['responses'][200]>;
export type QuoteShop = Quote['shops'][number];
export type CheckoutBody = paths['/v1/checkout']['post']['requestBody']['content']['application/json'];
export type Payment = Json<paths['/v1/payments/{id}']['get']['responses'][200]>;
