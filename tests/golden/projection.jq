# The part of a record that the golden files of the main samples pin down: the
# facts listed in samples/README.md (deal, organizations, people, roles, quote
# speakers, and every date, amount, percentage, quantity and duration with its
# value). Rule ids, offsets and incidental numbers are left out, so that a
# golden file changes only when what a reader is told changes.
{
  language,
  published,
  deals: [.deals[] | {acquirer, target, target_aliases, seller, price, price_disclosed, stake, status, date}],
  organizations: [.entities[] | select(.type == "organization") | {name, aliases}],
  people: [.entities[] | select(.type == "person") | {name, aliases}],
  places: [.entities[] | select(.type == "place") | .name],
  products: [.entities[] | select(.type == "product") | .name],
  roles: ([.facts[] | select(.type == "role") | .value | {person, title, organization}] | unique),
  quotes: [.facts[] | select(.type == "quote") | {quote: .value.quote, speaker: .value.speaker}],
  figures: [.facts[] | select(.type | IN("date", "money", "percent", "quantity", "duration")) | {type, text, value}]
}
