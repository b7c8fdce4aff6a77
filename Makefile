# event_types -- PGXS build
#
#   make && make install          build and install into the PostgreSQL of $(PG_CONFIG)
#   make installcheck             pg_regress suite (sql/ + expected/) and isolation specs (specs/)
#   make prove                    pgTAP suite (test/*.sql), incl. JSON-Schema-Test-Suite conformance
#   make updatecheck              both suites on an install upgraded from each older version,
#                                 then test/upgrade.sh (same catalogue as a fresh install, data kept)
#   make installcheck REGRESS=validator_core      one regression test
#   make prove PROVE_TESTS=test/conformance.sql   one pgTAP file

EXTENSION = event_types
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = event_types
OBJS = \
	src/event_types.o \
	src/event_type.o \
	src/catalog.o \
	src/catalog_data.o \
	src/message.o \
	src/erasure.o \
	src/extract.o \
	src/ingest.o \
	src/event_log.o \
	src/owner.o \
	src/direct_write.o \
	src/json_get.o \
	$(patsubst %.c,%.o,$(sort $(wildcard src/projections/*.c))) \
	$(patsubst %.c,%.o,$(sort $(filter-out src/validator/generated_validators.c,$(wildcard src/validator/*.c)))) \
	src/validator/generated_validators.o

# The current version's install script is concatenated from the parts in
# src/sql/ (one concern each) and never committed.  Released versions keep
# their frozen install script (event_types--<old>.sql) and a chain of
# upgrade scripts (event_types--<old>--<new>.sql); all of them are installed.
SQL_PARTS = $(sort $(wildcard src/sql/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*.sql))
# versions with a frozen install script: where `make updatecheck` starts from
UPDATE_FROM ?= $(patsubst $(EXTENSION)--%.sql,%,$(filter-out $(DATA_built) $(wildcard $(EXTENSION)--*--*.sql),$(wildcard $(EXTENSION)--*.sql)))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)
# Concurrency: isolationtester specs (specs/*.spec, expected/*.out)
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=$(EXTENSION)

SCHEMA_FILES = $(sort $(wildcard schemas/*/*.json schemas/meta/*/*.json schemas/meta/*/*/*.json))
EXTRA_CLEAN = src/catalog_data.c src/validator/generated_validators.c test/generated

PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/validator
# -Wextra on top of PGXS's -Wall; CI adds -Werror through PG_CFLAGS.
override PG_CFLAGS += -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

PYTHON ?= python3

src/catalog_data.c: tools/gen_catalog.py $(SCHEMA_FILES)
	$(PYTHON) tools/gen_catalog.py c schemas > $@.tmp && mv $@.tmp $@

src/catalog.o src/catalog_data.o: src/catalog.h

src/validator/generated_validators.c: tools/gen_validators.py tools/gen_catalog.py src/validator/format.c $(SCHEMA_FILES)
	$(PYTHON) tools/gen_validators.py schemas > $@.tmp && mv $@.tmp $@

# PGXS tracks no header dependencies: rebuild every object when any of our
# headers changes (inline functions live in them), rather than link stale code.
$(OBJS): $(wildcard $(srcdir)/src/*.h $(srcdir)/src/validator/*.h $(srcdir)/src/projections/*.h)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS)
	cat $(SQL_PARTS) > $@

# pgTAP: each file runs in its own transaction in database $(PROVE_DB).
PROVE_DB ?= event_types_prove
PROVE_TESTS ?= $(sort $(wildcard test/*.sql))
# Test data turned into SQL (COPY) by small generators; never committed.
TEST_DATA_SQL = test/generated/suite.sql test/generated/fixtures.sql test/generated/fuzz.sql
FUZZ_SEED ?= 20261123
FUZZ_CASES ?= 2000

test/generated/suite.sql: test/conformance/gen_suite.py test/conformance/known_failures.txt $(shell find test/vendor -name '*.json' 2>/dev/null)
	@mkdir -p $(dir $@)
	$(PYTHON) test/conformance/gen_suite.py test/vendor/json-schema-test-suite > $@.tmp && mv $@.tmp $@

test/generated/fixtures.sql: test/fixtures/gen_fixtures.py $(shell find test/fixtures -name '*.json' 2>/dev/null)
	@mkdir -p $(dir $@)
	$(PYTHON) test/fixtures/gen_fixtures.py test/fixtures > $@.tmp && mv $@.tmp $@

test/generated/fuzz.sql: test/fuzz/fuzz.py $(shell find test/fixtures -name '*.json' 2>/dev/null)
	@mkdir -p $(dir $@)
	$(PYTHON) test/fuzz/fuzz.py --seed $(FUZZ_SEED) --cases $(FUZZ_CASES) > $@.tmp && mv $@.tmp $@

.PHONY: prove
prove: $(TEST_DATA_SQL)
	@psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS $(PROVE_DB)' -c 'CREATE DATABASE $(PROVE_DB)' >/dev/null
	pg_prove -d $(PROVE_DB) $(PROVE_TESTS)

# updatecheck: for each older version, the databases of both suites are
# created the way pg_regress and `make prove` create theirs, but with
# CREATE EXTENSION ... VERSION '<old>' followed by ALTER EXTENSION ... UPDATE;
# then the suites run against the upgraded install.  test/upgrade.sh last.
REGRESS_DB_SETTINGS = lc_messages lc_monetary lc_numeric lc_time
define updated_db
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS "$(1)"' \
	-c 'CREATE DATABASE "$(1)" TEMPLATE template0' >/dev/null && \
psql -X -q -v ON_ERROR_STOP=1 -d "$(1)" \
	$(foreach s,$(REGRESS_DB_SETTINGS),-c "ALTER DATABASE \"$(1)\" SET $(s) TO 'C'") \
	-c "ALTER DATABASE \"$(1)\" SET bytea_output TO 'hex'" \
	-c "ALTER DATABASE \"$(1)\" SET timezone_abbreviations TO 'Default'" \
	-c "CREATE EXTENSION $(EXTENSION) VERSION '$(2)'" \
	-c "ALTER EXTENSION $(EXTENSION) UPDATE" \
	-c "SELECT 'updatecheck: $(1) at ' || extversion || ' (from $(2))' FROM pg_catalog.pg_extension WHERE extname = '$(EXTENSION)'" -At
endef

.PHONY: updatecheck
updatecheck: $(TEST_DATA_SQL)
	@set -e; for v in $(UPDATE_FROM); do \
		$(call updated_db,contrib_regression,$$v); \
		$(pg_regress_installcheck) --use-existing --dbname=contrib_regression $(REGRESS); \
		$(call updated_db,isolation_regression,$$v); \
		$(pg_isolation_regress_installcheck) --use-existing --dbname=isolation_regression $(ISOLATION); \
		$(call updated_db,$(PROVE_DB),$$v); \
		pg_prove -d $(PROVE_DB) $(PROVE_TESTS); \
	done
	test/upgrade.sh
