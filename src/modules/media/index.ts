/**
 * Media: images uploaded by sellers (and made by the demo seed), recognised by their content and
 * served at `/media/<id>.<ext>`. Owns the table media and the files in media storage; other
 * modules check image URLs through `MediaService.isIssuedUrl`.
 */
export { mediaRoutes } from './media.routes.js';
export { MAX_MEDIA_BYTES, MediaService, type StoredMedia } from './media.service.js';
export { FileMediaStorage, type MediaStorage } from './media.storage.js';
