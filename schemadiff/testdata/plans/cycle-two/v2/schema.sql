-- Projects join the cycle: an employee leads a project, a project belongs
-- to a department and has an owner.
CREATE TABLE departments (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(120) NOT NULL,
  manager_id bigint unsigned DEFAULT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_departments_manager FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE employees (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  department_id bigint unsigned NOT NULL,
  email varchar(191) NOT NULL,
  lead_project_id bigint unsigned DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_employees_email (email),
  CONSTRAINT fk_employees_department FOREIGN KEY (department_id) REFERENCES departments (id),
  CONSTRAINT fk_employees_project FOREIGN KEY (lead_project_id) REFERENCES projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE projects (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  department_id bigint unsigned NOT NULL,
  owner_id bigint unsigned NOT NULL,
  title varchar(200) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_projects_department (department_id),
  CONSTRAINT fk_projects_department FOREIGN KEY (department_id) REFERENCES departments (id),
  CONSTRAINT fk_projects_owner FOREIGN KEY (owner_id) REFERENCES employees (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
