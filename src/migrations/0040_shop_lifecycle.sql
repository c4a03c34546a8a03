-- Shops gain a lifecycle (modules/identity/shops.state.ts), the details buyers see, and vacation
-- windows. Shops that exist already were open for business: they start `active`.
ALTER TABLE shops
  ADD COLUMN status text NOT NULL DEFAULT 'active'
    CHECK (status IN ('pending_review', 'active', 'rejected', 'suspended', 'closed')),
  -- Why an admin last rejected, suspended or reinstated the shop (shown to its seller).
  ADD COLUMN status_reason text CHECK (length(status_reason) <= 1000),
  ADD COLUMN return_window_days integer NOT NULL DEFAULT 30 CHECK (return_window_days BETWEEN 0 AND 365),
  ADD COLUMN handling_days integer NOT NULL DEFAULT 2 CHECK (handling_days BETWEEN 0 AND 60),
  ADD COLUMN support_email text CHECK (length(support_email) <= 254),
  ADD COLUMN vacation_from timestamptz,
  ADD COLUMN vacation_to timestamptz,
  ADD CONSTRAINT shops_vacation_window CHECK (
    (vacation_from IS NULL) = (vacation_to IS NULL) AND (vacation_from IS NULL OR vacation_from < vacation_to)
  );
CREATE INDEX shops_status_created_idx ON shops (status, created_at DESC, id DESC);
CREATE INDEX shops_created_idx ON shops (created_at DESC, id DESC);
