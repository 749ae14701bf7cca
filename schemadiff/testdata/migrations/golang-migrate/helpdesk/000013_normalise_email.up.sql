CREATE FUNCTION normalise_email(raw varchar(191)) RETURNS varchar(191) DETERMINISTIC
RETURN LOWER(TRIM(raw));

CREATE TRIGGER trg_customers_email BEFORE INSERT ON customers FOR EACH ROW SET NEW.email = normalise_email(NEW.email);
