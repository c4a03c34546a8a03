-- Double-entry ledger (modules/ledger). A posting's amount is signed, in minor units: a debit is
-- positive, a credit negative. The database itself refuses an entry whose postings do not sum to
-- zero per currency (checked at commit, once every posting of the entry is in), an entry without
-- postings, and any change to what was posted: corrections are new entries.

-- Platform accounts have no shop; each shop has pending, available and paid_out.
CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  shop_id text,
  name text NOT NULL CHECK (name IN ('provider_clearing', 'commission', 'payouts', 'pending', 'available', 'paid_out')),
  currency text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_accounts_id_currency UNIQUE (id, currency),
  CONSTRAINT ledger_accounts_owner CHECK ((shop_id IS NULL) = (name IN ('provider_clearing', 'commission', 'payouts')))
);

-- Every entry concerns one shop (and one order, except payouts). `reference` is what caused it:
-- a payment, an order, a refund or a payout id. The unique index posts each cause once.
CREATE TABLE ledger_entries (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('payment', 'delivery', 'refund', 'payout', 'payout_reversal')),
  reference text NOT NULL,
  shop_id text NOT NULL,
  order_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ledger_entries_once_idx ON ledger_entries (kind, reference, coalesce(order_id, ''));
CREATE INDEX ledger_entries_order_idx ON ledger_entries (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX ledger_entries_shop_idx ON ledger_entries (shop_id, created_at);

CREATE TABLE ledger_postings (
  id text PRIMARY KEY,
  entry_id text NOT NULL REFERENCES ledger_entries (id),
  account_id text NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL CHECK (amount <> 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
);
CREATE INDEX ledger_postings_entry_idx ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_account_idx ON ledger_postings (account_id, created_at DESC, id DESC);

CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM ledger_postings WHERE entry_id = NEW.entry_id GROUP BY currency HAVING sum(amount) <> 0
  ) THEN
    RAISE EXCEPTION 'ledger entry % does not balance', NEW.entry_id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION ledger_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger_postings WHERE entry_id = NEW.id) THEN
    RAISE EXCEPTION 'ledger entry % has no postings', NEW.id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a correcting entry instead', TG_TABLE_NAME USING ERRCODE = '55000';
END $$;

CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
CREATE CONSTRAINT TRIGGER ledger_entries_have_postings AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_has_postings();
CREATE TRIGGER ledger_postings_immutable BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
