// Entity assembly: mention merging, aliases, roles, junk and headlines.
#include <catch2/catch.hpp>

#include <re2/re2.h>

#include "assemble/names.hpp"
#include "pipeline.hpp"
#include "shipped.hpp"

using namespace extract;

namespace {

using testing::shipped;

Record run(const std::string& text, const std::string& lang = "en") {
  Document d;
  d.source = "test";
  d.text = text;
  d.language_hint = lang;
  return shipped().run(d);
}

const Entity* find(const Record& r, const std::string& type, const std::string& name) {
  for (const auto& e : r.entities)
    if (e.type == type && e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> mention_texts(const std::string& text, const Entity& e) {
  std::vector<std::string> out;
  for (const auto& m : e.mentions) out.push_back(text.substr(m.start, m.size()));
  return out;
}

int count_named(const Record& r, const std::string& name) {
  int n = 0;
  for (const auto& e : r.entities) n += e.name == name;
  return n;
}

}  // namespace

TEST_CASE("an apposition with 'officially' makes the legal name an alias", "[entities]") {
  const std::string text =
      "Backed by several funds, Brightloop (officially Quantum Widgets Inc.) builds robots. "
      "Brightloop said it would hire more staff.";
  Record r = run(text);
  // Brightloop is not in the gazetteer: the apposition alone ties the two names.
  const Entity* e = find(r, "organization", "Brightloop");
  REQUIRE(e);
  CHECK(std::find(e->aliases.begin(), e->aliases.end(), "Quantum Widgets Inc.") != e->aliases.end());
  auto texts = mention_texts(text, *e);
  CHECK(std::count(texts.begin(), texts.end(), "Brightloop") == 2);
  CHECK(std::count(texts.begin(), texts.end(), "Quantum Widgets Inc.") == 1);
  CHECK(count_named(r, "Quantum Widgets Inc.") == 0);
}

TEST_CASE("a later surname is a mention of the full name", "[entities]") {
  const std::string text =
      "Orrin Systems Corp chief executive Jane Roe said the talks had ended. "
      "Analysts doubted it. Roe declined to give details, and Roe left early.";
  Record r = run(text);
  const Entity* e = find(r, "person", "Jane Roe");
  REQUIRE(e);
  auto texts = mention_texts(text, *e);
  CHECK(std::count(texts.begin(), texts.end(), "Roe") == 2);
  CHECK(count_named(r, "Roe") == 0);
  // Each mention's span holds exactly its text, in document order.
  for (std::size_t i = 1; i < e->mentions.size(); ++i) CHECK(e->mentions[i - 1].start < e->mentions[i].start);
  REQUIRE(e->attributes.contains("roles"));
  CHECK(e->attributes["roles"][0]["title"] == "chief executive");
  CHECK(e->attributes["roles"][0]["organization"] == "Orrin Systems Corp");
}

TEST_CASE("a shorter company name that begins a longer one is the same company", "[entities]") {
  const std::string text =
      "Tallisker Applied Systems Inc said it sold two units. "
      "Tallisker Applied said the sale closed on Monday.";
  Record r = run(text);
  const Entity* e = find(r, "organization", "Tallisker Applied Systems Inc");
  REQUIRE(e);
  CHECK(e->mentions.size() >= 2);
  CHECK(count_named(r, "Tallisker Applied") == 0);
}

TEST_CASE("known names repeated later are found without a rule", "[entities]") {
  const std::string text =
      "Kestrane Robotics Inc agreed to buy a sensor maker. Kestrane will pay in cash, "
      "and Kestrane Robotics expects to close next month.";
  Record r = run(text);
  const Entity* e = find(r, "organization", "Kestrane Robotics Inc");
  REQUIRE(e);
  auto texts = mention_texts(text, *e);
  CHECK(std::count(texts.begin(), texts.end(), "Kestrane") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "Kestrane Robotics") == 1);
}

TEST_CASE("sentence-initial words, headlines and page junk do not become entities", "[entities]") {
  const std::string text =
      "Marvel Widget Buys Everything Now\n\n"
      "Jane Ro | cover: example.site |\n"
      "But Orrin Systems Corp said on Tuesday that chief executive Jane Roe would stay.";
  Record r = run(text);
  CHECK(find(r, "organization", "Orrin Systems Corp"));
  CHECK(count_named(r, "But Orrin Systems Corp") == 0);
  CHECK(find(r, "person", "Jane Roe"));
  for (const auto& e : r.entities) {
    CHECK(e.name != "Jane Ro");
    CHECK(e.name.find("Marvel") == std::string::npos);
    for (const auto& m : e.mentions) CHECK(m.start > text.find("Jane Ro |") + 8);
  }
}

TEST_CASE("entities come out sorted by first mention, the same every time", "[entities]") {
  const std::string text =
      "Nvidia and Dell Technologies met Acme Widget Corp in Memphis. Acme Widget Corp said Nvidia agreed.";
  Record a = run(text), b = run(text);
  REQUIRE(a.entities.size() == b.entities.size());
  for (std::size_t i = 0; i < a.entities.size(); ++i) {
    CHECK(a.entities[i].name == b.entities[i].name);
    if (i) CHECK(a.entities[i - 1].mentions.front().start <= a.entities[i].mentions.front().start);
  }
}

TEST_CASE("Indonesian titles give people, roles and first-name references", "[entities]") {
  const std::string text =
      "CEO Lentera Data Rina Kusuma mengumumkan kabar itu. Rina menyatakan bahwa tim akan tetap utuh.";
  Record r = run(text, "id");
  const Entity* p = find(r, "person", "Rina Kusuma");
  REQUIRE(p);
  CHECK(p->mentions.size() == 2);
  REQUIRE(p->attributes.contains("roles"));
  CHECK(p->attributes["roles"][0]["organization"] == "Lentera Data");
  CHECK(find(r, "organization", "Lentera Data"));
}

namespace {

// Every match of the forms, left to right, each search going on after the
// previous match: once with FormMatcher, once with the RE2 alternation it
// replaces (longest form first, words joined by \s+).
std::vector<std::pair<std::size_t, std::size_t>> form_matches(const std::vector<std::string>& list, std::string_view text,
                                                              bool with_re2) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (with_re2) {
    std::string pattern = "(";
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string q;
      for (const auto& w : names::split_words(list[i])) q += (q.empty() ? "" : "\\s+") + RE2::QuoteMeta(w);
      pattern += (i ? "|" : "") + q;
    }
    RE2 re(pattern + ")");
    REQUIRE(re.ok());
    re2::StringPiece input(text.data(), text.size()), hit;
    while (RE2::FindAndConsume(&input, re, &hit)) {
      const std::size_t at = static_cast<std::size_t>(hit.data() - text.data());
      out.emplace_back(at, at + hit.size());
    }
    return out;
  }
  names::FormMatcher m(list);
  // Tried at every byte, or only from the positions next_start() gives (the
  // rescan's loop, which skips the bytes where no form starts): the same.
  auto search = [&](bool skipping) {
    std::vector<std::pair<std::size_t, std::size_t>> found;
    auto next = [&](std::size_t pos) { return skipping ? m.next_start(text, pos) : pos; };
    for (std::size_t pos = next(0); pos < text.size(); pos = next(pos)) {
      const std::size_t end = m.match(text, pos);
      if (end == names::FormMatcher::npos) {
        ++pos;
      } else {
        found.emplace_back(pos, end);
        pos = end;
      }
    }
    return found;
  };
  out = search(false);
  CHECK(search(true) == out);
  for (std::size_t pos = 0; pos <= text.size(); ++pos) {
    const std::size_t next = m.next_start(text, pos);
    CHECK(next >= pos);
    CHECK(next <= text.size());
    for (std::size_t q = pos; q < next; ++q) CHECK_FALSE(m.may_start(text[q]));
    if (next < text.size()) CHECK(m.may_start(text[next]));
  }
  return out;
}

}  // namespace

