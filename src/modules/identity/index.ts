/**
 * Identity: users, sessions, shops and roles. Owns the tables users, sessions and shops.
 * Other modules learn who is calling through `Caller` (platform/http) and read shops through
 * this service, never through the tables.
 */

export { accountRoutes } from './account.routes.js';
export { AccountService } from './account.service.js';
export { AccountLinks } from './account-links.js';
export type { AccountEmail, AccountMailer } from './account-mail.js';
export { identityEvents } from './identity.events.js';
export { identityJobs, registerAccountJobs, registerShopJobs } from './identity.jobs.js';
export { identityRoutes } from './identity.routes.js';
export {
  type IdentityDeps,
  IdentityService,
  type ShopClosingChecks,
  type ShopListener,
} from './identity.service.js';
export { LoginThrottle } from './login-throttle.js';
export { argon2id, hashPassword, type PasswordAlgorithm, PasswordHasher } from './passwords.js';
export { RegistrationThrottle } from './registration-throttle.js';
export { SHOP_STATUSES, type ShopStatus } from './shops.state.js';
