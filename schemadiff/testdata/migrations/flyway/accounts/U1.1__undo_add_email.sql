-- An undo migration: not part of the schema's history, never applied.
ALTER TABLE accounts DROP COLUMN email;
