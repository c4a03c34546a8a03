-- Marketplace analytics rollups (modules/analytics), kept in the transactions that post to the
-- ledger, so that they reconcile with it exactly.

-- Daily figures, each day split in slots: a transaction adds to the slot of its id (txid % 32), so
-- concurrent payments update different rows instead of queueing on one row per day. A reader sums
-- the slots. Money in minor units; `commission` and `promotions_expense` are the net movements of
-- those ledger accounts that day (refunds and lost disputes give some back), `refunds` what refund
-- entries paid out through the provider. `shops_*` count the shops whose first paid order of that
-- day, ISO week or month fell on this day: summed over a whole period they give its active sellers.
CREATE TABLE analytics_daily (
  day date NOT NULL,
  currency text NOT NULL,
  slot smallint NOT NULL CHECK (slot BETWEEN 0 AND 31),
  gmv bigint NOT NULL DEFAULT 0,
  orders integer NOT NULL DEFAULT 0,
  commission bigint NOT NULL DEFAULT 0,
  promotions_expense bigint NOT NULL DEFAULT 0,
  refunds bigint NOT NULL DEFAULT 0,
  disputes integer NOT NULL DEFAULT 0,
  new_buyers integer NOT NULL DEFAULT 0,
  shops_day integer NOT NULL DEFAULT 0,
  shops_week integer NOT NULL DEFAULT 0,
  shops_month integer NOT NULL DEFAULT 0,
  PRIMARY KEY (currency, day, slot)
);

-- Each buyer once, on the day of their first paid order: an account by its id ('user:…'), a guest
-- by its email address, lower-cased ('guest:…').
CREATE TABLE analytics_first_orders (
  buyer text PRIMARY KEY,
  day date NOT NULL,
  currency text NOT NULL
);

-- Which shops had a paid order in which day, ISO week (starting Monday) and month (by the period's
-- first day): the distinct sellers of a span are counted over the fewest periods that tile it.
CREATE TABLE analytics_active_shops (
  grain text NOT NULL CHECK (grain IN ('day', 'week', 'month')),
  period date NOT NULL,
  currency text NOT NULL,
  shop_id text NOT NULL,
  PRIMARY KEY (currency, grain, period, shop_id)
);

-- Backfill from the books and the orders already there (all in slot 0). The day of a figure is the
-- UTC day its ledger entry (or dispute, or order payment) was made, as the running rollups do.
WITH payments AS (
  SELECT e.shop_id, (e.created_at AT TIME ZONE 'UTC')::date AS day, p.currency, p.amount
  FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
  WHERE e.kind = 'payment' AND p.account_id LIKE 'platform:provider_clearing:%'
), active AS (
  SELECT DISTINCT grain, CASE grain
      WHEN 'day' THEN day
      WHEN 'week' THEN date_trunc('week', day::timestamp)::date
      ELSE date_trunc('month', day::timestamp)::date END AS period, currency, shop_id, day
  FROM payments CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g(grain)
), active_shops AS (
  INSERT INTO analytics_active_shops (grain, period, currency, shop_id)
  SELECT grain, period, currency, shop_id FROM active
  GROUP BY grain, period, currency, shop_id
), shop_days AS (
  SELECT a.day, a.currency,
    count(*) FILTER (WHERE a.grain = 'day') AS shops_day,
    count(*) FILTER (WHERE a.grain = 'week') AS shops_week,
    count(*) FILTER (WHERE a.grain = 'month') AS shops_month
  FROM (
    SELECT grain, period, currency, shop_id, min(day) AS day FROM active GROUP BY grain, period, currency, shop_id
  ) a
  GROUP BY a.day, a.currency
), money AS (
  SELECT (e.created_at AT TIME ZONE 'UTC')::date AS day, p.currency,
    coalesce(sum(p.amount) FILTER (WHERE e.kind = 'payment' AND p.account_id LIKE 'platform:provider_clearing:%'), 0) AS gmv,
    count(DISTINCT e.id) FILTER (WHERE e.kind = 'payment') AS orders,
    coalesce(-sum(p.amount) FILTER (WHERE p.account_id LIKE 'platform:commission:%'), 0) AS commission,
    coalesce(sum(p.amount) FILTER (WHERE p.account_id LIKE 'platform:promotions_expense:%'), 0) AS promotions_expense,
    coalesce(-sum(p.amount) FILTER (WHERE e.kind = 'refund' AND p.account_id LIKE 'platform:provider_clearing:%'), 0) AS refunds
  FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
  GROUP BY 1, 2
), disputes_opened AS (
  SELECT (created_at AT TIME ZONE 'UTC')::date AS day, currency, count(*) AS disputes
  FROM disputes GROUP BY 1, 2
), buyers AS (
  INSERT INTO analytics_first_orders (buyer, day, currency)
  SELECT DISTINCT ON (buyer) buyer, (paid_at AT TIME ZONE 'UTC')::date, currency
  FROM (
    SELECT coalesce('user:' || buyer_id, 'guest:' || lower(guest_email)) AS buyer, paid_at, currency
    FROM orders WHERE paid_at IS NOT NULL
  ) o
  ORDER BY buyer, paid_at
  RETURNING day, currency
), new_buyers AS (
  SELECT day, currency, count(*) AS new_buyers FROM buyers GROUP BY 1, 2
), days AS (
  SELECT day, currency FROM money
  UNION SELECT day, currency FROM disputes_opened
  UNION SELECT day, currency FROM new_buyers
  UNION SELECT day, currency FROM shop_days
)
INSERT INTO analytics_daily (day, currency, slot, gmv, orders, commission, promotions_expense, refunds,
  disputes, new_buyers, shops_day, shops_week, shops_month)
SELECT d.day, d.currency, 0, coalesce(m.gmv, 0), coalesce(m.orders, 0), coalesce(m.commission, 0),
  coalesce(m.promotions_expense, 0), coalesce(m.refunds, 0), coalesce(x.disputes, 0),
  coalesce(b.new_buyers, 0), coalesce(s.shops_day, 0), coalesce(s.shops_week, 0), coalesce(s.shops_month, 0)
FROM days d
LEFT JOIN money m USING (day, currency)
LEFT JOIN disputes_opened x USING (day, currency)
LEFT JOIN new_buyers b USING (day, currency)
LEFT JOIN shop_days s USING (day, currency);
