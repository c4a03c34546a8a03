-- Platform-funded promotions are the platform's cost (platform account promotions_expense): the
-- seller is paid as if the buyer had paid the undiscounted price.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_name_check;
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_owner;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_name_check
  CHECK (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'tax_payable', 'promotions_expense',
                  'pending', 'available', 'paid_out'));
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_owner
  CHECK ((shop_id IS NULL) = (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'tax_payable',
                                       'promotions_expense')));
