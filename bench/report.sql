-- Print the benchmark results: markdown tables, then one machine-readable
-- line (BENCH {...}). Ratios compare figures measured in the same run.
\pset format unaligned
\pset tuples_only on
CREATE TEMP VIEW v AS
SELECT kind,
	max(seconds) FILTER (WHERE method = 'plain insert') AS plain,
	max(seconds) FILTER (WHERE method = 'event_types CHECK') AS ours,
	max(seconds) FILTER (WHERE method = 'event_types CHECK, built-in schema()') AS ours_builtin,
	max(seconds) FILTER (WHERE method = 'is_jsonb_valid CHECK') AS ijv,
	max(seconds) FILTER (WHERE method = 'plain insert (sample)') AS plain_s,
	max(seconds) FILTER (WHERE method = 'event_types CHECK (sample)') AS ours_s,
	max(seconds) FILTER (WHERE method = 'postgres-json-schema CHECK (sample)') AS pjs_s,
	max(rows) FILTER (WHERE method = 'plain insert') AS n,
	max(rows) FILTER (WHERE method = 'plain insert (sample)') AS n_s,
	max(note) FILTER (WHERE method = 'event_types CHECK') AS ours_invalid,
	max(note) FILTER (WHERE method = 'is_jsonb_valid CHECK') AS ijv_invalid
FROM bench_result WHERE section = 'validation' GROUP BY kind;

SELECT format('Cluster: PostgreSQL %s, fsync=%s, synchronous_commit=%s, wal_level=%s, shared_buffers=%s. '
	'Every timed statement is a transaction of its own; its time includes the COMMIT.',
	current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'),
	current_setting('wal_level'), current_setting('shared_buffers'));
SELECT '';
SELECT '### Validation (CHECK constraint on INSERT ... SELECT; runs interleaved, best of ' || 2 * current_setting('bench.reps')::int || ' each)';
SELECT '';
SELECT '| documents | rows | plain rows/s | event_types CHECK × plain | built-in schema() × plain | is_jsonb_valid CHECK × plain | our cost / is_jsonb_valid cost | our cost / postgres-json-schema cost | invalid found (ours / is_jsonb_valid) |';
SELECT '|---|---|---|---|---|---|---|---|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |', kind, n,
	round(n / plain), round((ours / plain)::numeric, 2), round((ours_builtin / plain)::numeric, 2),
	coalesce(round((ijv / plain)::numeric, 2)::text, 'n/a'),
	-- our CHECK can come out no slower than the plain insert in a short,
	-- noisy run: then there is no cost to divide by
	CASE WHEN ijv IS NULL THEN 'n/a' WHEN ours <= plain THEN 'ours not measurable'
		ELSE '1/' || round(((ijv - plain) / (ours - plain))::numeric, 1) END,
	CASE WHEN pjs_s IS NULL THEN 'n/a' WHEN ours_s <= plain_s THEN 'ours not measurable'
		ELSE '1/' || round(((pjs_s - plain_s) / (ours_s - plain_s))::numeric, 0) END,
	ours_invalid, coalesce(ijv_invalid, 'n/a'))
FROM v ORDER BY kind;

SELECT '';
SELECT '### Full pipeline (validate, extract, de-duplicate, project), best of ' || current_setting('bench.reps') || ' runs';
SELECT '';
SELECT '| load | messages | plain table with PK msgs/s | event_types.inbox msgs/s | events/s | inbox × plain | outcome |';
SELECT '|---|---|---|---|---|---|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s |', p.kind, p.rows, round(p.rows / p.seconds),
	round(i.rows / i.seconds), round(i.events / i.seconds), round((i.seconds / p.seconds)::numeric, 2), i.note)
FROM bench_result p JOIN bench_result i ON i.section = p.section AND i.kind = p.kind
	AND i.method = 'event_types.inbox'
WHERE p.section = 'pipeline' AND p.method = 'plain table with primary key' ORDER BY p.kind;
SELECT '';
SELECT 'Floors: the rows the pipeline stores, written directly from copies of its final rows, with no validation, '
	'extraction or merging; COPY floors read the inbox rows from a file, parsing each payload once as the pipeline does. '
	'The SPEC floor is the least any implementation of SPEC.md can store, so no implementation can load faster.';
