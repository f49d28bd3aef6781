"""Unit tests for eval/evaluate.py (standard library only).

Run from the repo root:  python3 -m unittest discover -s eval
All inputs are small synthetic texts written for these tests.
"""

import contextlib
import io
import json
import os
import stat
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as E  # noqa: E402


class TestHelpers(unittest.TestCase):
    def test_prf(self):
        self.assertEqual(E.prf(2, 4, 8), (0.5, 0.25, 2 * 0.5 * 0.25 / 0.75))
        self.assertEqual(E.prf(0, 0, 5), (0.0, 0.0, 0.0))
        self.assertEqual(E.prf(0, 0, 0), (1.0, 1.0, 1.0))
        self.assertEqual(E.prf(0, 3, 0)[:2], (0.0, 0.0))

    def test_micro_average_pools_counts(self):
        # slot A: 1 of 1 right; slot B: 0 of 3 system, 1 gold -> pooled 1/4 P, 1/2 R
        tp, ns, ng, p, r, f = E.micro_average([(1, 1, 1), (0, 3, 1)])
        self.assertEqual((tp, ns, ng), (1, 4, 2))
        self.assertAlmostEqual(p, 0.25)
        self.assertAlmostEqual(r, 0.5)
        self.assertAlmostEqual(f, 2 * 0.25 * 0.5 / 0.75)
        # micro differs from the macro mean of per-slot F1 (1.0 and 0.0)
        self.assertNotAlmostEqual(f, 0.5)

    def test_char_to_byte_table(self):
        text = "a€b😀c"
        t = E.char_to_byte_table(text)
        self.assertEqual(t, [0, 1, 4, 5, 9, 10])
        for i in range(len(text) + 1):
            self.assertEqual(t[i], len(text[:i].encode("utf-8")))

    def test_overlap(self):
        self.assertEqual(E.overlap(0, 5, 3, 10), 2)
        self.assertEqual(E.overlap(0, 5, 5, 10), 0)  # half-open: touching is no overlap
        self.assertEqual(E.overlap(2, 3, 0, 10), 1)

    def test_max_matching_uses_each_item_once(self):
        # two gold items, both overlapped only by system item 0 -> one match
        m = E.max_matching([[0], [0]], 1)
        self.assertEqual(sum(1 for x in m if x is not None), 1)
        # augmenting path: gold0 can take 0 or 1, gold1 only 0 -> both matched
        m = E.max_matching([[0, 1], [0]], 2)
        self.assertEqual(sorted(m), [0, 1])

    def test_norm_name(self):
        self.assertEqual(E.norm_name('  "Acme\n    Widget Corp" '), "acme widget corp")
        self.assertEqual(E.norm_name("“Acme”"), "acme")
        self.assertEqual(E.norm_name(None), "")


