-- A department has a manager; every employee belongs to a department.
CREATE TABLE departments (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(80) NOT NULL,
  manager_id bigint unsigned DEFAULT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_departments_manager FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE employees (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  department_id bigint unsigned NOT NULL,
  email varchar(191) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_employees_email (email),
  CONSTRAINT fk_employees_department FOREIGN KEY (department_id) REFERENCES departments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
