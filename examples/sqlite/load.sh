#!/bin/sh
# Loads extract's records into SQLite and defines views over them with
# SQLite's JSON functions.
#   examples/sqlite/load.sh facts.db news/
#   sqlite3 facts.db "SELECT target, status FROM deals WHERE acquirer = 'Kestrel Robotics Inc'"
set -eu
DB=$1; shift
EXTRACT=${EXTRACT:-extract}
TMPJSON=$(mktemp)
trap 'rm -f "$TMPJSON"' EXIT
# One JSON array of all records; json_each turns it into rows.
"$EXTRACT" --quiet --format json "$@" > "$TMPJSON"
sqlite3 "$DB" <<SQL
CREATE TABLE IF NOT EXISTS records(doc TEXT NOT NULL CHECK (json_valid(doc)));
INSERT INTO records(doc) SELECT value FROM json_each(readfile('$TMPJSON'));
CREATE VIEW IF NOT EXISTS facts AS
  SELECT json_extract(r.doc, '$.source') AS source,
         json_extract(f.value, '$.type') AS type,
         json_extract(f.value, '$.text') AS text,
         json_extract(f.value, '$.start') AS start,
         json_extract(f.value, '$.end') AS "end",
         json_extract(f.value, '$.value') AS value
  FROM records r, json_each(r.doc, '$.facts') f;
CREATE VIEW IF NOT EXISTS deals AS
  SELECT json_extract(r.doc, '$.source') AS source,
         json_extract(d.value, '$.acquirer') AS acquirer,
         json_extract(d.value, '$.target') AS target,
         json_extract(d.value, '$.seller') AS seller,
         json_extract(d.value, '$.status') AS status,
         json_extract(d.value, '$.price.amount') AS price,
         json_extract(d.value, '$.price.currency') AS currency
  FROM records r, json_each(r.doc, '$.deals') d;
SQL
