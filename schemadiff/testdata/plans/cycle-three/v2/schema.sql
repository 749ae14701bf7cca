-- Leases go; offices now point at their region, which keeps a cycle of two.
CREATE TABLE regions (
  id int NOT NULL,
  head_office_id int DEFAULT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_regions_office FOREIGN KEY (head_office_id) REFERENCES offices (id)
) ENGINE=InnoDB;

CREATE TABLE offices (
  id int NOT NULL,
  region_id int DEFAULT NULL,
  city varchar(60) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_offices_region FOREIGN KEY (region_id) REFERENCES regions (id)
) ENGINE=InnoDB;
