DROP FUNCTION business_minutes;
