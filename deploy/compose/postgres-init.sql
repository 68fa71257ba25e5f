-- Run once by the postgres image on an empty data volume: Rasa's tracker store gets a database of
-- its own (deploy/rasa/endpoints.yml: RASA_DB_NAME), apart from the application's `govbot`.
CREATE DATABASE govbot_rasa OWNER govbot;