SELECT '';
SELECT '| load | floor | indexes | floor × plain | floor events/s | event_types.inbox × floor |';
SELECT '|---|---|---|---|---|---|';
SELECT format('| %s | %s | %s | %s | %s | %s |', p.kind, f.method, f.note,
	round((f.seconds / p.seconds)::numeric, 2), round(f.events / f.seconds),
	round((i.seconds / f.seconds)::numeric, 2))
FROM bench_result p
JOIN bench_result f ON f.section = p.section AND f.kind = p.kind AND f.method LIKE '% floor'
JOIN bench_result i ON i.section = p.section AND i.kind = p.kind AND i.method = 'event_types.inbox'
WHERE p.section = 'pipeline' AND p.method = 'plain table with primary key'
ORDER BY p.kind, array_position(ARRAY['write floor', 'SPEC floor', 'key floor'], f.method);

SELECT '';
SELECT '### Memory (one statement, fresh session each)';
SELECT '';
SELECT '| statement | rows | backend memory |';
SELECT '|---|---|---|';
SELECT format('| %s into %s | %s | %s |', kind, method, rows, note)
FROM bench_result WHERE section = 'memory' ORDER BY rows;

SELECT '';
SELECT '### Concurrency (pgbench, one gym webhook per transaction, 2,000 shared customers)';
SELECT '';
SELECT '| writers | messages/s | failed transactions |';
SELECT '|---|---|---|';
SELECT format('| %s | %s | %s |', kind, round(rows / seconds), note)
FROM bench_result WHERE section = 'concurrency' ORDER BY kind::int;

SELECT '';
SELECT '### Growth (cost per event of a fixed batch as the tables grow, best of 3 batches)';
SELECT '';
SELECT '| events already logged | µs per event | × previous step | × first step | |';
SELECT '|---|---|---|---|---|';
SELECT format('| %s | %s | %s | %s | %s |', method, round((seconds / rows * 1e6)::numeric, 1),
	coalesce(round(((seconds / rows) / lag(seconds / rows) OVER (ORDER BY method::bigint))::numeric, 2)::text, ''),
	round(((seconds / rows) / first_value(seconds / rows) OVER (ORDER BY method::bigint))::numeric, 2), note)
FROM bench_result WHERE section = 'growth' ORDER BY method::bigint;

SELECT '';
SELECT 'BENCH ' || jsonb_build_object(
	'validation', (SELECT jsonb_object_agg(kind, jsonb_build_object(
		'check_vs_plain', round((ours / plain)::numeric, 3),
		'builtin_check_vs_plain', round((ours_builtin / plain)::numeric, 3),
		'cost_vs_is_jsonb_valid', round(((ours - plain) / nullif(ijv - plain, 0))::numeric, 4),
		'cost_vs_postgres_json_schema', round(((ours_s - plain_s) / nullif(pjs_s - plain_s, 0))::numeric, 5)))
		FROM v),
	'pipeline', (SELECT jsonb_object_agg(p.kind, jsonb_build_object(
		'events_per_s', round(i.events / i.seconds), 'vs_plain', round((i.seconds / p.seconds)::numeric, 3),
		'floors_vs_plain', (SELECT jsonb_object_agg(f.method, round((f.seconds / p.seconds)::numeric, 3))
			FROM bench_result f WHERE f.section = p.section AND f.kind = p.kind AND f.method LIKE '% floor'),
		'spec_floor_events_per_s', (SELECT round(f.events / f.seconds)
			FROM bench_result f WHERE f.section = p.section AND f.kind = p.kind AND f.method = 'SPEC floor')))
		FROM bench_result p
		JOIN bench_result i ON i.section = p.section AND i.kind = p.kind AND i.method = 'event_types.inbox'
		WHERE p.section = 'pipeline' AND p.method = 'plain table with primary key'),
	'concurrency', (SELECT jsonb_object_agg(kind, jsonb_build_object('per_s', round(rows / seconds), 'failed', note))
		FROM bench_result WHERE section = 'concurrency'),
	'growth_us_per_event', (SELECT jsonb_object_agg(method, round((seconds / rows * 1e6)::numeric, 1))
		FROM bench_result WHERE section = 'growth'),
	'memory', (SELECT jsonb_object_agg(rows, note) FROM bench_result WHERE section = 'memory'),
	'settings', jsonb_build_object('fsync', current_setting('fsync'),
		'synchronous_commit', current_setting('synchronous_commit'),
		'shared_buffers', current_setting('shared_buffers')))::text;