TEST_CASE("FormMatcher finds what the RE2 alternation of the forms found", "[entities][rescan]") {
  // Longest first (the rescan's order), so "Kestrel Robotics Inc" beats "Kestrel".
  const std::vector<std::string> list = {"Kestrel Robotics Inc", "Kestrel Robotics", "Harlow Brightman", "Brightman",
                                         "Kestrel", "Ko", "K.", "Müller AG", "Müller"};
  const std::vector<std::string> texts = {
      "Kestrel Robotics Inc said Kestrel would buy it; Kestrel  Robotics\nInc. agreed.",
      "Harlow\tBrightman and Brightman; HarlowBrightman; Kestrel\vRobotics; Kestrel\r\n Robotics",
      "MrBrightman Kestrels KoKo K.K. Ko. Müller AG, MüllerAG Müller\fAG Kestrel Robotics In",
      "", "K", "Kestrel Robotics", " \n Kestrel Robotics Inc\n"};
  for (const auto& t : texts) {
    INFO(t);
    CHECK(form_matches(list, t, false) == form_matches(list, t, true));
  }
  // A form that is not valid UTF-8: RE2 refused the alternation, the rescan found nothing.
  CHECK(names::alternation_compiles(list));
  CHECK_FALSE(names::alternation_compiles({"Kestrel", "Bad\xC3 Name"}));
}