class TestMoney(unittest.TestCase):
    def check(self, s, amount, currency, qualifier=None):
        p = E.parse_money(s)
        self.assertIsNotNone(p, s)
        self.assertEqual(p["amount"], amount, s)
        self.assertEqual(p["currency"], currency, s)
        self.assertEqual(p["qualifier"], qualifier, s)

    def test_wire_style(self):
        self.check("3.7 billion dlrs", 3700000000, "USD")
        self.check("64 mln dlrs", 64000000, "USD")
        self.check("18.4 mln dlrs", 18400000, "USD")
        self.check("21.75 MLN DLR", 21750000, "USD")
        self.check("36,000 dlrs", 36000, "USD")
        self.check("4,315,200 dlrs", 4315200, "USD")
        self.check("45 mln dlrs plus stock", 45000000, "USD")
        self.check("9.1 mln U.S. dlrs", 9100000, "USD")

    def test_currencies(self):
        self.check("44 mln Canadian dlrs", 44000000, "CAD")
        self.check("4 mln Australian dlrs", 4000000, "AUD")
        self.check("136 mln stg", 136000000, "GBP")
        self.check("712 mln yen", 712000000, "JPY")
        self.check("340 billion lire", 340000000000, "ITL")
        self.check("2.6 billion Belgian francs", 2600000000, "BEF")
        self.check("$5 billion", 5000000000, "USD")
        self.check("20 mln marks", 20000000, "DEM")

    def test_words_and_qualifiers(self):
        self.check("three billion stg", 3000000000, "GBP")
        self.check("six mln dlrs", 6000000, "USD")
        self.check("nearly a billion dlrs", 1000000000, "USD", "almost")
        self.check("about 315 mln dlrs", 315000000, "USD", "about")
        self.check("more than $5 billion", 5000000000, "USD", "more_than")
        self.check("7.4 billion", 7400000000, None)

    def test_non_numeric(self):
        for s in ("undisclosed", "not disclosed", "an undisclosed amount", "kept private",
                  "10 mln shares", ""):
            self.assertIsNone(E.parse_money(s), s)

    def test_money_matches(self):
        g = E.parse_money("3.7 billion dlrs")
        self.assertTrue(E.money_matches(g, 3700000000, "USD"))
        self.assertTrue(E.money_matches(g, 3700000000.3, "usd"))
        self.assertFalse(E.money_matches(g, 3700000001, "USD"))
        self.assertFalse(E.money_matches(g, 3700000000, "GBP"))
        self.assertFalse(E.money_matches(g, "3700000000", "USD"))
        bare = E.parse_money("7.4 billion")
        self.assertTrue(E.money_matches(bare, 7.4e9, "GBP"))


class TestSlots(unittest.TestCase):
    def test_alternatives_and_single_use(self):
        gold = [["Acme Corp", "ACME CORPORATION"], ["Beta Inc"]]
        tp, ns, ng, pairs = E.score_slot(gold, ['"acme corporation"', "Gamma"], E.string_match)
        self.assertEqual((tp, ns, ng), (1, 2, 2))
        # two system spellings of one gold line: only one is a true positive
        tp, ns, ng, _ = E.score_slot([["Acme Corp", "Acme"]], ["Acme Corp", "acme"], E.string_match)
        self.assertEqual((tp, ns, ng), (1, 2, 1))

    def test_system_values_deduplicated(self):
        deals = [{"acquirer": "Acme Corp"}, {"acquirer": "ACME  corp"}, {"acquirer": None},
                 {"acquirer": ["Beta Inc"]}]
        self.assertEqual(E._system_strings(deals, "acquirer"), ["Acme Corp", "Beta Inc"])
        prices = E._system_prices([{"price": {"amount": 83000000, "currency": "USD"}},
                                   {"price": {"amount": 83000000.0, "currency": "usd"}},
                                   {"price": None}])
        self.assertEqual(prices, [(83000000, "USD")])

    def test_co_acquirers_are_purchasers(self):
        deals = [{"acquirer": "Acme Corp", "co_acquirers": ["Beta Inc", "acme corp"], "target": "Gamma Co"}]
        self.assertEqual(E._system_strings(deals, "acquirer"), ["Acme Corp", "Beta Inc"])
        self.assertEqual(E._system_strings(deals, "target"), ["Gamma Co"])

    def test_price_slot(self):
        gold = [[E.parse_money("52 mln Canadian dlrs"), E.parse_money("41 mln U.S. dlrs")]]
        tp, _, _, _ = E.score_slot(gold, [(41000000, "USD")], E.price_match)
        self.assertEqual(tp, 1)
        tp, _, _, _ = E.score_slot(gold, [(41000000, "CAD")], E.price_match)
        self.assertEqual(tp, 0)

    def test_entity_names(self):
        rec = {"entities": [
            {"type": "organization", "name": "Acme Corp", "aliases": ["Acme"],
             "mentions": [{"start": 0, "end": 9, "text": "Acme\nCorp"}]},
            {"type": "place", "name": "Ohio"}]}
        self.assertEqual(E.entity_names(rec), {"acme corp", "acme"})
        rec = {"facts": [{"type": "person", "text": "J. Doe", "value": {"name": "Jane Doe"}}]}
        self.assertEqual(E.entity_names(rec), {"j. doe", "jane doe"})


