ALTER TABLE products ADD COLUMN weight_grams int DEFAULT NULL CHECK (weight_grams > 0);
