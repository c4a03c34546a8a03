/**
 * Shipping: buyers' address books and shops' shipping options (what pricing charges for
 * delivery). Owns the tables addresses and shipping_options. Checkout reads an address and the
 * shops' active options through ShippingService in its own transaction.
 */
export { shippingErrors } from './shipping.errors.js';
export { shippingRoutes } from './shipping.routes.js';
export { AddressFields as AddressFieldsSchema } from './shipping.schemas.js';
export { type AddressFields, addressFieldsOf, ShippingService } from './shipping.service.js';
