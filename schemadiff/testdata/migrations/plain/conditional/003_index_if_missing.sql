SET @exist := (SELECT COUNT(*) FROM information_schema.statistics
               WHERE table_schema = DATABASE() AND table_name = 'orders' AND index_name = 'idx_orders_member');
SET @sqlstmt := IF(@exist > 0, 'SELECT ''index exists''', 'CREATE INDEX idx_orders_member ON orders (member_id)');
PREPARE stmt FROM @sqlstmt;
EXECUTE stmt;
DEALLOCATE PREPARE stmt;
