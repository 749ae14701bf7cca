-- Three tables in a ring: a region has a head office, an office a
-- current lease, a lease a region.
CREATE TABLE regions (
  id int NOT NULL,
  head_office_id int DEFAULT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_regions_office FOREIGN KEY (head_office_id) REFERENCES offices (id)
) ENGINE=InnoDB;

CREATE TABLE offices (
  id int NOT NULL,
  lease_id int DEFAULT NULL,
  city varchar(60) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_offices_lease FOREIGN KEY (lease_id) REFERENCES leases (id)
) ENGINE=InnoDB;

CREATE TABLE leases (
  id int NOT NULL,
  region_id int NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_leases_region FOREIGN KEY (region_id) REFERENCES regions (id)
) ENGINE=InnoDB;
