#!/bin/sh
# Deals from a folder of news files as a table (TSV: acquirer, target, status,
# price, currency, source), one row per deal, with jq.
#   examples/jq/deals-table.sh news/ | column -t -s "$(printf '\t')"
set -eu
EXTRACT=${EXTRACT:-extract}
printf 'acquirer\ttarget\tstatus\tprice\tcurrency\tsource\n'
"$EXTRACT" --quiet --format jsonl "$@" | jq -r '
  select(.deals) | .source as $src | .deals[] |
  [.acquirer // "", .target // "", .status // "",
   (.price.amount // "" | tostring), (.price.currency // ""), $src] | @tsv'
