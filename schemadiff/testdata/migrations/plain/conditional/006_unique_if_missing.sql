SET @s = IF((SELECT COUNT(*) FROM information_schema.table_constraints
             WHERE table_schema = DATABASE() AND table_name = 'members' AND constraint_type = 'UNIQUE' AND constraint_name = 'uq_members_email') = 0,
            'ALTER TABLE members ADD UNIQUE KEY uq_members_email (email)', 'SELECT 1');
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;
