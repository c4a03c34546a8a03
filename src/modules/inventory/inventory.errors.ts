import { AppError } from '../../platform/errors.js';

export interface Shortage {
  variant_id: string;
  requested: number;
  available: number;
}

export class InsufficientStock extends AppError {
  constructor(readonly shortages: Shortage[]) {
    super(
      409,
      'insufficient_stock',
      'Insufficient stock',
      `Not enough stock for ${shortages.map((s) => s.variant_id).join(', ')}.`,
      shortages,
    );
  }
}
