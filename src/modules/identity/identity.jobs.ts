/** The identity module's durable jobs, by name (periodic: the worker runs them, with no payload). */
export const identityJobs = {
  purgeIdleSessions: 'identity.purge-idle-sessions',
} as const;
