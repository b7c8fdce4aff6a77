\echo Use "CREATE EXTENSION event_types" to load this file. \quit

-- event_types: typed vendor webhook events for PostgreSQL.
-- This install script is concatenated from src/sql/*.sql by the Makefile;
-- each part owns one concern. Every object is schema-qualified and every
-- built-in is pg_catalog-qualified: the script never depends on search_path.

COMMENT ON SCHEMA event_types IS 'Typed vendor webhook events: JSON Schema 2020-12 validation, event catalogue, event log and projections';
