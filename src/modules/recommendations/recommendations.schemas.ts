import { z } from 'zod';
import { ProductSummary } from '../catalog/index.js';

export const RecommendationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const RecommendationList = z.object({
  data: z.array(ProductSummary),
  strategy: z.enum(['co_purchase', 'content', 'popular', 'personal']),
});
