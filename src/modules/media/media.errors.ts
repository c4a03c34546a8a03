import { defineErrors } from '../../platform/problems.js';

/** The media module's error cases: reason → the API.md code it answers with. */
export const mediaErrors = defineErrors({
  multipart_required: {
    code: 'unsupported_media_type',
    detail: 'Send multipart/form-data with one `file` field.',
  },
  multipart_malformed: { code: 'validation_failed' },
  image_too_large: { code: 'payload_too_large', detail: 'An image may have at most 5 MiB.' },
  /** More than one file, or more parts or fields than an upload has. */
  form_too_large: { code: 'payload_too_large' },
  /** Recognised by content: not a PNG, JPEG or WebP whatever its name or declared type. */
  not_an_image: { code: 'unsupported_media_type', detail: 'The file is not a PNG, JPEG or WebP image.' },
  image_not_found: { code: 'not_found', detail: 'The image does not exist.' },
});
