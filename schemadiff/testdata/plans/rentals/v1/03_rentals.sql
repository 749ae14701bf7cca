CREATE TABLE films (
  film_id smallint unsigned NOT NULL AUTO_INCREMENT,
  title varchar(128) NOT NULL,
  rental_rate decimal(4,2) NOT NULL DEFAULT '4.99',
  PRIMARY KEY (film_id),
  KEY idx_films_title (title)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE inventory (
  inventory_id mediumint unsigned NOT NULL AUTO_INCREMENT,
  film_id smallint unsigned NOT NULL,
  store_id tinyint unsigned NOT NULL,
  PRIMARY KEY (inventory_id),
  KEY idx_inventory_film (film_id),
  KEY idx_inventory_store_film (store_id, film_id),
  CONSTRAINT fk_inventory_film FOREIGN KEY (film_id) REFERENCES films (film_id) ON UPDATE CASCADE,
  CONSTRAINT fk_inventory_store FOREIGN KEY (store_id) REFERENCES stores (store_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE rentals (
  rental_id int NOT NULL AUTO_INCREMENT,
  rented_at datetime NOT NULL,
  inventory_id mediumint unsigned NOT NULL,
  customer_id smallint unsigned NOT NULL,
  returned_at datetime DEFAULT NULL,
  staff_id tinyint unsigned NOT NULL,
  PRIMARY KEY (rental_id),
  UNIQUE KEY uk_rentals (rented_at, inventory_id, customer_id),
  KEY idx_rentals_inventory (inventory_id),
  KEY idx_rentals_customer (customer_id),
  KEY idx_rentals_staff (staff_id),
  CONSTRAINT fk_rentals_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id) ON UPDATE CASCADE,
  CONSTRAINT fk_rentals_inventory FOREIGN KEY (inventory_id) REFERENCES inventory (inventory_id) ON UPDATE CASCADE,
  CONSTRAINT fk_rentals_staff FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE payments (
  payment_id smallint unsigned NOT NULL AUTO_INCREMENT,
  customer_id smallint unsigned NOT NULL,
  staff_id tinyint unsigned NOT NULL,
  rental_id int DEFAULT NULL,
  amount decimal(5,2) NOT NULL,
  paid_at datetime NOT NULL,
  PRIMARY KEY (payment_id),
  KEY idx_payments_staff (staff_id),
  KEY idx_payments_customer (customer_id),
  KEY idx_payments_rental (rental_id),
  CONSTRAINT fk_payments_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id) ON UPDATE CASCADE,
  CONSTRAINT fk_payments_rental FOREIGN KEY (rental_id) REFERENCES rentals (rental_id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT fk_payments_staff FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A view over tables in the stores/staff cycle (Vitess alone refuses it).
CREATE VIEW store_revenue AS
  SELECT s.store_id AS store_id, sum(p.amount) AS total
  FROM payments p JOIN staff s ON p.staff_id = s.staff_id
  GROUP BY s.store_id;
