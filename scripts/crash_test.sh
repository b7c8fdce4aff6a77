#!/usr/bin/env bash
# Crash safety of the inbox pipeline: SIGKILL the server mid-ingest, restart,
# check that nothing acknowledged is lost and nothing is half applied.
#
#   scripts/crash_test.sh
#   CRASH_ROUNDS=10 CRASH_BATCH=50 CRASH_CLIENTS=3 scripts/crash_test.sh
#
# On a throwaway cluster (initdb as user postgres in a temporary directory,
# its own socket directory and port; fsync and synchronous_commit on,
# checkpoints every few seconds so that recovery starts from varied points):
#   1. CREATE EXTENSION event_types (and amcheck);
#   2. each round starts CRASH_CLIENTS (2) ingest clients, each committing
#      batches of CRASH_BATCH (20) messages in one transaction: gym check-ins,
#      customers, contracts and class bookings (some deliveries with several
#      items), ticketing customers / orders / reservations, court bookings
#      (bench/gen_data.py's mix), plus ~5% invalid messages, ~5% retries of
#      earlier messages (also across clients), ~2% conflicting redeliveries.
#      A client records a batch (inbox ids, event ids) only after COMMIT
#      returned, and records every batch's message keys before sending it;
#   3. after a random 1-5 s it SIGKILLs the postmaster and all its children
#      at once (every third round instead one backend: the postmaster's own
#      crash recovery), restarts the server and checks:
#        - every acknowledged message is in the inbox, same source and key,
#          with a status; no inbox row is without a status;
#        - acknowledged valid messages are accepted / duplicate / conflict,
#          invalid ones rejected;
#        - every event of an acknowledged, applied message is in the event
#          log; rejected and unknown_type rows have no events; every event's
#          inbox row exists and is accepted; every accepted row has events;
#        - a batch that was in flight at the kill is there entirely or not at
#          all (its fresh messages, found by key);
#        - customers, contracts and bookings equal rebuild_projections()
#          (EXCEPT both ways, in a transaction that is rolled back);
#        - amcheck: every B-tree index of the schema matches its table.
# The data carries over from round to round.  Prints PASS/FAIL per check and
# "crash_test: N passed, N failed" last; exits non-zero on any failure.
#
# Environment: CRASH_ROUNDS (6), CRASH_BATCH (20), CRASH_CLIENTS (2),
# CRASH_SEED (random; printed), NO_INSTALL=1 (skip make install; by default
# the extension is built and installed as scripts/test.sh does), KEEP=1 (keep
# the work directory), PGBIN (server binaries; default
# /usr/lib/postgresql/15/bin).  Needs root (the server runs as user postgres) and
# python3.  Not part of scripts/test.sh: it kills servers.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# PGBIN: the server binaries to use (a private install tree, say)
export PATH="${PGBIN:-/usr/lib/postgresql/15/bin}:$PATH"

rounds=${CRASH_ROUNDS:-6}
batch=${CRASH_BATCH:-20}
nclients=${CRASH_CLIENTS:-2}
seed=${CRASH_SEED:-$RANDOM}
. scripts/checks.sh   # pass, fail, $passed, $failed

