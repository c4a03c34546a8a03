/** The recommendations module's durable jobs, by name (periodic: the worker runs them, with no payload). */
export const recommendationJobs = {
  refresh: 'recommendations.refresh',
} as const;
