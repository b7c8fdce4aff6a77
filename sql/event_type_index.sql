--
-- event_type: btree and hash operator classes at work (indexes, ORDER BY,
-- GROUP BY, DISTINCT, merge and hash joins).
--
SET search_path = public, event_types;

-- 12,000 rows over eight SPEC types, in an order unrelated to their sort order
CREATE TABLE et_index_test (id int PRIMARY KEY, t event_type NOT NULL);
INSERT INTO et_index_test
SELECT i, (ARRAY['ticketing.ORDER', 'gym.CUSTOMER_CREATED', 'court_booking.BOOKING_CANCELLED_V2',
				 'gym.CUSTOMER_DELETED', 'ticketing.CUSTOMER_DELETED', 'gym.CLASS_BOOKING_CREATED',
				 'court_booking.BOOKING_CANCELLED_V1', 'ticketing.CANCELLATION']::event_type[])[1 + i % 8]
FROM generate_series(1, 12000) AS i;
VACUUM ANALYZE et_index_test;

-- btree
CREATE INDEX et_index_test_t_btree ON et_index_test (t);
SET enable_seqscan = off;
SET enable_bitmapscan = off;

EXPLAIN (COSTS OFF)
SELECT count(*) FROM et_index_test WHERE t = 'gym.CUSTOMER_CREATED';
SELECT count(*) FROM et_index_test WHERE t = 'gym.CUSTOMER_CREATED';
SELECT count(*) FROM et_index_test WHERE t = 'CUSTOMER_CREATED';	-- unqualified literal

-- range scans follow the (source, name) order
EXPLAIN (COSTS OFF)
SELECT DISTINCT t FROM et_index_test
WHERE t > 'gym.CUSTOMER_CREATED' AND t <= 'ticketing.CUSTOMER_DELETED';
SELECT DISTINCT t FROM et_index_test
WHERE t > 'gym.CUSTOMER_CREATED' AND t <= 'ticketing.CUSTOMER_DELETED';
-- a bound must itself be a catalogued event type
SELECT DISTINCT t FROM et_index_test WHERE t < 'gym.A';
SELECT DISTINCT t FROM et_index_test WHERE t >= 'ticketing.CANCELLATION' ORDER BY t DESC;

-- ORDER BY through the index
EXPLAIN (COSTS OFF)
SELECT t FROM et_index_test ORDER BY t LIMIT 3;
SELECT t, count(*) FROM (SELECT t FROM et_index_test ORDER BY t LIMIT 2000) AS s GROUP BY t ORDER BY t;

-- the index agrees with a sort and with a sequential scan
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE et_seq AS
	SELECT t, count(*) AS n FROM et_index_test WHERE t >= 'gym.CUSTOMER_DELETED' GROUP BY t;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;
SET enable_seqscan = off;
SELECT count(*) AS differences FROM (
	(SELECT t, count(*) AS n FROM et_index_test WHERE t >= 'gym.CUSTOMER_DELETED' GROUP BY t
	 EXCEPT SELECT * FROM et_seq)
	UNION ALL
	(SELECT * FROM et_seq
	 EXCEPT SELECT t, count(*) FROM et_index_test WHERE t >= 'gym.CUSTOMER_DELETED' GROUP BY t)) AS d;
DROP TABLE et_seq;

-- consecutive rows in index order never go backwards
SELECT bool_and(prev IS NULL OR prev <= t) AS index_order_ok
FROM (SELECT t, lag(t) OVER (ORDER BY t) AS prev FROM et_index_test) AS s;

-- unique btree index
CREATE TABLE et_unique_test (t event_type PRIMARY KEY);
INSERT INTO et_unique_test VALUES ('gym.CUSTOMER_CREATED'), ('ticketing.CUSTOMER_DELETED');
INSERT INTO et_unique_test VALUES ('CUSTOMER_CREATED');
INSERT INTO et_unique_test VALUES ('gym.CUSTOMER_DELETED')
	ON CONFLICT (t) DO NOTHING;
INSERT INTO et_unique_test VALUES ('gym.CUSTOMER_DELETED')
	ON CONFLICT (t) DO NOTHING;
SELECT t FROM et_unique_test ORDER BY t;
DROP TABLE et_unique_test;

DROP INDEX et_index_test_t_btree;

-- hash index
CREATE INDEX et_index_test_t_hash ON et_index_test USING hash (t);
EXPLAIN (COSTS OFF)
SELECT count(*) FROM et_index_test WHERE t = 'ticketing.CUSTOMER_DELETED';
SELECT count(*) FROM et_index_test WHERE t = 'ticketing.CUSTOMER_DELETED';
SELECT count(*) FROM et_index_test WHERE t = 'gym.CUSTOMER_HOME_STUDIO_UPDATED';
DROP INDEX et_index_test_t_hash;
RESET enable_seqscan;

-- GROUP BY: hashed and sorted
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT t, count(*) FROM et_index_test GROUP BY t;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT t, count(*) FROM et_index_test GROUP BY t;
SELECT t, count(*) FROM et_index_test GROUP BY t ORDER BY t;
RESET enable_hashagg;

-- DISTINCT: hashed and sorted
SET enable_hashagg = off;
SELECT DISTINCT t FROM et_index_test ORDER BY t;
RESET enable_hashagg;
SET enable_sort = off;
SELECT count(DISTINCT t) AS distinct_types,
	   (SELECT count(*) FROM (SELECT DISTINCT t FROM et_index_test) AS d) AS hashed_distinct
FROM et_index_test;
RESET enable_sort;

-- joins on event_type: hash join and merge join give the same answer
CREATE TABLE et_join_test (t event_type, label text);
INSERT INTO et_join_test VALUES
	('gym.CUSTOMER_CREATED', 'customer created'),
	('gym.CUSTOMER_DELETED', 'customer deleted (gym)'),
	('ticketing.CUSTOMER_DELETED', 'customer deleted (ticketing)'),
	('court_booking.BOOKING_CANCELLED_V1', 'booking cancelled'),
	('court_booking.BOOKING_CANCELLED_V2', 'booking cancelled'),
	('gym.CUSTOMER_CHECKIN', 'check-in');
ANALYZE et_join_test;

SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF)
SELECT j.label, count(*) FROM et_index_test i JOIN et_join_test j ON i.t = j.t GROUP BY j.label;
SELECT j.label, count(*) FROM et_index_test i JOIN et_join_test j ON i.t = j.t
GROUP BY j.label ORDER BY j.label;
RESET enable_mergejoin;

SET enable_hashjoin = off;
EXPLAIN (COSTS OFF)
SELECT j.label, count(*) FROM et_index_test i JOIN et_join_test j ON i.t = j.t GROUP BY j.label;
SELECT j.label, count(*) FROM et_index_test i JOIN et_join_test j ON i.t = j.t
GROUP BY j.label ORDER BY j.label;
RESET enable_hashjoin;
RESET enable_nestloop;

-- IN lists and NOT IN subqueries
SELECT count(*) FROM et_index_test
WHERE t IN ('gym.CUSTOMER_CREATED', 'ticketing.ORDER', 'ticketing.CUSTOMER', 'gym.DEVICE_CREATED');
SELECT count(*) FROM et_index_test WHERE t NOT IN (SELECT t FROM et_join_test);

DROP TABLE et_join_test;
DROP TABLE et_index_test;
RESET search_path;
