-- The keys came later, over columns written as int: MySQL refuses both (the
-- server names only the first), ddlbot reports both, each at its own key.
ALTER TABLE invoices
  ADD CONSTRAINT fk_invoice_account FOREIGN KEY (account_id) REFERENCES accounts (id),
  ADD CONSTRAINT fk_invoice_payer FOREIGN KEY (payer_id) REFERENCES accounts (id);
