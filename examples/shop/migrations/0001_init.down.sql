DROP VIEW paid_orders;
DROP TABLE orders;
DROP TABLE users;
