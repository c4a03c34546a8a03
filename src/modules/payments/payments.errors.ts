import { AppError } from '../../platform/errors.js';

/** A webhook without a valid, current signature: missing, wrong, or more than the tolerance away. */
export class InvalidSignature extends AppError {
  constructor(detail = 'The webhook signature is missing or does not verify.') {
    super(400, 'invalid_signature', 'Invalid signature', detail);
  }
}
