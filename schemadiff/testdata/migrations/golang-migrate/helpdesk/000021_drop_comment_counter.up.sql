-- The counter triggers are replaced by a query; the column goes.
DROP TRIGGER IF EXISTS trg_comments_count;
DROP TRIGGER IF EXISTS trg_comments_uncount;
ALTER TABLE tickets DROP COLUMN comment_count;
