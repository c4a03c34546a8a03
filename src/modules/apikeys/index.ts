/**
 * API keys: long-lived `bzk_` bearer keys with which a seller's or an admin's integrations act as
 * them within scopes (`x-bazaar-scope` of each route, checked by the auth guards). Owns the table
 * api_keys; learns who a key's owner is now from identity at run time (KeyOwners).
 */
export { apiKeysErrors } from './apikeys.errors.js';
export { apiKeysRoutes } from './apikeys.routes.js';
export { type ApiKeysDeps, ApiKeysService, type KeyOwners } from './apikeys.service.js';