work=$(mktemp -d /tmp/et-crash.XXXXXX)
chmod 755 "$work"
client_pids=()
cleanup() {
	touch "$work/stop"
	for p in "${client_pids[@]}"; do kill "$p" 2>/dev/null; done
	runuser -u postgres -- "$(command -v pg_ctl)" -D "$work/data" -m immediate -w stop >/dev/null 2>&1
	if [ -z "${KEEP:-}" ] && [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "crash_test: work directory kept: $work"; fi
}
trap cleanup EXIT

if [ -z "${NO_INSTALL:-}" ]; then
	make -s >/dev/null && make -s install >/dev/null || { echo "crash_test: build failed" >&2; exit 1; }
fi

# --- the cluster --------------------------------------------------------------
mkdir -p "$work/data" "$work/sock" "$work/log" "$work/acked" "$work/intent"
chown postgres: "$work/data" "$work/sock" "$work/log"
runuser -u postgres -- "$(command -v initdb)" -D "$work/data" -A trust -U postgres >"$work/initdb.log" 2>&1 ||
	{ cat "$work/initdb.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >>"$work/data/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$work/sock'
fsync = on
synchronous_commit = on
full_page_writes = on
checkpoint_timeout = 30s
max_wal_size = 32MB
restart_after_crash = on
log_line_prefix = '%m [%p] '
log_min_messages = warning
EOF
export PGHOST="$work/sock" PGPORT=$port PGUSER=postgres PGDATABASE=postgres
log="$work/log/server.log"

start_server() {
	local i
	# an orphaned backend of the killed postmaster may still hold the shared
	# memory for a moment: retry
	for i in 1 2 3 4 5 6 7 8 9 10; do
		runuser -u postgres -- "$(command -v pg_ctl)" -D "$work/data" -l "$log" -w -t 120 start >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}
wait_ready() {
	for _ in $(seq 1 120); do
		psql -X -q -At -c "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}
postmaster_pid() { head -1 "$work/data/postmaster.pid" 2>/dev/null; }

start_server || { tail -20 "$log"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION event_types" -c "CREATE EXTENSION amcheck" || exit 1

# --- the ingest client ----------------------------------------------------------
cat >"$work/client.py" <<'PY'
"""One ingest client: batches of messages, one transaction each, until
the stop file appears or the server goes away.  Writes
  intent/<client>.tsv  batch, source, key, fresh (0/1)   before sending
  acked/<client>.tsv   batch, inbox id, source, key, valid, event ids
                       after COMMIT returned"""
import copy, json, os, random, subprocess, sys, time
from datetime import datetime, timedelta, timezone

repo, work, name, seed, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
sys.path.insert(0, os.path.join(repo, "bench"))
import gen_data                                  # bench/gen_data.py: the pipeline mix

rng = random.Random(seed)
base = datetime(2025, 1, 1, tzinfo=timezone.utc)
shared = os.path.join(work, "recent.jsonl")      # messages other clients may retry


def key(source, m):
    if source == "gym":
        return m.get("uuid")
    if source == "ticketing":
        return m.get("metadata", {}).get("traceId")
    return m.get("id")


def event_ids(source, m):
    if source == "gym":
        n = len(m["payload"]) if isinstance(m.get("payload"), list) else 1
        return [m["uuid"]] + ["%s#%d" % (m["uuid"], i) for i in range(1, n)]
    return [key(source, m)]


def invalid(source, m):
    m = copy.deepcopy(m)
    if source == "gym":
        m["payload"][0]["timestamp"] = "yesterday"
    elif source == "ticketing":
        m["metadata"]["occurredAt"] = "not a date"
    else:
        m["timestamp"] = {"when": "now"}
    return m


def message(i):
    """(source, payload, tenant, valid, fresh)"""
    r = rng.random()
    if r < 0.05 and os.path.exists(shared):
        # a webhook retry, maybe of another client's message
        with open(shared, encoding="utf-8") as f:
            lines = f.readlines()[-200:]
        if lines:
            src, m, tenant, valid = json.loads(rng.choice(lines))
            return src, m, tenant, valid, False
    t = base + timedelta(seconds=rng.randrange(0, 30 * 86400))   # out of order
    src, m, tenant = gen_data.mixed_message(rng, seed * 1000000 + i, t)
    fresh = True
    if src == "gym" and rng.random() < 0.1:
        # a delivery with several items (item i >= 1 gets event id uuid#i)
        for _ in range(rng.randint(1, 2)):
            src2, other, _ = gen_data.mixed_message(rng, i, t + timedelta(seconds=rng.randrange(60)))
            if src2 == "gym":
                m["payload"].append(other["payload"][0])
    if r > 0.98 and os.path.exists(shared):
        # same event ids as an earlier message, other content: a conflict
        with open(shared, encoding="utf-8") as f:
            lines = f.readlines()[-200:]
        if lines:
            src0, m0, tenant0, valid0 = json.loads(rng.choice(lines))
            if valid0 and src0 == src:
                if src == "gym":
                    m["uuid"] = m0["uuid"]
                elif src == "ticketing":
                    m["metadata"]["traceId"] = m0["metadata"]["traceId"]
                else:
                    m["id"] = m0["id"]
                fresh = False
    valid = True
    if rng.random() < 0.05:
        m = invalid(src, m)
        valid = False
    return src, m, tenant, valid, fresh


def lit(s):
    return "'" + s.replace("'", "''") + "'"


acked = open(os.path.join(work, "acked", name + ".tsv"), "a", encoding="utf-8")
intent = open(os.path.join(work, "intent", name + ".tsv"), "a", encoding="utf-8")
i = 0
b = 0
while not os.path.exists(os.path.join(work, "stop")):
    b += 1
    bid = "%s-%d" % (name, b)
    msgs = []
    for _ in range(batch):
        i += 1
        msgs.append(message(i))
    for src, m, tenant, valid, fresh in msgs:
        intent.write("%s\t%s\t%s\t%d\n" % (bid, src, key(src, m), 1 if fresh else 0))
    intent.flush()
    sql = ["\\set ON_ERROR_STOP 1", "BEGIN;"]
    for src, m, tenant, valid, fresh in msgs:
        sql.append("INSERT INTO event_types.inbox (source, payload, tenant) VALUES (%s, %s, %s) RETURNING id;"
                   % (lit(src), lit(json.dumps(m, ensure_ascii=False)),
                      "NULL" if tenant is None else lit(tenant)))
    sql.append("COMMIT;")
    p = subprocess.run(["psql", "-X", "-q", "-At", "-f", "-"], input="\n".join(sql) + "\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        if "could not connect" in p.stderr or "No such file" in p.stderr:
            time.sleep(0.2)
        elif "ERROR:" in p.stderr:
            # a batch the server refused (not the kill): say why
            sys.stderr.write("batch %s failed: %s\n" % (bid, p.stderr.strip().splitlines()[0]))
        continue                        # not acknowledged: not recorded
    ids = p.stdout.split()
    if len(ids) != len(msgs):
        sys.exit("client %s: %d ids for %d messages" % (name, len(ids), len(msgs)))
    for inbox_id, (src, m, tenant, valid, fresh) in zip(ids, msgs):
        acked.write("%s\t%s\t%s\t%s\t%s\t%s\n" % (bid, inbox_id, src, key(src, m),
                                                  "t" if valid else "f",
                                                  "{" + ",".join(json.dumps(e) for e in event_ids(src, m)) + "}"))
    acked.flush()
    with open(shared, "a", encoding="utf-8") as f:
        for src, m, tenant, valid, fresh in msgs[:5]:
            if fresh:
                f.write(json.dumps([src, m, tenant, valid], ensure_ascii=False) + "\n")
PY

# --- the checks -----------------------------------------------------------------
# check NAME SQL: the query returns the offending rows (none = pass)
check() {
	local name=$1 sql=$2 out
	if ! out=$(psql -X -q -At -v ON_ERROR_STOP=1 -f "$work/load.sql" -c "$sql" 2>&1); then
		fail "$name: query failed: $out"
	elif [ -n "$out" ]; then
		fail "$name: $(echo "$out" | wc -l) rows, e.g. $(echo "$out" | head -3 | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

checks() {
	local r=$1
	cat "$work"/acked/*.tsv >"$work/acked.tsv" 2>/dev/null
	cat "$work"/intent/*.tsv >"$work/intent.tsv" 2>/dev/null
	cat >"$work/load.sql" <<-EOF
		\\set ON_ERROR_STOP 1
		SET client_min_messages = warning;
		CREATE TEMP TABLE acked (batch text, id bigint, source text, key text, valid boolean, event_ids text[]);
		\\copy acked FROM '$work/acked.tsv'
		CREATE TEMP TABLE intent (batch text, source text, key text, fresh boolean);
		\\copy intent FROM '$work/intent.tsv'
		CREATE TEMP VIEW message_key AS
			SELECT i.*, CASE i.source WHEN 'gym' THEN i.payload ->> 'uuid'
				WHEN 'ticketing' THEN i.payload -> 'metadata' ->> 'traceId'
				ELSE i.payload ->> 'id' END AS key
			FROM event_types.inbox AS i;
	EOF
	local nacked ninbox nevents
	nacked=$(wc -l <"$work/acked.tsv")
	read -r ninbox nevents < <(psql -X -At -F ' ' -c "SELECT (SELECT count(*) FROM event_types.inbox), (SELECT count(*) FROM event_types.events)")
	echo "round $r: $nacked messages acknowledged so far, $ninbox inbox rows, $nevents events"
	[ "$nacked" -gt 0 ] && pass "round $r: clients committed messages" ||
		fail "round $r: no message was acknowledged (clients failing?): $(tail -3 "$work"/client-*.err 2>/dev/null)"

	check "round $r: every acknowledged message is in the inbox with its source, key and a status" \
		"SELECT a.id, a.source, a.key, i.status FROM acked AS a LEFT JOIN message_key AS i ON i.id = a.id
		 WHERE i.id IS NULL OR i.source IS DISTINCT FROM a.source OR i.key IS DISTINCT FROM a.key
		    OR i.status IS NULL"
	check "round $r: no inbox row without a status" \
		"SELECT id FROM event_types.inbox WHERE status IS NULL OR processed_at IS NULL"
	check "round $r: acknowledged valid messages applied or seen, invalid ones rejected" \
		"SELECT a.id, a.valid, i.status, i.errors FROM acked AS a JOIN event_types.inbox AS i USING (id)
		 WHERE CASE WHEN a.valid THEN i.status NOT IN ('accepted', 'duplicate', 'conflict')
					ELSE i.status <> 'rejected' END"
	check "round $r: every event of an applied acknowledged message is in the event log" \
		"SELECT a.id, e FROM acked AS a JOIN event_types.inbox AS i USING (id), unnest(a.event_ids) AS e
		 WHERE i.status IN ('accepted', 'duplicate', 'conflict')
		   AND NOT EXISTS (SELECT FROM event_types.events AS v WHERE v.source = a.source AND v.event_id = e)"
	check "round $r: rejected and unknown_type messages have no events" \
		"SELECT i.id FROM event_types.inbox AS i JOIN event_types.events AS e ON e.inbox_id = i.id
		 WHERE i.status NOT IN ('accepted')"
	check "round $r: every event's inbox row exists and is accepted" \
		"SELECT e.source, e.event_id, i.status FROM event_types.events AS e
		 LEFT JOIN event_types.inbox AS i ON i.id = e.inbox_id
		 WHERE i.id IS NULL OR i.status <> 'accepted'"
	check "round $r: every accepted message has events" \
		"SELECT i.id FROM event_types.inbox AS i WHERE i.status = 'accepted'
		 AND NOT EXISTS (SELECT FROM event_types.events AS e WHERE e.inbox_id = i.id)"
	check "round $r: batches in flight at the kill are all there or not at all" \
		"SELECT t.batch, count(*) AS fresh, count(k.id) AS present
		 FROM intent AS t LEFT JOIN message_key AS k ON k.source = t.source AND k.key = t.key
		 WHERE t.fresh AND t.batch NOT IN (SELECT batch FROM acked)
		 GROUP BY t.batch HAVING count(k.id) NOT IN (0, count(*))"
	check "round $r: projections equal rebuild_projections()" \
		"BEGIN;
		 CREATE TEMP TABLE live_customers AS SELECT * FROM event_types.customers;
		 CREATE TEMP TABLE live_contracts AS SELECT * FROM event_types.contracts;
		 CREATE TEMP TABLE live_bookings AS SELECT * FROM event_types.bookings;
		 CREATE TEMP TABLE rebuilt AS SELECT event_types.rebuild_projections();
		 SELECT 'customers', x::text FROM ((SELECT * FROM live_customers EXCEPT ALL SELECT * FROM event_types.customers)
			UNION ALL (SELECT * FROM event_types.customers EXCEPT ALL SELECT * FROM live_customers)) AS x
		 UNION ALL
		 SELECT 'contracts', x::text FROM ((SELECT * FROM live_contracts EXCEPT ALL SELECT * FROM event_types.contracts)
			UNION ALL (SELECT * FROM event_types.contracts EXCEPT ALL SELECT * FROM live_contracts)) AS x
		 UNION ALL
		 SELECT 'bookings', x::text FROM ((SELECT * FROM live_bookings EXCEPT ALL SELECT * FROM event_types.bookings)
			UNION ALL (SELECT * FROM event_types.bookings EXCEPT ALL SELECT * FROM live_bookings)) AS x;
		 ROLLBACK;"
	check "round $r: amcheck: every index of event_types matches its table" \
		"SELECT indexes, checked FROM (
			SELECT count(*) AS indexes, count(bt_index_check(c.oid, true)::text) AS checked
			FROM pg_class AS c JOIN pg_am AS a ON a.oid = c.relam
			WHERE c.relnamespace = 'event_types'::regnamespace AND c.relkind = 'i'
			  AND a.amname = 'btree') AS x
		 WHERE indexes = 0 OR indexes <> checked"
}

# --- the rounds -----------------------------------------------------------------
echo "crash_test: $rounds rounds, $nclients clients, batches of $batch, seed $seed, work directory $work"
RANDOM=$seed
for ((r = 1; r <= rounds; r++)); do
	rm -f "$work/stop"
	client_pids=()
	for ((c = 1; c <= nclients; c++)); do
		python3 "$work/client.py" "$repo" "$work" "r$r-c$c" $((seed * 1000 + r * 10 + c)) "$batch" \
			2>"$work/client-r$r-c$c.err" &
		client_pids+=($!)
	done
	# a random moment 1-5 s into the ingest
	sleep "$(( (RANDOM % 36) / 10 + 1 )).$(( RANDOM % 10 ))"
	pm=$(postmaster_pid)
	if [ $((r % 3)) -eq 0 ]; then
		# one backend (a client's, mid-transaction): the postmaster resets
		# every backend and recovers by itself
		backends=($(ps -o pid=,args= --ppid "$pm" | awk '/postgres: postgres postgres/ {print $1}'))
		victim=${backends[RANDOM % (${#backends[@]} > 0 ? ${#backends[@]} : 1)]:-}
		mode="SIGKILL backend ${victim:-none}"
		[ -n "$victim" ] && kill -9 "$victim"
	else
		# the postmaster and every child at once: all in-memory state is
		# gone, as in a power cut (but the OS keeps what was written).  By
		# process group (pg_ctl makes the postmaster its leader): a list of
		# children taken first misses a backend forked just after it, and
		# that orphan then waits forever for a WAL lock a killed process
		# held, keeping the shared memory and the restart out.
		children=$(ps -o pid= --ppid "$pm" | tr '\n' ' ')
		mode="SIGKILL postmaster $pm and its children"
		kill -9 -- "-$pm" 2>/dev/null || kill -9 "$pm" $children 2>/dev/null
	fi
	echo "== round $r: $mode"
	touch "$work/stop"
	for p in "${client_pids[@]}"; do
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [[ $mode == *postmaster* ]]; then
		for p in $pm $children; do
			for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		done
		for _ in $(seq 1 100); do kill -0 -- "-$pm" 2>/dev/null || break; sleep 0.1; done
		if start_server; then pass "round $r: server restarted (crash recovery)"; else fail "round $r: server restart"; tail -20 "$log"; break; fi
	fi
	if wait_ready; then pass "round $r: server accepts connections"; else fail "round $r: server not ready"; tail -20 "$log"; break; fi
	checks "$r"
done

# batches the server refused with an ERROR (deadlocks between concurrent
# batches touching the same rows in different orders, say): information
refused=$(cat "$work"/client-*.err 2>/dev/null | grep -c '^batch .* failed:')
if [ "$refused" -gt 0 ]; then
	echo "info: $refused batches failed with an error and were not acknowledged:"
	cat "$work"/client-*.err | grep '^batch .* failed:' | sed 's/^batch [^ ]* failed: //' | sort | uniq -c | sort -rn | head -5
fi
finish crash_test
