import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currencyDigits } from './money.js';

const Marketplace = z.object({
  currency: z.string().length(3).describe('ISO 4217 code every Money of this marketplace is in'),
  currency_digits: z
    .number()
    .int()
    .describe("Digits of the currency's minor unit: amount 1250 is 12.50 when 2"),
});

/** `GET /v1/marketplace`: the settings a client needs to read and write Money. */
export function marketplaceRoutes(app: FastifyInstance, currency: string): void {
  const settings = { currency, currency_digits: currencyDigits(currency) };
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/marketplace',
    {
      schema: {
        'x-bazaar-scope': 'public',
        tags: ['marketplace'],
        summary: 'Marketplace settings',
        response: { 200: Marketplace },
      },
    },
    async () => settings,
  );
}
