DROP TABLE doctors;
