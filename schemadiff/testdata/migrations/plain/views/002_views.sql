-- Views written the way people write them; servers store them rewritten
-- (star expanded, columns qualified and aliased).
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;

CREATE VIEW all_users AS SELECT * FROM users;

CREATE VIEW user_totals AS
  SELECT u.id, u.email, o.total AS order_total
  FROM users u JOIN orders o ON o.user_id = u.id;

CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
