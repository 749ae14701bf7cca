-- Function names in any case, joins in parentheses, and a view over a view
-- (issue 16 item 10): servers store them rewritten.
CREATE VIEW customer_names AS
  SELECT id, CONCAT(first_name, ' ', last_name) AS full_name, COALESCE(last_name, first_name) AS shout FROM customers;
CREATE VIEW customer_places AS
  SELECT c.id, c.first_name, k.name AS country, i.amount
  FROM ((customers c JOIN countries k ON k.id = c.country_id) JOIN invoices i ON i.customer_id = c.id);
CREATE VIEW named_customers AS SELECT * FROM customer_names WHERE full_name <> '';
CREATE VIEW rich_places AS SELECT id, country FROM customer_places WHERE amount > 1000;
