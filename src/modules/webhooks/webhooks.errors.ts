import { defineErrors } from '../../platform/problems.js';

/** The webhooks module's error cases: reason → the API.md code it answers with. */
export const webhooksErrors = defineErrors({
  /** Also another owner's endpoint (a shop's, or the marketplace's to a seller): nobody learns which ids exist. */
  endpoint_not_found: { code: 'not_found', detail: 'The webhook endpoint does not exist.' },
  /** Also a delivery of another owner's endpoint. */
  delivery_not_found: { code: 'not_found', detail: 'The webhook delivery does not exist.' },
  /** Not https (http only with BAZAAR_WEBHOOKS_ALLOW_PRIVATE), or a host that resolves to a private address. */
  endpoint_url_refused: { code: 'validation_failed' },
  /** A type that is not catalogued, or `*` beside other types. */
  endpoint_event_unknown: { code: 'validation_failed' },
  /** The endpoint's status does not allow the change (webhooks.state.ts). */
  endpoint_transition_refused: { code: 'invalid_state' },
});
