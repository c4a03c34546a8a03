import type { Services } from '../../src/app.js';
import type { NewProductInput } from '../../src/modules/catalog/product-writes.service.js';
import { callerOfUser, type TestUser } from './identity.js';

let skuCounter = 0;

/** A product of one variant through the catalog's own use case, so every rule and event applies. */
export async function newProduct(
  services: Pick<Services, 'catalog' | 'config'>,
  seller: TestUser,
  options: Partial<NewProductInput> & { priceMinor?: number; stock?: number } = {},
) {
  const { priceMinor = 1000, stock = 5, ...input } = options;
  return services.catalog.createProduct(callerOfUser(seller), {
    title: 'Plain product',
    description: '',
    variants: [
      {
        sku: `SKU-${++skuCounter}`,
        title: 'Default',
        price: { amount: priceMinor, currency: services.config.currency },
        stock,
      },
    ],
    ...input,
  });
}
