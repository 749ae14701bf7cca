SELECT COUNT(*) INTO @has_audit FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'audit_log';
SET @s = CASE WHEN @has_audit = 0
  THEN 'CREATE TABLE audit_log (id bigint unsigned NOT NULL AUTO_INCREMENT, message varchar(255) NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4'
  ELSE 'DO 0' END;
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;

PREPARE st FROM 'ALTER TABLE audit_log ADD COLUMN member_id bigint unsigned DEFAULT NULL';
EXECUTE st;
DEALLOCATE PREPARE st;

-- Drop a column only where it exists.
SET @s = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'orders' AND column_name = 'total'),
            'ALTER TABLE orders DROP COLUMN total', 'SELECT 1');
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;
