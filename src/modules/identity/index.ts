/**
 * Identity: users, sessions, shops and roles. Owns the tables users, sessions and shops.
 * Other modules learn who is calling through `Caller` (platform/http) and read shops through
 * this service, never through the tables.
 */

export { identityEvents } from './identity.events.js';
export { identityJobs } from './identity.jobs.js';
export { identityRoutes } from './identity.routes.js';
export { type IdentityDeps, IdentityService, type ShopListener } from './identity.service.js';
export { LoginThrottle } from './login-throttle.js';
export { argon2id, hashPassword, type PasswordAlgorithm, PasswordHasher } from './passwords.js';
export { RegistrationThrottle } from './registration-throttle.js';