class TestSpeakers(unittest.TestCase):
    def test_named_source(self):
        for s in ("Brown", "The Daily Planet", "Mr. Smith", "a spokesman for Acme"):
            self.assertTrue(E.is_named_source(s), s)
        for s in ("he", "He", "They", "a source", "the campaign", "His aides"):
            self.assertFalse(E.is_named_source(s), s)

    def test_speaker_rule(self):
        yes = [("Jane Smith", "Jane Smith"), ("jane smith", "Jane Smith"),
               ("Jane Smith", "Ms. Smith"), ("Smith", "spokeswoman Jane Smith"),
               ("Smith", "Jane Smith, a spokeswoman for Acme,"),
               ("Smith", "Ms. Smith of the Widget Council"),
               ("Jane Smith", "Acme spokeswoman Jane Smith (D-Ohio)"),
               ("Smith", "Smith’s"), ("Jane Smith", "Minister of Roads Jane Smith"),
               ("Brown", "Mr. Brown of the Widget Council")]
        no = [("Acme", "a spokeswoman for Acme"), ("Smith", "Smith’s campaign"),
              ("John Brown", "Jane Smith"), ("", "Jane Smith"),
              ("Smith", "Minister of Roads Jane Smith")]
        for s, g in yes:
            self.assertTrue(E.speaker_matches(s, g), (s, g))
        for s, g in no:
            self.assertFalse(E.speaker_matches(s, g), (s, g))


