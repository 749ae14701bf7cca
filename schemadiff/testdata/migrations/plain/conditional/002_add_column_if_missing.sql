-- Idempotent: the migration can run again on a database that already has the column.
SET @s = IF((SELECT COUNT(*) FROM information_schema.columns
             WHERE table_schema = DATABASE() AND table_name = 'members' AND column_name = 'nickname') = 0,
            'ALTER TABLE members ADD COLUMN nickname varchar(40) DEFAULT NULL',
            'SELECT 1');
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;

-- Run twice on purpose: the second time the column exists and nothing happens.
SET @s = IF((SELECT COUNT(*) FROM information_schema.columns
             WHERE table_schema = DATABASE() AND table_name = 'members' AND column_name = 'nickname') = 0,
            'ALTER TABLE members ADD COLUMN nickname varchar(40) DEFAULT NULL',
            'SELECT 1');
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;
