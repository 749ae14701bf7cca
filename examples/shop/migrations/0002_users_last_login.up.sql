-- Track logins; the nickname column has been unused since v2.3.
ALTER TABLE users ADD COLUMN last_login_at datetime DEFAULT NULL;

-- ddlbot:ignore drop-column -- nickname unused since v2.3 (see #412)
ALTER TABLE users DROP COLUMN nickname;

ALTER TABLE users DROP INDEX idx_email, ADD UNIQUE KEY uk_email (email);
