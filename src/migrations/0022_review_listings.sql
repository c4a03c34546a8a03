-- A shop's reviews and the moderation list, newest first. The shop's list never shows hidden
-- reviews; admins filter on hidden, which few reviews are, so that filter gets its own small index.
CREATE INDEX reviews_shop_newest_idx ON reviews (shop_id, created_at DESC, id DESC) WHERE NOT hidden;
CREATE INDEX reviews_newest_idx ON reviews (created_at DESC, id DESC);
CREATE INDEX reviews_hidden_newest_idx ON reviews (created_at DESC, id DESC) WHERE hidden;
