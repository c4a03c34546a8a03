/**
 * Recommendations: co-purchase, content similarity and popularity, refreshed incrementally into
 * tables by a worker job and served as lookups. Owns the tables recommendation_interactions,
 * recommendation_lists, recommendation_popularity and recommendation_refresh.
 */

export { ProductViews } from './product-views.js';
export { subscribeToPurchases } from './recommendations.events.js';
export { recommendationJobs } from './recommendations.jobs.js';
export type { PurchaseLine } from './recommendations.repo.js';
export { recommendationsRoutes } from './recommendations.routes.js';
export { RecommendationsService } from './recommendations.service.js';
