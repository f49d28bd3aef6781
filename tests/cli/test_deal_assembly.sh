#!/bin/bash
# Deal assembly on small invented texts: a price stated in a sentence that
# names no deal (price cues of the rules), and short party names completed to
# the full name of the document (case-insensitive word extension, initials).
. "$(dirname "$0")/lib.sh"
deal() { printf '%s\n' "$1" | "$EXTRACT_BIN" --format jsonl - | jq -c "[.deals[] | $2]"; }

expect_eq "price: 'bought the stock for' in a later sentence" '[12500000]' \
  "$(deal 'Harrow Capital Corp said it acquired 410,000 shares of Tindle Mills Inc.
Harrow said it bought the stock for 12.5 mln dlrs as an investment.' '.price.amount')"
expect_eq "price: 'the N mln dlr bid for'" '[88000000]' \
  "$(deal 'Brokers doubt a rival will top the 88 mln dlr bid for Tindle Mills Inc by Harrow Capital Corp.' '.price.amount')"
expect_eq "no price from a per-share 'N dlr offer'" '[null]' \
  "$(deal 'Brokers doubt a rival will top the bid for Tindle Mills Inc by Harrow Capital Corp.
The stock traded near the 31 dlr offer.' '.price')"
expect_eq "no price from 'N dlrs cash per share'" '[null]' \
  "$(deal 'Harrow Capital Corp agreed to buy Tindle Mills Inc for 52 dlrs cash per share.' '.price')"
expect_eq "a non-name alone completed to the full company name" '["Pacific Crane Co"]' \
  "$(deal 'Pacific Crane Co said its board met on Monday.
Pacific agreed to buy Dorran Tools Inc last week.' '.acquirer')"
expect_eq "a place after 'of' is where the company is" '["Delmar Grain Traders"]' \
  "$(deal 'Harrow Capital Corp said it agreed to buy Delmar Grain Traders of Boston.' '.target')"
expect_eq "initials: 'NWR' is North Western Rail Inc" '["North Western Rail Inc"]' \
  "$(deal 'North Western Rail Inc said it would appeal.
NWR agreed to buy Corvell Freight Co last month.' '.acquirer')"
expect_eq "case: 'Tinmark' is TinMark Co" '["TinMark Co"]' \
  "$(deal 'TinMark Co said its board met on Monday.
Harrow Capital Corp said it raised its stake in Tinmark to 9 pct.' '.target')"
expect_eq "a merger takes the direction another mention states" '["Pallis Gas Inc>Orrin Dynamics Corp"]' \
  "$(deal 'Orrin Dynamics Corp and Pallis Gas Inc said they signed a definitive agreement.
Under the agreement Pallis will buy 51 pct of Orrin Dynamics Corp.' '.acquirer + ">" + .target')"
expect_eq "a capitals headline gives no party the body does not name" '[]' \
  "$(deal 'ORLEN SAYS IT AGREES TO BE ACQUIRED BY
TANSY GROUP FOR 40 DLRS A SHARE' '.acquirer')"
expect_eq "a headline party takes the body's spelling" '["Harrow Capital Corp>Tindle Mills Inc"]' \
  "$(deal 'HARROW CAPITAL CORP TO BUY TINDLE MILLS INC

CHICAGO, May 4 - Harrow Capital Corp said its board approved the plan.
Tindle Mills Inc makes flour.' '.acquirer + ">" + .target')"
expect_eq "a title-case headline verb is no buyer" '[]' \
  "$(deal 'Seeks To Be Acquired By Rival Firm

Nothing else is said here.' '.acquirer')"
expect_eq "a time phrase opening the sentence is not part of the buyer" '["Harrow Capital Corp"]' \
  "$(deal 'On Friday Harrow Capital Corp said it agreed to buy Tindle Mills Inc.' '.acquirer')"
expect_eq "a title word inside a company name with a legal suffix stays" '["First Executive Corp"]' \
  "$(deal 'First Executive Corp agreed to buy Tindle Mills Inc.' '.acquirer')"
expect_eq "a currency after an offer is no company" '[]' \
  "$(deal 'Harrow Capital Corp said its offer of 3.15 N.Z. Dlrs a share stands.' '.target // empty')"
expect_eq "a name run into the next sentence's pronoun is the pronoun" '["Harrow Capital Corp"]' \
  "$(deal 'Harrow Capital Corp has offices in Albany, N.Y. It said it agreed to buy Tindle Mills Inc.' '.acquirer')"
expect_eq "an apostrophe connector inside a name" '["Stop '"'"'N Go Markets Inc"]' \
  "$(deal 'Harrow Capital Corp agreed to buy Stop '"'"'N Go Markets Inc for cash.' '.target')"
expect_eq "a titled person is no bought company" '[]' \
  "$(deal 'Harrow Capital Corp agreed to buy Trade Minister Alan Pell.' '.target // empty')"
finish
