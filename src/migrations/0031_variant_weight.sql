-- A variant's shipping weight, for weight-tiered shipping options.
ALTER TABLE variants ADD COLUMN weight_grams integer NOT NULL DEFAULT 0 CHECK (weight_grams BETWEEN 0 AND 1000000000);
