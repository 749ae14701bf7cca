ALTER TABLE tickets
  ADD COLUMN due_at datetime DEFAULT NULL,
  ADD KEY idx_tickets_due (due_at);
