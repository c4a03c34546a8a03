-- Disputes and platform-funded return refunds (issue 19).
-- dispute_hold: what an open card dispute holds back from the sellers' money until it is won or lost.
-- refunds_expense: a refund the platform decides to fund itself (an escalated return resolved at the
-- platform's cost), so the seller's money is left alone.
-- Entry kinds: dispute_hold (opened), dispute_release (won), dispute_loss (lost).
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_name_check;
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_owner;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_name_check
  CHECK (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'tax_payable', 'promotions_expense',
                  'dispute_hold', 'refunds_expense', 'pending', 'available', 'paid_out'));
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_owner
  CHECK ((shop_id IS NULL) = (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'tax_payable',
                                       'promotions_expense', 'dispute_hold', 'refunds_expense')));
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check
  CHECK (kind IN ('payment', 'delivery', 'refund', 'refund_failure', 'payout', 'payout_reversal',
                  'dispute_hold', 'dispute_release', 'dispute_loss'));
