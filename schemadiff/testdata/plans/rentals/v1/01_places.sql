-- A rental shop chain in the style of the classic MySQL sample database
-- (written for these tests): stores and their staff reference each other.
CREATE TABLE countries (
  country_id smallint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(50) NOT NULL,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (country_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE cities (
  city_id smallint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(50) NOT NULL,
  country_id smallint unsigned NOT NULL,
  PRIMARY KEY (city_id),
  KEY idx_cities_country (country_id),
  CONSTRAINT fk_cities_country FOREIGN KEY (country_id) REFERENCES countries (country_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE addresses (
  address_id smallint unsigned NOT NULL AUTO_INCREMENT,
  line1 varchar(50) NOT NULL,
  line2 varchar(50) DEFAULT NULL,
  city_id smallint unsigned NOT NULL,
  postal_code varchar(10) DEFAULT NULL,
  phone varchar(20) NOT NULL,
  PRIMARY KEY (address_id),
  KEY idx_addresses_city (city_id),
  CONSTRAINT fk_addresses_city FOREIGN KEY (city_id) REFERENCES cities (city_id) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
