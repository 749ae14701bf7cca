-- Views are written the way the server prints them back (qualified, aliased
-- columns): MySQL and MariaDB both rewrite a view's SELECT when storing it.
CREATE VIEW paid_orders AS
  select `orders`.`id` AS `id`, `orders`.`user_id` AS `user_id`, `orders`.`total` AS `total`
  from `orders` where `orders`.`status` = 'paid';
