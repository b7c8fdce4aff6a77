-- pg_temp.validate(schema, instance): the verdict of one fuzz case --
-- 'valid', 'invalid', 'mismatch' (jsonb_matches_schema and
-- validation_errors disagree) or 'error SQLSTATE'.  Used by test/fuzz.sql
-- (the short run) and scripts/fuzz.sh (the long run and its replay).
CREATE FUNCTION pg_temp.validate(s jsonb, i jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	verdict boolean;
	no_errors boolean;
BEGIN
	verdict := event_types.jsonb_matches_schema(s, i);
	no_errors := NOT EXISTS (SELECT FROM event_types.validation_errors(s, i));
	IF verdict IS DISTINCT FROM no_errors THEN
		RETURN 'mismatch';
	END IF;
	RETURN CASE WHEN verdict THEN 'valid' ELSE 'invalid' END;
EXCEPTION WHEN OTHERS THEN
	RETURN 'error ' || SQLSTATE;
END $$;