# --- synthetic corpus for loader and end-to-end tests ------------------------------

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>t1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2001-02-03" functionInDocument="CREATION_TIME">20010203</TIMEX3></DCT>
<TEXT>
Caf\u00e9 &amp; Co <EVENT eid="e1">said</EVENT> on <TIMEX3 tid="t1" type="DATE" value="2001-02-02">Friday</TIMEX3> that \u20ac sales rose in <TIMEX3 tid="t2" type="DATE" value="2000">2000</TIMEX3> and <TIMEX3 tid="t3" type="DATE" value="2001-Q1">the first quarter</TIMEX3>, <TIMEX3 tid="t4" type="DATE" value="PRESENT_REF">now</TIMEX3> for <TIMEX3 tid="t5" type="DURATION" value="P1W">a week</TIMEX3>.
</TEXT>
</TimeML>
"""

QUOTE_TEXT = "Intro line.\n\u201cWe will grow,\u201d Jane Smith said, \u201cand keep going.\u201d He added that it was fine.\n"


def _span(text, s):
    i = text.index(s)
    return i, i + len(s)


def write_corpus(root):
    tb = os.path.join(root, "timebank", "TimeBank")
    os.makedirs(tb)
    with open(os.path.join(tb, "t1.tml"), "w", encoding="utf-8") as fh:
        fh.write(TML)
    acq = os.path.join(root, "acq-dev")
    os.makedirs(acq)
    docs = [
        {"id": "1", "text": "Acme Corp said it bought Widget\nWorks Inc for 12.5 mln dlrs.",
         "gold": {"PURCHASER": [["Acme Corp"]], "ACQUIRED": [["Widget Works Inc", "Widget Works"]],
                  "SELLER": [], "DLRAMT": [["12.5 mln dlrs"]]}},
        {"id": "2", "text": "Beta Inc sold its unit to Gamma Co for an undisclosed sum.",
         "gold": {"PURCHASER": [["Gamma Co"]], "ACQUIRED": [["unit"]], "SELLER": [["Beta Inc"]],
                  "DLRAMT": [["undisclosed sum"]]}},
    ]
    with open(os.path.join(acq, "gold.jsonl"), "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    ra = os.path.join(root, "reuters-all")
    os.makedirs(ra)
    # 12 articles of other topics (ids 3..14, every 6th picked: 8 and 14), one of
    # acq (id 1) and one without topics (id 2), which are never picked.
    rows = [("1", "acq"), ("2", "")] + [(str(i), "earn" if i % 2 else "grain wheat") for i in range(3, 15)]
    with open(os.path.join(ra, "index.tsv"), "w", encoding="utf-8") as fh:
        fh.write("newid\ttext_type\tdate\ttopics\ttitle\n")
        for i, topics in rows:
            fh.write("%s\tNORM\t1-MAR-1987\t%s\tTitle %s\n" % (i, topics, i))
            with open(os.path.join(ra, i + ".txt"), "w", encoding="utf-8") as art:
                art.write("Zeta Corp bought Eta Inc.\n" if i in ("1", "2", "8") else "Wheat prices rose.\n")
    q = os.path.join(root, "quotes-dev")
    os.makedirs(os.path.join(q, "text"))
    os.makedirs(os.path.join(q, "attributions"))
    with open(os.path.join(q, "text", "pub_2016-10-01_story.txt"), "w", encoding="utf-8") as fh:
        fh.write(QUOTE_TEXT)
    c1 = _span(QUOTE_TEXT, "\u201cWe will grow,\u201d")
    c2 = _span(QUOTE_TEXT, "\u201cand keep going.\u201d")
    src = _span(QUOTE_TEXT, "Jane Smith")
    cue = _span(QUOTE_TEXT, "said")
    he = _span(QUOTE_TEXT, "He")
    added = _span(QUOTE_TEXT, "added")
    para = _span(QUOTE_TEXT, "that it was fine")
    ann = [
        "T1\tSource %d %d\tJane Smith" % src,
        "T2\tCue %d %d\tsaid" % cue,
        "T3\tContent %d %d;%d %d\t%s %s" % (c1 + c2 + (QUOTE_TEXT[c1[0]:c1[1]], QUOTE_TEXT[c2[0]:c2[1]])),
        "T4\tAttribution %d %d\tsaid" % cue,
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "T5\tSource %d %d\tHe" % he,
        "T6\tCue %d %d\tadded" % added,
        "T7\tContent %d %d\tthat it was fine" % para,
        "T8\tAttribution %d %d\tadded" % added,
        "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5",
    ]
    with open(os.path.join(q, "attributions", "pub_2016-10-01_story_ab12.ann"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(ann) + "\n")


FAKE_EXTRACT = r'''#!/usr/bin/env python3
import json, sys
def b(text, s, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(s, i + 1)
    return len(text[:i].encode()), len(text[:i + len(s)].encode())
def fact(text, typ, s, value):
    st, en = b(text, s)
    return {"type": typ, "text": s, "start": st, "end": en, "value": value}
for line in sys.stdin:
    r = json.loads(line)
    t = r["text"]
    facts, deals, ents = [], [], []
    if "Friday" in t:
        assert r.get("published") == "2001-02-03" and r.get("lang") == "en"
        facts.append(fact(t, "date", "Friday", {"date": "2001-02-02"}))   # right
        facts.append(fact(t, "date", "2000", {"date": "1999"}))           # wrong value
        facts.append(fact(t, "date", "first quarter", {"date": "2001"}))  # on a quarter: not scored
        facts.append(fact(t, "date", "sales", {"date": "2001-01"}))       # spurious
    elif "12.5" in t:
        facts.append(fact(t, "money", "12.5 mln dlrs", {"amount": 12500000, "currency": "USD"}))
        deals.append({"acquirer": "ACME CORP", "target": "Widget Works", "seller": None,
                      "price": {"amount": 12500000, "currency": "USD"}})
        ents.append({"type": "organization", "name": "Acme Corp", "aliases": [], "mentions": []})
    elif "Beta" in t:
        deals.append({"acquirer": "Beta Inc", "target": "unit", "seller": None,
                      "price": {"amount": 5, "currency": "USD"}})
        ents.append({"type": "organization", "name": "Gamma Co", "aliases": ["Beta Inc"], "mentions": []})
    elif "Zeta" in t:
        deals.append({"acquirer": "Zeta Corp", "target": None, "seller": None, "price": None})
    elif "We will grow" in t:
        facts.append(fact(t, "quote", "\u201cWe will grow,\u201d", {"quote": "We will grow,", "speaker": "Smith", "cue": "said"}))
    print(json.dumps({"id": r["id"], "facts": facts, "deals": deals, "entities": ents}))
'''


class TestEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.corpus = os.path.join(cls.tmp.name, "corpus")
        write_corpus(cls.corpus)
        cls.fake = os.path.join(cls.tmp.name, "fake_extract")
        with open(cls.fake, "w") as fh:
            fh.write(FAKE_EXTRACT)
        os.chmod(cls.fake, os.stat(cls.fake).st_mode | stat.S_IXUSR)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_main(self, *argv):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            rc = E.main(list(argv))
        return rc, out.getvalue()

    def test_timebank_loader(self):
        docs = E.load_timebank(self.corpus)
        self.assertEqual(len(docs), 1)
        d = docs[0]
        self.assertEqual(d["dct"], "2001-02-03")
        self.assertTrue(d["text"].startswith("\nCaf\u00e9 & Co said on Friday"))
        tb = d["text"].encode("utf-8")
        for t in d["timexes"]:
            self.assertEqual(tb[t["start"]:t["end"]].decode("utf-8"), t["text"])
        gold = [t["value"] for t in d["timexes"] if t["type"] == "DATE" and E.is_calendar(t["value"])]
        self.assertEqual(gold, ["2001-02-02", "2000"])

    def test_calendar_values(self):
        for v in ("1998", "1998-01", "1998-01-08", "1998-W02"):
            self.assertTrue(E.is_calendar(v), v)
        for v in ("PRESENT_REF", "1998-Q1", "1998-SU", "XXXX-01-08", "199", "1998-W02-WE", "1998-01-08T10:00"):
            self.assertFalse(E.is_calendar(v), v)

    def test_brat_loader(self):
        docs = E.load_quotes(self.corpus)
        self.assertEqual(len(docs), 1)
        d = docs[0]
        self.assertEqual(d["published"], "2016-10-01")
        # the discontinuous Content gives two direct quotes; the paraphrase gives none
        self.assertEqual([q["text"] for q in d["quotes"]],
                         ["\u201cWe will grow,\u201d", "\u201cand keep going.\u201d"])
        tb = d["text"].encode("utf-8")
        for q in d["quotes"]:
            self.assertEqual(tb[q["start"]:q["end"]].decode("utf-8"), q["text"])
            self.assertEqual(q["source"], "Jane Smith")
            self.assertTrue(q["source_named"])

    def test_trim_after_last_closer(self):
        t = "\u201cThe Big Fix\u201d for the town\u2019s roads"
        self.assertEqual(t[:E._trim_after_last_closer(t, 0, len(t))], "\u201cThe Big Fix\u201d")
        t = "\u201cWe won,\u201d."
        self.assertEqual(E._trim_after_last_closer(t, 0, len(t)), len(t))  # punctuation only
        t = "''It's fine,'' ''really.''"
        self.assertEqual(E._trim_after_last_closer(t, 0, len(t)), len(t))
        t = "\u201cOpen quote, town\u2019s roads"  # no closer: unchanged
        self.assertEqual(E._trim_after_last_closer(t, 0, len(t)), len(t))

    def test_brat_offset_mismatch_is_fatal(self):
        path = os.path.join(self.tmp.name, "bad.ann")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("T1\tSource 0 5\tWrong\n")
        with self.assertRaises(E.GoldError):
            E.parse_brat(path, QUOTE_TEXT)

    def test_all_figures(self):
        rc, out = self.run_main("all", "--corpus", self.corpus, "--extract", self.fake, "--json")
        self.assertEqual(rc, 0)
        r = json.loads(out)
        tbk = r["timebank"]
        self.assertEqual((tbk["gold"], tbk["system"]), (2, 3))  # quarter fact not scored
        self.assertEqual((tbk["span_tp"], tbk["value_tp"]), (2, 1))
        self.assertAlmostEqual(tbk["value_f1"], E.prf(1, 3, 2)[2])
        self.assertEqual(tbk["ignored_dontcare"], 1)
        self.assertEqual((r["money"]["found"], r["money"]["gold"]), (1, 1))
        dl = r["deals"]
        self.assertEqual((dl["PURCHASER"]["tp"], dl["PURCHASER"]["system"], dl["PURCHASER"]["gold"]), (1, 2, 2))
        self.assertEqual((dl["ACQUIRED"]["tp"], dl["ACQUIRED"]["gold"]), (2, 2))
        self.assertEqual((dl["SELLER"]["tp"], dl["SELLER"]["system"], dl["SELLER"]["gold"]), (0, 0, 1))
        # doc 2's price is out of scope ("undisclosed sum"): only doc 1 is scored
        self.assertEqual((dl["DLRAMT"]["tp"], dl["DLRAMT"]["system"], dl["DLRAMT"]["gold"]), (1, 1, 1))
        self.assertEqual(dl["dlramt_docs_skipped"], 1)
        self.assertEqual(dl["micro"]["tp"], 4)
        self.assertEqual((dl["micro"]["system"], dl["micro"]["gold"]), (5, 6))
        # entities: Acme Corp, Gamma Co, Beta Inc found (alias); Widget Works, unit missed
        self.assertEqual((r["entities"]["found"], r["entities"]["gold"]), (3, 5))
        q = r["quotes"]
        self.assertEqual((q["gold"], q["found"], q["speaker_evaluated"], q["speaker_right"]), (2, 1, 1, 1))
        o = r["other-topics"]
        self.assertEqual((o["articles"], o["with_deal"], o["deals"], o["deals_both_parties"]), (2, 1, 1, 0))
        gates = {g["gate"]: g["status"] for g in r["gates"]}
        self.assertEqual(gates["timebank.value_f1"], "below (not enforced)")
        self.assertFalse(any(g.startswith("other-topics") for g in gates))

    def test_gate_exit_code_and_selection(self):
        rc, _ = self.run_main("money", "--corpus", self.corpus, "--extract", self.fake, "--gate")
        self.assertEqual(rc, 0)
        rc, out = self.run_main("quotes", "--corpus", self.corpus, "--extract", self.fake, "--gate")
        self.assertEqual(rc, 1)
        self.assertIn("quotes.found", out)
        rc, _ = self.run_main("quotes", "--corpus", self.corpus, "--extract", self.fake, "--gate",
                              "--gates", "quotes.speaker")
        self.assertEqual(rc, 0)

    def test_missing_corpus_skips(self):
        rc, out = self.run_main("all", "--corpus", os.path.join(self.tmp.name, "nope"))
        self.assertEqual(rc, 0)
        self.assertIn("skipped: corpus not found", out)

    def test_extract_failure_exit_2(self):
        bad = os.path.join(self.tmp.name, "bad_extract")
        with open(bad, "w") as fh:
            fh.write("#!/bin/sh\necho 'rules: broken' >&2\nexit 3\n")
        os.chmod(bad, 0o755)
        rc, _ = self.run_main("money", "--corpus", self.corpus, "--extract", bad)
        self.assertEqual(rc, 2)
        rc, _ = self.run_main("money", "--corpus", self.corpus, "--extract", os.path.join(self.tmp.name, "none"))
        self.assertEqual(rc, 2)

    def test_stats_without_extract(self):
        rc, out = self.run_main("all", "--corpus", self.corpus, "--stats", "--json")
        self.assertEqual(rc, 0)
        s = json.loads(out)
        self.assertEqual(s["timebank"]["calendar"], 2)
        self.assertEqual(s["acq-dev"]["dlramt_numeric"], 1)
        self.assertEqual(s["acq-dev"]["dlramt_non_numeric"], 1)
        self.assertEqual(s["quotes-dev"]["direct_quotes"], 2)


if __name__ == "__main__":
    unittest.main()
