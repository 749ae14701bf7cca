-- v2: a store has an optional deputy (a second key into staff), staff get a
-- supervisor (self-reference), customers a preferred clerk (into the cycle).
CREATE TABLE stores (
  store_id tinyint unsigned NOT NULL AUTO_INCREMENT,
  manager_staff_id tinyint unsigned NOT NULL,
  deputy_staff_id tinyint unsigned DEFAULT NULL,
  address_id smallint unsigned NOT NULL,
  PRIMARY KEY (store_id),
  UNIQUE KEY uk_stores_manager (manager_staff_id),
  KEY idx_stores_address (address_id),
  KEY idx_stores_deputy (deputy_staff_id),
  CONSTRAINT fk_stores_address FOREIGN KEY (address_id) REFERENCES addresses (address_id) ON UPDATE CASCADE,
  CONSTRAINT fk_stores_deputy FOREIGN KEY (deputy_staff_id) REFERENCES staff (staff_id) ON DELETE SET NULL,
  CONSTRAINT fk_stores_manager FOREIGN KEY (manager_staff_id) REFERENCES staff (staff_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE staff (
  staff_id tinyint unsigned NOT NULL AUTO_INCREMENT,
  first_name varchar(45) NOT NULL,
  last_name varchar(45) NOT NULL,
  address_id smallint unsigned NOT NULL,
  store_id tinyint unsigned NOT NULL,
  supervisor_id tinyint unsigned DEFAULT NULL,
  active tinyint(1) NOT NULL DEFAULT '1',
  PRIMARY KEY (staff_id),
  KEY idx_staff_store (store_id),
  KEY idx_staff_address (address_id),
  KEY idx_staff_supervisor (supervisor_id),
  CONSTRAINT fk_staff_address FOREIGN KEY (address_id) REFERENCES addresses (address_id) ON UPDATE CASCADE,
  CONSTRAINT fk_staff_store FOREIGN KEY (store_id) REFERENCES stores (store_id) ON UPDATE CASCADE,
  CONSTRAINT fk_staff_supervisor FOREIGN KEY (supervisor_id) REFERENCES staff (staff_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE customers (
  customer_id smallint unsigned NOT NULL AUTO_INCREMENT,
  store_id tinyint unsigned NOT NULL,
  email varchar(100) DEFAULT NULL,
  address_id smallint unsigned NOT NULL,
  preferred_staff_id tinyint unsigned DEFAULT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY (customer_id),
  KEY idx_customers_store (store_id),
  KEY idx_customers_address (address_id),
  KEY idx_customers_staff (preferred_staff_id),
  CONSTRAINT fk_customers_address FOREIGN KEY (address_id) REFERENCES addresses (address_id) ON UPDATE CASCADE,
  CONSTRAINT fk_customers_staff FOREIGN KEY (preferred_staff_id) REFERENCES staff (staff_id) ON DELETE SET NULL,
  CONSTRAINT fk_customers_store FOREIGN KEY (store_id) REFERENCES stores (store_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
