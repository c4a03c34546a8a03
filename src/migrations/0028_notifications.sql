-- In-app notifications. One event gives a recipient at most one per template: redelivered
-- events find the key taken and add nothing.
CREATE TABLE notifications (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  type text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  link text,
  dedupe_key text NOT NULL UNIQUE,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL;

-- Every email the server makes. With SMTP a durable job sends it (sent_at when the relay took
-- it, failed_at when it refused it for good); without SMTP it is kept here for the dev mailbox,
-- sent_at set when it is made.
CREATE TABLE emails (
  id text PRIMARY KEY,
  user_id text,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text NOT NULL,
  template text NOT NULL,
  -- (event, recipient, template) for mail made from an event; NULL for mail made by a request.
  dedupe_key text UNIQUE,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  sent_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (sent_at IS NULL OR failed_at IS NULL)
);
CREATE INDEX emails_sent_at_idx ON emails (sent_at DESC, id DESC) WHERE sent_at IS NOT NULL;

-- Which groups of email a user wants; no row means every group.
CREATE TABLE notification_preferences (
  user_id text PRIMARY KEY,
  orders boolean NOT NULL DEFAULT true,
  shop boolean NOT NULL DEFAULT true,
  reviews boolean NOT NULL DEFAULT true,
  payouts boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