TEST_CASE("a word with a hyphen tail of lexicon name_tail starts the name after it", "[entities][lexicons]") {
  const std::string text = "Tulsa-based Lyle Pumps Inc";
  const Span all{0, text.size()};
  const names::Lexicons shipped_lex = names::Lexicons::from(testing::shipped().rules());
  const Span cut = names::trim(text, all, shipped_lex, false);
  CHECK(text.substr(cut.start, cut.size()) == "Lyle Pumps Inc");
  const std::string owned = "state-owned Lyle Pumps Inc";
  const Span cut2 = names::trim(owned, Span{0, owned.size()}, shipped_lex, false);
  CHECK(owned.substr(cut2.start, cut2.size()) == "Lyle Pumps Inc");
  // Exact case, and only at the end of a longer word.
  const std::string upper = "Tulsa-BASED Lyle Pumps Inc";
  CHECK(names::trim(upper, Span{0, upper.size()}, shipped_lex, false).start == 0);
  const std::string bare = "-based Lyle Pumps Inc";
  CHECK(names::trim(bare, Span{0, bare.size()}, shipped_lex, false).start == 0);
  // Without the lexicon no word is cut.
  const names::Lexicons none;
  CHECK(names::trim(text, all, none, false).start == 0);
}

TEST_CASE("in_headline: short lines in title case or capitals, never a long line", "[entities][names]") {
  const std::string title = "Lantern Freight Buys Harbour Lamps\n\nLantern Freight Ltd said on Monday it had bought a rival.\n";
  CHECK(names::in_headline(title, 0));
  CHECK(names::in_headline(title, 16));
  CHECK_FALSE(names::in_headline(title, title.find("said")));
  const std::string caps = "LANTERN FREIGHT TO BUY HARBOUR\nLAMPS FOR 12 MLN DLRS\n\nLantern Freight said it would buy a rival.\n";
  CHECK(names::in_headline(caps, caps.find("LAMPS")));
  CHECK(names::in_headline(caps, 0));
  // One line of capitals far longer than any headline (a text of one long
  // line, read at each name in it before: quadratic time): not a headline,
  // wherever in it.
  std::string line;
  while (line.size() < 50000) line += "ACME CORP AND ZETA INC ";
  for (std::size_t pos : {std::size_t{0}, std::size_t{390}, line.size() / 2, line.size() - 5})
    CHECK_FALSE(names::in_headline(line, pos));
  // A capitals headline as long as the reach still counts; a line in title
  // case up to 300 bytes too.
  std::string long_caps;
  while (long_caps.size() < 380) long_caps += "ACME ZETA ";
  const std::string block = long_caps + "\n\nAcme said it would buy Zeta.\n";
  CHECK(names::in_headline(block, 0));
  CHECK(names::in_headline(block, 370));
  std::string long_title;
  while (long_title.size() < 290) long_title += "Acme Buys Zeta ";
  const std::string titled = "said the firm.\n" + long_title + "\n\nAcme said it would buy Zeta.\n";
  CHECK(names::in_headline(titled, titled.find("Acme")));
  CHECK(names::in_headline(titled, titled.find("Acme") + long_title.size() - 3));
}
