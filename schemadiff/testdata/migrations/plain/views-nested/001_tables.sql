CREATE TABLE customers (
  id bigint NOT NULL AUTO_INCREMENT,
  first_name varchar(50) NOT NULL,
  last_name varchar(50) NOT NULL,
  country_id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE countries (
  id int NOT NULL,
  name varchar(60) NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE invoices (
  id bigint NOT NULL AUTO_INCREMENT,
  customer_id bigint NOT NULL,
  amount decimal(10,2) NOT NULL,
  PRIMARY KEY (id)
);
