#!/usr/bin/env python3
"""Evaluation harness for `extract` against the shared gold corpora.

Standard library only.  Subcommands: timebank, money, deals, entities, quotes, all.
See eval/README.md for what every figure means and exactly what counts as gold.

Exit codes: 0 ok (or corpus absent: skipped), 1 a gate failed (only with --gate),
2 extract missing / failed / broke the streaming contract, 3 a gold file failed
its sanity checks.
"""

import argparse
import collections
import fnmatch
import glob
import html
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(REPO_ROOT, "..", "shared", "corpus")
DEFAULT_EXTRACT = os.path.join(REPO_ROOT, "build", "extract")

# Gate name -> minimum value.  Figures are fractions in [0, 1].
GATES = collections.OrderedDict([
    ("timebank.value_f1", 0.85),
    ("money.found", 0.97),
    ("deals.micro_f1", 0.75),
    ("deals.PURCHASER_f1", 0.60),
    ("deals.ACQUIRED_f1", 0.60),
    ("deals.SELLER_f1", 0.60),
    ("deals.DLRAMT_f1", 0.60),
    ("entities.found", 0.90),
    ("quotes.found", 0.90),
    ("quotes.speaker", 0.80),
])

SUITES = ("timebank", "money", "deals", "entities", "quotes", "other-topics")
DEAL_SLOTS = ("PURCHASER", "ACQUIRED", "SELLER", "DLRAMT")
DEAL_FIELD = {"PURCHASER": "acquirer", "ACQUIRED": "target", "SELLER": "seller", "DLRAMT": "price"}
ROLE_SLOTS = ("PURCHASER", "ACQUIRED", "SELLER")


class GoldError(Exception):
    """A gold file failed a sanity check (offsets, format)."""


class ExtractError(Exception):
    """extract failed, is missing, or broke the streaming contract."""


# ---------------------------------------------------------------------------
# Generic helpers


def char_to_byte_table(text):
    """table[i] = UTF-8 byte offset of character i; table[len(text)] = total bytes."""
    table = [0] * (len(text) + 1)
    pos = 0
    for i, ch in enumerate(text):
        table[i] = pos
        pos += len(ch.encode("utf-8", "surrogatepass"))
    table[len(text)] = pos
    return table


def overlap(a_start, a_end, b_start, b_end):
    """Length of the intersection of two half-open spans (0 if disjoint)."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def max_matching(adj, n_right):
    """Maximum bipartite matching (Kuhn).  adj[u] = right nodes in preference order.

    Returns match_left: list where match_left[u] is the right node matched to u or None.
    """
    match_right = [None] * n_right

    def try_assign(u, seen):
        for v in adj[u]:
            if v in seen:
                continue
            seen.add(v)
            if match_right[v] is None or try_assign(match_right[v], seen):
                match_right[v] = u
                return True
        return False

    for u in range(len(adj)):
        try_assign(u, set())
    match_left = [None] * len(adj)
    for v, u in enumerate(match_right):
        if u is not None:
            match_left[u] = v
    return match_left


def prf(tp, n_sys, n_gold):
    """Precision, recall, F1.  Empty system output: P=0 (1 if gold is empty too)."""
    p = tp / n_sys if n_sys else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else (1.0 if n_sys == 0 else 0.0)
    f = 2 * p * r / (p + r) if (p + r) else 0.0
    return p, r, f


def ratio(num, den):
    return num / den if den else 0.0


def collapse_ws(s):
    return re.sub(r"\s+", " ", s).strip()


_QUOTE_STRIP = "\"'“”‘’`«»„"


def norm_name(s):
    """Normalisation for slot strings: trim, strip surrounding quotes, collapse
    internal whitespace (the wire text wraps lines inside names), case-fold."""
    if s is None:
        return ""
    s = collapse_ws(str(s))
    prev = None
    while prev != s:
        prev = s
        s = s.strip().strip(_QUOTE_STRIP).strip()
    return s.casefold()


def fact_value(fact):
    v = fact.get("value")
    return v if isinstance(v, dict) else {}


def byte_slice_text(text_bytes, start, end):
    try:
        return text_bytes[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------------------
# Money strings ("64 mln dlrs", "3.7 billion dlrs", "three billion stg", "$5 billion")

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}

SCALE_WORDS = {
    "thousand": 10**3, "k": 10**3,
    "mln": 10**6, "million": 10**6, "mn": 10**6, "m": 10**6,
    "bln": 10**9, "billion": 10**9, "bn": 10**9,
    "trillion": 10**12, "trln": 10**12, "tn": 10**12,
}

# Currency words after the number: (regex on the remainder, ISO 4217 code).  Order
# matters: qualified dollars before bare dollars.  Obsolete 1987 currencies keep
# their historical codes (BEF, FRF, DEM, ITL, NLG ...).
_DLR = r"(?:dlrs?|dollars?)\b"
CURRENCY_WORDS = [
    (r"(?:u\.\s?s\.|us|american)\s+" + _DLR, "USD"),
    (r"(?:canadian|can\.?)\s+" + _DLR, "CAD"),
    (r"(?:australian|aust\.?)\s+" + _DLR, "AUD"),
    (r"(?:new\s+zealand|n\.\s?z\.|nz)\s+" + _DLR, "NZD"),
    (r"(?:hong\s+kong|h\.\s?k\.|hk)\s+" + _DLR, "HKD"),
    (r"singapore\s+" + _DLR, "SGD"),
    (r"taiwan\s+" + _DLR, "TWD"),
    (_DLR, "USD"),
    (r"(?:stg|sterling|pounds?\s+sterling|pounds?)\b", "GBP"),
    (r"yen\b", "JPY"),
    (r"belgian\s+francs?\b", "BEF"),
    (r"swiss\s+francs?\b", "CHF"),
    (r"luxembourg\s+francs?\b", "LUF"),
    (r"(?:french\s+)?francs?\b", "FRF"),
    (r"(?:lire|lira)\b", "ITL"),
    (r"(?:deutsche\s+marks?|d-?marks?|marks?|dm)\b", "DEM"),
    (r"(?:guilders?|florins?)\b", "NLG"),
    (r"pesetas?\b", "ESP"),
    (r"(?:swedish\s+)?(?:crowns|kronor)\b", "SEK"),
    (r"danish\s+(?:crowns|kroner)\b", "DKK"),
    (r"norwegian\s+(?:crowns|kroner)\b", "NOK"),
    (r"schillings?\b", "ATS"),
    (r"escudos?\b", "PTE"),
    (r"rand\b", "ZAR"),
    (r"rupiah\b", "IDR"),
    (r"rupees?\b", "INR"),
    (r"yuan\b", "CNY"),
    (r"won\b", "KRW"),
    (r"euros?\b", "EUR"),
]
CURRENCY_WORDS = [(re.compile(p, re.I), c) for p, c in CURRENCY_WORDS]

CURRENCY_SYMBOLS = [  # prefix symbols, longest first
    ("us$", "USD"), ("c$", "CAD"), ("a$", "AUD"), ("hk$", "HKD"), ("nz$", "NZD"),
    ("s$", "SGD"), ("$", "USD"), ("£", "GBP"), ("€", "EUR"), ("¥", "JPY"),
    ("rp.", "IDR"), ("rp", "IDR"),
]

QUALIFIERS = [
    ("more than", "more_than"), ("over", "more_than"), ("just over", "more_than"),
    ("at least", "at_least"), ("almost", "almost"), ("nearly", "almost"),
    ("just under", "less_than"), ("less than", "less_than"), ("under", "less_than"),
    ("up to", "up_to"), ("about", "about"), ("around", "about"),
    ("approximately", "about"), ("roughly", "about"), ("some", "about"),
]
QUALIFIERS.sort(key=lambda q: -len(q[0]))

_NUM_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")


def parse_money(s):
    """Parse a gold money string.  Returns {"amount", "currency", "qualifier"} or None
    when the string holds no amount ("undisclosed", "not disclosed", ...).
    currency is None for a bare scaled number such as "7.4 billion"."""
    if s is None:
        return None
    rest = collapse_ws(s).lower()
    qualifier = None
    for word, q in QUALIFIERS:
        if rest.startswith(word + " "):
            qualifier = q
            rest = rest[len(word) + 1:]
            break
    currency = None
    for sym, code in CURRENCY_SYMBOLS:
        if rest.startswith(sym):
            currency = code
            rest = rest[len(sym):].lstrip()
            break
    m = _NUM_RE.match(rest)
    if m:
        try:
            number = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        rest = rest[m.end():].lstrip()
    else:
        w = re.match(r"([a-z]+)(?:-([a-z]+))?\b", rest)
        if not w or w.group(1) not in NUMBER_WORDS:
            return None
        number = Decimal(NUMBER_WORDS[w.group(1)])
        if w.group(2):
            if w.group(2) not in NUMBER_WORDS:
                return None
            number += NUMBER_WORDS[w.group(2)]
        rest = rest[w.end():].lstrip()
    scale = 1
    w = re.match(r"([a-z]+)\b\.?", rest)
    if w and w.group(1) in SCALE_WORDS:
        scale = SCALE_WORDS[w.group(1)]
        rest = rest[w.end():].lstrip()
    if currency is None and rest:
        for rx, code in CURRENCY_WORDS:
            cm = rx.match(rest)
            if cm:
                currency = code
                rest = rest[cm.end():].lstrip()
                break
        else:
            return None  # "10 mln shares": a quantity, not money
    amount = number * scale
    amount = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": amount, "currency": currency, "qualifier": qualifier}


def money_matches(gold, amount, currency):
    """gold: parsed money dict.  A gold currency of None matches any currency."""
    if not isinstance(amount, (int, float)) or isinstance(amount, bool):
        return False
    if abs(float(amount) - float(gold["amount"])) >= 0.5:
        return False
    return gold["currency"] is None or (currency or "").upper() == gold["currency"]


# ---------------------------------------------------------------------------
# Running extract


def find_extract(args):
    path = args.extract or os.environ.get("EXTRACT_BIN") or DEFAULT_EXTRACT
    return os.path.abspath(path)


def run_extract(args, records, label):
    """Feed records (dicts with id, text, lang, published?) to one extract process in
    streaming mode.  Returns the output records, in order, checked against the ids."""
    exe = find_extract(args)
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        raise ExtractError("extract binary not found or not executable: %s "
                           "(build it, or pass --extract PATH / set EXTRACT_BIN)" % exe)
    cmd = [exe, "--input-format", "jsonl"]
    if args.rules:
        cmd += ["--rules", args.rules]
    cmd += args.extract_arg or []
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, input=payload, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=REPO_ROOT, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        raise ExtractError("%s: extract timed out after %ss on %d records" % (label, args.timeout, len(records)))
    except OSError as e:
        raise ExtractError("%s: cannot run %s: %s" % (label, exe, e))
    elapsed = time.monotonic() - t0
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise ExtractError("%s: extract exited with status %d\ncommand: %s\n--- stderr ---\n%s"
                           % (label, proc.returncode, " ".join(cmd), stderr))
    if stderr.strip() and args.verbose:
        sys.stderr.write("--- extract stderr (%s) ---\n%s\n" % (label, stderr))
    lines = proc.stdout.decode("utf-8", "replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(records):
        raise ExtractError("%s: streaming contract broken: %d records in, %d lines out\n--- stderr ---\n%s"
                           % (label, len(records), len(lines), stderr))
    out = []
    for i, (line, rec) in enumerate(zip(lines, records)):
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise ExtractError("%s: output line %d is not JSON (%s): %.200s" % (label, i + 1, e, line))
        if not isinstance(obj, dict):
            raise ExtractError("%s: output line %d is not a JSON object" % (label, i + 1))
        if str(obj.get("id")) != str(rec["id"]):
            raise ExtractError("%s: output line %d has id %r, expected %r (order or id lost)"
                               % (label, i + 1, obj.get("id"), rec["id"]))
        out.append(obj)
    return out, elapsed


def check_offsets(outputs, texts, types=None):
    """Contract check: every fact's text must equal input[start:end] (byte offsets).
    Returns (checked, list of problems)."""
    problems = []
    checked = 0
    for rec, text in zip(outputs, texts):
        tb = text.encode("utf-8")
        for f in rec.get("facts") or []:
            if types is not None and f.get("type") not in types:
                continue
            checked += 1
            s, e = f.get("start"), f.get("end")
            if not isinstance(s, int) or not isinstance(e, int) or not (0 <= s <= e <= len(tb)):
                problems.append((rec.get("id"), f.get("type"), f.get("text"), "bad span %r..%r" % (s, e)))
                continue
            got = byte_slice_text(tb, s, e)
            if got != f.get("text"):
                problems.append((rec.get("id"), f.get("type"), f.get("text"), "input[start:end]=%r" % got))
    return checked, problems


# ---------------------------------------------------------------------------
# Gold: TimeBank

CALENDAR_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$|^\d{4}-W\d{2}$")


def is_calendar(value):
    return isinstance(value, str) and bool(CALENDAR_RE.match(value))


def calendar_precision(value):
    if "W" in value:
        return "week"
    return {4: "year", 7: "month", 10: "day"}.get(len(value), "?")


def timex_category(value):
    """Why a DATE value is (not) calendar-valued, for --stats."""
    if is_calendar(value):
        return "calendar:" + calendar_precision(value)
    if value in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        return value
    if re.match(r"^\d{4}-Q[1-4X]$", value):
        return "quarter (YYYY-Qn)"
    if re.match(r"^\d{4}-H[12X]$", value):
        return "half year (YYYY-Hn)"
    if re.match(r"^\d{4}-(SP|SU|FA|WI)$", value):
        return "season (YYYY-SU ...)"
    if re.match(r"^\d{4}-W\d{2}-WE$", value):
        return "weekend (YYYY-Wnn-WE)"
    if re.match(r"^\d{2,3}$", value):
        return "century/decade (19, 199)"
    if "X" in value:
        return "unspecified digits (XXXX, 199X, 1998-WXX)"
    if "T" in value:
        return "date with time"
    return "other"


def _walk_text(el, parts, pos, spans):
    """Concatenate the character data under el, recording TIMEX3 spans (char offsets)."""
    if el.text:
        parts.append(el.text)
        pos += len(el.text)
    for child in el:
        start = pos
        pos = _walk_text(child, parts, pos, spans)
        if child.tag == "TIMEX3":
            spans.append((start, pos, dict(child.attrib)))
        if child.tail:
            parts.append(child.tail)
            pos += len(child.tail)
    return pos


def _regex_text(raw):
    """Independent second reading of <TEXT> with regexes, for the sanity check."""
    m = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    if not m:
        return None, []
    inner = m.group(1)
    out, spans, stack, pos = [], [], [], 0
    for tok in re.finditer(r"<[^>]+>|[^<]+", inner):
        t = tok.group(0)
        if t.startswith("</TIMEX3"):
            s, attrs = stack.pop()
            spans.append((s, pos, attrs))
        elif t.startswith("<TIMEX3"):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', t))
            if t.endswith("/>"):
                spans.append((pos, pos, attrs))
            else:
                stack.append((pos, attrs))
        elif t.startswith("<"):
            pass
        else:
            u = html.unescape(t)
            out.append(u)
            pos += len(u)
    return "".join(out), spans


def load_timebank(corpus):
    files = sorted(glob.glob(os.path.join(corpus, "timebank", "TimeBank", "*.tml")))
    docs = []
    for path in files:
        with open(path, "rb") as fh:
            raw_bytes = fh.read()
        try:
            root = ET.fromstring(raw_bytes)
        except ET.ParseError as e:
            raise GoldError("%s: XML error: %s" % (path, e))
        dct = None
        for t in root.iter("TIMEX3"):
            if t.get("functionInDocument") == "CREATION_TIME":
                m = re.match(r"^(\d{4}-\d{2}-\d{2})", t.get("value", ""))
                if m:
                    dct = m.group(1)
                break
        text_el = root.find("TEXT")
        if text_el is None:
            raise GoldError("%s: no <TEXT> element" % path)
        parts, spans = [], []
        _walk_text(text_el, parts, 0, spans)
        text = "".join(parts)
        spans.sort(key=lambda s: (s[0], s[1]))
        # sanity check 1: an independent regex reading gives the same text and spans
        rtext, rspans = _regex_text(raw_bytes.decode("utf-8").replace("\r\n", "\n"))
        rspans.sort(key=lambda s: (s[0], s[1]))
        if rtext != text or [(a, b, d.get("tid")) for a, b, d in rspans] != \
                [(a, b, d.get("tid")) for a, b, d in spans]:
            raise GoldError("%s: XML parse and regex reading of <TEXT> disagree" % path)
        table = char_to_byte_table(text)
        tb = text.encode("utf-8")
        timexes = []
        for cs, ce, attrs in spans:
            el_text = text[cs:ce]
            # sanity check 2: the byte span decodes to the same characters
            if tb[table[cs]:table[ce]].decode("utf-8") != el_text:
                raise GoldError("%s: byte offsets wrong for TIMEX3 %s" % (path, attrs.get("tid")))
            timexes.append({
                "tid": attrs.get("tid"), "type": attrs.get("type"), "value": attrs.get("value", ""),
                "cstart": cs, "cend": ce, "start": table[cs], "end": table[ce], "text": el_text,
            })
        docs.append({"id": os.path.splitext(os.path.basename(path))[0], "text": text,
                     "dct": dct, "timexes": timexes})
    return docs


# ---------------------------------------------------------------------------
# Gold: acq-dev


def load_acq(corpus):
    path = os.path.join(corpus, "acq-dev", "gold.jsonl")
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except ValueError as e:
                raise GoldError("%s:%d: %s" % (path, n, e))
            gold = d.get("gold") or {}
            for slot, lines in gold.items():
                if not isinstance(lines, list) or not all(isinstance(x, list) for x in lines):
                    raise GoldError("%s:%d: slot %s is not a list of lists" % (path, n, slot))
            docs.append({"id": str(d["id"]), "text": d["text"], "gold": gold})
    return docs


def parse_anskey(path):
    """Parse an answer key file: {slot: [[alternatives], ...]} ('---' = empty)."""
    slots = collections.OrderedDict()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            m = re.match(r"^([A-Z]+):\s*(.*)$", line)
            if not m or m.group(1) == "TEXT":
                continue
            slot, val = m.group(1), m.group(2).strip()
            slots.setdefault(slot, [])
            if val == "---" or not val:
                continue
            alts = [a.strip().strip('"') for a in re.split(r'"\s*/\s*"', val)]
            slots[slot].append(alts)
    return slots


def dlramt_lines(gold):
    """[(alternatives, [parsed money or None per alternative])] for a doc's DLRAMT."""
    return [(line, [parse_money(a) for a in line]) for line in gold.get("DLRAMT", [])]


def line_is_numeric(parsed):
    return any(p is not None for p in parsed)


# ---------------------------------------------------------------------------
# Gold: quotes-dev (PolNeAR, brat standoff)

QUOTE_OPENERS = set("\"“”‘’'«»„‚`‹›")  # ' also covers the '' (two apostrophes) style

PRONOUNS_AND_DETERMINERS = set("""
i me my mine we us our ours you your yours he him his she her hers it its they them their
theirs this that these those the a an some many most all both each every either neither
another other others one two three four five several few such who whom whose which what
one's someone somebody anyone anybody everyone everybody nobody none
""".split())


def is_named_source(s):
    """A Source span names someone if it has a capitalised word that is not a pronoun or
    determiner ("Smith", "The Daily Planet", "a spokesman for Acme" are named; "He", "They",
    "a source", "the campaign" are not)."""
    for w in re.findall(r"[^\W\d_][\w'’.-]*", s):
        if w[0].isupper() and w.casefold().rstrip(".") not in PRONOUNS_AND_DETERMINERS:
            return True
    return False


def _name_tokens(s):
    s = unicodedata.normalize("NFKC", s or "").replace("’", "'").replace("‘", "'").casefold()
    toks = re.findall(r"[^\W_]+(?:['.\-][^\W_]+)*", s)
    return [re.sub(r"'s$", "", t) for t in toks]


def speaker_matches(system, gold_source):
    """The speaker rule (see README).  Names are compared as case-folded word lists
    (possessive 's dropped).  head = the gold source cut at its first comma, parenthesis,
    who/which/whose (the appositive goes: "Smith, an Acme adviser," -> "Smith"), then
    at its first of/at/for/from/in/with ("Mr. Brown of the Widget Council" -> "Mr. Brown";
    "a spokeswoman for Acme" -> "a spokeswoman").  The system speaker is right if
      - it equals the whole gold source, or
      - it equals the head, or the head ends with it ("spokeswoman Jane Smith" / "Jane
        Smith"), or it ends with the same word as the head ("Ms. Smith" / "Jane
        Smith"), or
      - it has two or more words and occurs contiguously anywhere in the gold source
        ("Minister of Roads Jane Smith" / "Jane Smith")."""
    S = _name_tokens(system)
    G = _name_tokens(gold_source)
    if not S or not G:
        return False
    if S == G:
        return True
    core = re.split(r",|\(|\bwho\b|\bwhich\b|\bwhose\b", gold_source)[0]
    H = _name_tokens(re.split(r"\b(?:of|at|for|from|in|with)\b", core)[0])
    if H and (S == H or (len(S) <= len(H) and H[-len(S):] == S) or S[-1] == H[-1]):
        return True
    if len(S) >= 2:
        for i in range(len(G) - len(S) + 1):
            if G[i:i + len(S)] == S:
                return True
    return False


def _parse_offsets(spec):
    frags = []
    for part in spec.split(";"):
        a, b = part.split()
        frags.append((int(a), int(b)))
    return frags


def parse_brat(path, text):
    """Parse a brat .ann file, checking each T line's text against the document.
    Returns (tbs, events): tbs[id] = (label, [(start, end) char fragments], text);
    events[id] = (label, {role: [T ids]}) with role digits stripped (Content2 -> Content)."""
    tbs, events = collections.OrderedDict(), collections.OrderedDict()
    with open(path, encoding="utf-8", newline="") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            cols = line.split("\t")
            if cols[0].startswith("T"):
                if len(cols) < 3:
                    raise GoldError("%s:%d: malformed T line" % (path, n))
                label, spec = cols[1].split(" ", 1)
                frags = _parse_offsets(spec)
                joined = " ".join(text[a:b] for a, b in frags)
                if joined != cols[2]:
                    raise GoldError("%s:%d: span text mismatch: file says %r, text has %r"
                                    % (path, n, cols[2][:60], joined[:60]))
                tbs[cols[0]] = (label, frags, cols[2])
            elif cols[0].startswith("E"):
                args = cols[1].split() if len(cols) > 1 else []
                if not args:
                    continue
                label = args[0].split(":")[0]
                roles = collections.defaultdict(list)
                for a in args[1:]:
                    role, tid = a.split(":")
                    roles[re.sub(r"\d+$", "", role)].append(tid)
                events[cols[0]] = (label, dict(roles))
    return tbs, events


QUOTE_CLOSERS = set("\"”’'»›“")


def _trim_after_last_closer(text, a, b):
    """End a direct quote at its last closing quotation mark when paraphrase follows it
    ('“The Big Fix” for the town’s roads' -> '“The Big Fix”').  A closer
    is a quote character not preceded by whitespace and not followed by a letter or digit
    (so the apostrophe of "town’s" is none).  Only trailing punctuation may remain."""
    last = None
    for i in range(a + 1, b):
        if text[i] in QUOTE_CLOSERS and not text[i - 1].isspace() and \
                (i + 1 == len(text) or not text[i + 1].isalnum()):
            last = i
    if last is None or not any(ch.isalnum() for ch in text[last + 1:b]):
        return b
    return last + 1


def load_quotes(corpus):
    qdir = os.path.join(corpus, "quotes-dev")
    texts = {os.path.splitext(os.path.basename(p))[0]: p
             for p in glob.glob(os.path.join(qdir, "text", "*.txt"))}
    anns = collections.defaultdict(list)
    for p in sorted(glob.glob(os.path.join(qdir, "attributions", "*.ann"))):
        m = re.match(r"^(.*)_([0-9a-f]+)\.ann$", os.path.basename(p))
        if not m or m.group(1) not in texts:
            raise GoldError("%s: no matching text file" % p)
        anns[m.group(1)].append(p)
    docs = []
    for stem in sorted(texts):
        with open(texts[stem], encoding="utf-8", newline="") as fh:
            text = fh.read()
        ann_files = anns.get(stem, [])
        doc = {"id": stem, "text": text, "ann_files": ann_files, "quotes": [],
               "counts": collections.Counter()}
        m = re.search(r"_(\d{4}-\d{2}-\d{2})_", stem)
        doc["published"] = m.group(1) if m else None
        if not ann_files:
            docs.append(doc)
            continue
        # Texts annotated by several annotators (agreement checks): the first file in
        # name order is the gold; the others are only parsed (and offset-checked).
        for extra in ann_files[1:]:
            parse_brat(extra, text)
        tbs, events = parse_brat(ann_files[0], text)
        table = char_to_byte_table(text)
        c = doc["counts"]
        for label, _, _ in tbs.values():
            c["T:" + label] += 1
        source_of = {}
        for eid, (label, roles) in events.items():
            c["E:" + label] += 1
            src_ids = roles.get("Source", [])
            for cid in roles.get("Content", []):
                source_of.setdefault(cid, (eid, src_ids))
        for tid, (label, frags, ttext) in tbs.items():
            if label != "Content":
                continue
            c["content"] += 1
            if len(frags) > 1:
                c["content_discontinuous"] += 1
            eid, src_ids = source_of.get(tid, (None, []))
            if eid is None:
                c["content_without_event"] += 1
            src_text = " ".join(tbs[s][2] for s in src_ids if s in tbs) or None
            # Merge fragments separated only by whitespace (a quote split at a line or
            # sentence break), then each piece that opens with a quotation mark is one
            # direct quote.
            pieces = []
            for a, b in sorted(frags):
                if pieces and not text[pieces[-1][1]:a].strip():
                    pieces[-1][1] = max(pieces[-1][1], b)
                else:
                    pieces.append([a, b])
            for a, b in pieces:
                while a < b and text[a].isspace():
                    a += 1
                while b > a and text[b - 1].isspace():
                    b -= 1
                if a < b and text[a] in QUOTE_OPENERS:
                    b2 = _trim_after_last_closer(text, a, b)
                    if b2 != b:
                        c["direct_trimmed"] += 1
                    b = b2
                    doc["quotes"].append({
                        "content_id": tid, "event": eid, "cstart": a, "cend": b,
                        "start": table[a], "end": table[b], "text": text[a:b],
                        "opener": text[a], "source": src_text,
                        "source_named": bool(src_text) and is_named_source(src_text),
                    })
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------
# Suites.  Each returns a result dict:
#   {"suite", "figures": {...}, "gates": [(name, value)], "lines": [table lines],
#    "errors": [lines for --show-errors], "skipped": reason or None}


def _fmt_pct(x):
    return "%6.2f%%" % (100.0 * x)


def _table(rows, header=None):
    rows = [header] + rows if header else rows
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        out.append("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths))))
        if header and k == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _result(suite):
    return {"suite": suite, "figures": collections.OrderedDict(), "gates": [], "lines": [],
            "errors": [], "skipped": None}


def _need(path, what, res):
    if not os.path.exists(path):
        res["skipped"] = "%s not found at %s" % (what, path)
        return False
    return True


def _record_error_lines(res, outputs):
    """Records extract answered with {"error": ...} instead of facts: counted and listed."""
    bad = [o for o in outputs if o.get("error")]
    res["figures"]["error_records"] = len(bad)
    if bad:
        res["lines"].append("extract reported an error for %d of %d records" % (len(bad), len(outputs)))
        for o in bad:
            res["errors"].append("error   doc=%s %s" % (o.get("id"), o.get("error")))


def _contract_lines(res, checked, problems, n_show):
    res["figures"]["contract_offset_errors"] = len(problems)
    if problems:
        res["lines"].append("contract: %d of %d facts have text != input[start:end] (byte offsets)"
                            % (len(problems), checked))
        for p in problems:
            res["errors"].append("offset  doc=%s type=%s text=%r  %s" % p)
        for p in problems[:3 if not n_show else 0]:
            res["lines"].append("  e.g. doc=%s type=%s text=%r  %s" % p)


def suite_timebank(args, ctx):
    res = _result("timebank")
    if not _need(os.path.join(args.corpus, "timebank", "TimeBank"), "timebank/TimeBank", res):
        return res
    docs = ctx.timebank()
    records = []
    for d in docs:
        r = {"id": d["id"], "text": d["text"], "lang": "en"}
        if d["dct"]:
            r["published"] = d["dct"]
        records.append(r)
    outputs, elapsed = run_extract(args, records, "timebank")
    _record_error_lines(res, outputs)
    checked, problems = check_offsets(outputs, [d["text"] for d in docs], {"date"})

    n_gold = n_sys = n_ignored = n_unresolved = n_noncal = 0
    span_tp = value_tp = 0
    by_prec = collections.defaultdict(lambda: [0, 0])  # precision -> [gold, value tp]
    missed, spurious, wrong = [], [], []
    for d, out in zip(docs, outputs):
        gold = [t for t in d["timexes"] if t["type"] == "DATE" and is_calendar(t["value"])]
        dontcare = [t for t in d["timexes"]
                    if (t["type"] == "DATE" and not is_calendar(t["value"])) or t["type"] == "TIME"]
        sys_items = []
        for f in out.get("facts") or []:
            if f.get("type") != "date":
                continue
            v = fact_value(f)
            s, e = f.get("start"), f.get("end")
            if not isinstance(s, int) or not isinstance(e, int):
                continue
            if v.get("resolved") is False or "date" not in v:
                if any(overlap(s, e, g["start"], g["end"]) for g in gold):
                    n_unresolved += 1
                continue
            if not is_calendar(v.get("date")):
                n_noncal += 1
                continue
            hits_gold = any(overlap(s, e, g["start"], g["end"]) for g in gold)
            if not hits_gold and any(overlap(s, e, x["start"], x["end"]) for x in dontcare):
                n_ignored += 1
                continue
            sys_items.append({"start": s, "end": e, "value": v["date"], "text": f.get("text")})
        n_gold += len(gold)
        n_sys += len(sys_items)
        # span matching: maximum matching over overlapping pairs, larger overlaps first
        adj = []
        for g in gold:
            cands = [(overlap(g["start"], g["end"], x["start"], x["end"]), j) for j, x in enumerate(sys_items)]
            adj.append([j for ov, j in sorted(cands, key=lambda c: (-c[0], c[1])) if ov > 0])
        span_match = max_matching(adj, len(sys_items))
        span_tp += sum(1 for m in span_match if m is not None)
        vadj = [[j for j in adj[i] if sys_items[j]["value"] == g["value"]] for i, g in enumerate(gold)]
        vmatch = max_matching(vadj, len(sys_items))
        for i, g in enumerate(gold):
            prec = calendar_precision(g["value"])
            by_prec[prec][0] += 1
            if vmatch[i] is not None:
                value_tp += 1
                by_prec[prec][1] += 1
            elif not adj[i]:
                missed.append("missed   doc=%s gold=%s text=%r" % (d["id"], g["value"], g["text"]))
            else:
                sv = ",".join(sorted(set(sys_items[j]["value"] for j in adj[i])))
                wrong.append("value    doc=%s gold=%s system=%s text=%r system_text=%r (DCT %s)"
                             % (d["id"], g["value"], sv, g["text"], sys_items[adj[i][0]]["text"], d["dct"]))
        used = set(m for m in span_match if m is not None)
        for j, x in enumerate(sys_items):
            if j in used:
                continue
            if any(overlap(x["start"], x["end"], g["start"], g["end"]) for g in gold):
                spurious.append("split    doc=%s system=%s text=%r (a second system date on one gold timex)"
                                % (d["id"], x["value"], x["text"]))
            else:
                spurious.append("spurious doc=%s system=%s text=%r" % (d["id"], x["value"], x["text"]))

    sp, sr, sf = prf(span_tp, n_sys, n_gold)
    vp, vr, vf = prf(value_tp, n_sys, n_gold)
    fig = res["figures"]
    fig.update([("docs", len(docs)), ("gold", n_gold), ("system", n_sys),
                ("span_tp", span_tp), ("span_p", sp), ("span_r", sr), ("span_f1", sf),
                ("value_tp", value_tp), ("value_p", vp), ("value_r", vr), ("value_f1", vf),
                ("ignored_dontcare", n_ignored), ("unresolved_on_gold", n_unresolved),
                ("noncalendar_system", n_noncal), ("seconds", round(elapsed, 3))])
    for prec in ("day", "month", "year", "week"):
        g, tp = by_prec.get(prec, [0, 0])
        fig["value_r_" + prec] = ratio(tp, g)
    res["gates"].append(("timebank.value_f1", vf))
    res["lines"] += ["TimeBank dates (%d docs, extract %.2fs)" % (len(docs), elapsed),
                     "gold calendar DATE timexes: %d   system calendar date facts: %d" % (n_gold, n_sys)]
    res["lines"] += _table([
        ["span (overlap)", span_tp, _fmt_pct(sp), _fmt_pct(sr), _fmt_pct(sf)],
        ["value (overlap + equal)", value_tp, _fmt_pct(vp), _fmt_pct(vr), _fmt_pct(vf)],
    ], ["match", "TP", "P", "R", "F1"])
    res["lines"].append("value recall by gold precision: " + ", ".join(
        "%s %d/%d" % (p, by_prec[p][1], by_prec[p][0]) for p in ("day", "month", "year", "week") if p in by_prec))
    res["lines"].append("not scored: %d system dates only on out-of-scope timexes (quarters, seasons, "
                        "PRESENT_REF..., TIME); %d unresolved and %d non-calendar system dates"
                        % (n_ignored, n_unresolved, n_noncal))
    _contract_lines(res, checked, problems, args.show_errors)
    res["errors"] += wrong + missed + spurious
    return res


def suite_money(args, ctx):
    res = _result("money")
    if not _need(os.path.join(args.corpus, "acq-dev", "gold.jsonl"), "acq-dev/gold.jsonl", res):
        return res
    docs = ctx.acq()
    outputs, elapsed = ctx.acq_outputs(args)
    _record_error_lines(res, outputs)
    total = found = 0
    by_cur = collections.defaultdict(lambda: [0, 0])
    errs = []
    for d, out in zip(docs, outputs):
        money = []
        for f in out.get("facts") or []:
            if f.get("type") == "money":
                v = fact_value(f)
                money.append((v.get("amount"), v.get("currency"), f.get("text")))
        for line, parsed in dlramt_lines(d["gold"]):
            if not line_is_numeric(parsed):
                continue
            total += 1
            cur = next(p["currency"] for p in parsed if p) or "?"
            by_cur[cur][0] += 1
            ok = any(p and money_matches(p, a, c) for p in parsed for a, c, _ in money)
            if ok:
                found += 1
                by_cur[cur][1] += 1
            else:
                have = "; ".join("%r=%s %s" % (t, a, c) for a, c, t in money) or "no money facts"
                want = " / ".join("%s (%s %s)" % (alt, p["amount"], p["currency"]) if p else alt
                                  for alt, p in zip(line, parsed))
                errs.append("missed  doc=%s gold=%s  system: %s" % (d["id"], want, have))
    pct = ratio(found, total)
    res["figures"].update([("gold", total), ("found", found), ("found_rate", pct), ("seconds", round(elapsed, 3))])
    res["gates"].append(("money.found", pct))
    res["lines"] += ["acq-dev money: numeric DLRAMT fillers found among the doc's money facts",
                     "found %d / %d = %s" % (found, total, _fmt_pct(pct).strip()),
                     "by currency: " + ", ".join("%s %d/%d" % (c, v[1], v[0]) for c, v in sorted(by_cur.items()))]
    checked, problems = check_offsets(outputs, [d["text"] for d in docs], {"money"})
    _contract_lines(res, checked, problems, args.show_errors)
    res["errors"] += errs
    return res


# Extra record fields that fill a slot too: joint buyers are purchasers.
DEAL_EXTRA_FIELD = {"acquirer": "co_acquirers"}


def _system_strings(deals, field):
    vals = []
    for deal in deals:
        v = deal.get(field) if isinstance(deal, dict) else None
        items = v if isinstance(v, list) else [v]
        extra = deal.get(DEAL_EXTRA_FIELD.get(field, ""), []) if isinstance(deal, dict) else []
        items = items + (extra if isinstance(extra, list) else [])
        for it in items:
            if isinstance(it, dict):
                it = it.get("name")
            if isinstance(it, str) and norm_name(it):
                vals.append(it)
    seen, out = set(), []
    for v in vals:
        k = norm_name(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def _system_prices(deals):
    out, seen = [], set()
    for deal in deals:
        p = deal.get("price") if isinstance(deal, dict) else None
        if not isinstance(p, dict):
            continue
        a = p.get("amount")
        if not isinstance(a, (int, float)) or isinstance(a, bool):
            continue
        key = (round(float(a), 2), (p.get("currency") or "").upper())
        if key not in seen:
            seen.add(key)
            out.append((a, p.get("currency")))
    return out


def score_slot(gold_lines, system_values, match):
    """Slot scoring for one doc: gold_lines = list of alternative lists; system_values =
    deduplicated system values; match(sys_value, gold_alternative) -> bool.  Each gold line
    is used at most once (maximum matching).  Returns (tp, n_sys, n_gold, matched pairs)."""
    adj = [[i for i, line in enumerate(gold_lines) if any(match(v, alt) for alt in line)]
           for v in system_values]
    m = max_matching(adj, len(gold_lines))
    pairs = [(j, i) for j, i in enumerate(m) if i is not None]
    return len(pairs), len(system_values), len(gold_lines), pairs


def micro_average(counts):
    """counts: iterable of (tp, n_sys, n_gold) per slot -> (tp, sys, gold, P, R, F1) pooled."""
    counts = list(counts)
    tp, ns, ng = (sum(c[k] for c in counts) for k in range(3))
    return (tp, ns, ng) + prf(tp, ns, ng)


def string_match(sys_value, alt):
    return norm_name(sys_value) == norm_name(alt)


def price_match(sys_value, parsed_alt):
    return parsed_alt is not None and money_matches(parsed_alt, sys_value[0], sys_value[1])


def suite_deals(args, ctx):
    res = _result("deals")
    if not _need(os.path.join(args.corpus, "acq-dev", "gold.jsonl"), "acq-dev/gold.jsonl", res):
        return res
    docs = ctx.acq()
    outputs, elapsed = ctx.acq_outputs(args)
    _record_error_lines(res, outputs)
    tot = {s: [0, 0, 0] for s in DEAL_SLOTS}  # tp, sys, gold
    skipped_docs = 0
    errs = []
    for d, out in zip(docs, outputs):
        deals = out.get("deals") or []
        for slot in DEAL_SLOTS:
            if slot == "DLRAMT":
                lines = dlramt_lines(d["gold"])
                if any(not line_is_numeric(p) for _, p in lines):
                    skipped_docs += 1
                    continue
                gold_lines = [p for _, p in lines]
                shown = [alts for alts, _ in lines]
                sys_vals = _system_prices(deals)
                tp, ns, ng, pairs = score_slot(gold_lines, sys_vals, price_match)
                sys_shown = ["%s %s" % v for v in sys_vals]
            else:
                gold_lines = d["gold"].get(slot, [])
                shown = gold_lines
                sys_vals = _system_strings(deals, DEAL_FIELD[slot])
                tp, ns, ng, pairs = score_slot(gold_lines, sys_vals, string_match)
                sys_shown = sys_vals
            t = tot[slot]
            t[0] += tp
            t[1] += ns
            t[2] += ng
            used_sys = set(j for j, _ in pairs)
            used_gold = set(i for _, i in pairs)
            for i, line in enumerate(shown):
                if i not in used_gold:
                    errs.append("FN-%-9s doc=%s gold=%s  system=%s"
                                % (slot, d["id"], " / ".join(line), sys_shown or "-"))
            for j, v in enumerate(sys_shown):
                if j not in used_sys:
                    errs.append("FP-%-9s doc=%s system=%r  gold=%s"
                                % (slot, d["id"], v, [" / ".join(l) for l in shown] or "-"))
    rows = []
    fig = res["figures"]
    for slot in DEAL_SLOTS:
        tp, ns, ng = tot[slot]
        p, r, f = prf(tp, ns, ng)
        fig[slot] = collections.OrderedDict([("tp", tp), ("system", ns), ("gold", ng),
                                             ("p", p), ("r", r), ("f1", f)])
        res["gates"].append(("deals.%s_f1" % slot, f))
        rows.append([slot + " (" + DEAL_FIELD[slot] + ")", ng, ns, tp, _fmt_pct(p), _fmt_pct(r), _fmt_pct(f)])
    tp, ns, ng, p, r, f = micro_average(tot.values())
    fig["micro"] = collections.OrderedDict([("tp", tp), ("system", ns), ("gold", ng),
                                            ("p", p), ("r", r), ("f1", f)])
    fig["dlramt_docs_skipped"] = skipped_docs
    fig["seconds"] = round(elapsed, 3)
    res["gates"].insert(0, ("deals.micro_f1", f))
    rows.append(["micro-average", ng, ns, tp, _fmt_pct(p), _fmt_pct(r), _fmt_pct(f)])
    res["lines"] += ["acq-dev deals: slot fill, exact case-insensitive match (%d docs)" % len(docs)]
    res["lines"] += _table(rows, ["slot", "gold", "system", "TP", "P", "R", "F1"])
    res["lines"].append("DLRAMT not scored in %d docs whose key is non-numeric (undisclosed ...)" % skipped_docs)
    res["errors"] += errs
    return res


ENTITY_TYPES = {"organization", "organisation", "org", "person", "per"}


def entity_names(out):
    """All names, aliases and mention texts of organization/person entities in a record
    (fallback: organization/person facts, value.name and the fact text)."""
    names = set()
    ents = out.get("entities")
    if isinstance(ents, list):
        for e in ents:
            if not isinstance(e, dict) or str(e.get("type", "")).lower() not in ENTITY_TYPES:
                continue
            cands = [e.get("name")] + list(e.get("aliases") or [])
            cands += [m.get("text") for m in e.get("mentions") or [] if isinstance(m, dict)]
            names.update(norm_name(c) for c in cands if isinstance(c, str))
    else:
        for f in out.get("facts") or []:
            if str(f.get("type", "")).lower() in ENTITY_TYPES:
                for c in (fact_value(f).get("name"), f.get("text")):
                    if isinstance(c, str):
                        names.add(norm_name(c))
    names.discard("")
    return names


def suite_entities(args, ctx):
    res = _result("entities")
    if not _need(os.path.join(args.corpus, "acq-dev", "gold.jsonl"), "acq-dev/gold.jsonl", res):
        return res
    docs = ctx.acq()
    outputs, elapsed = ctx.acq_outputs(args)
    _record_error_lines(res, outputs)
    per = {s: [0, 0] for s in ROLE_SLOTS}
    fallback_docs = 0
    errs = []
    for d, out in zip(docs, outputs):
        if not isinstance(out.get("entities"), list):
            fallback_docs += 1
        names = entity_names(out)
        for slot in ROLE_SLOTS:
            for line in d["gold"].get(slot, []):
                per[slot][0] += 1
                if any(norm_name(a) in names for a in line):
                    per[slot][1] += 1
                else:
                    errs.append("missed-%-9s doc=%s gold=%s" % (slot, d["id"], " / ".join(line)))
    total = sum(v[0] for v in per.values())
    found = sum(v[1] for v in per.values())
    pct = ratio(found, total)
    fig = res["figures"]
    fig.update([("gold", total), ("found", found), ("found_rate", pct),
                ("docs_without_entities_list", fallback_docs), ("seconds", round(elapsed, 3))])
    for s in ROLE_SLOTS:
        fig[s] = ratio(per[s][1], per[s][0])
    res["gates"].append(("entities.found", pct))
    res["lines"] += ["acq-dev entities: PURCHASER/ACQUIRED/SELLER fillers found as an organization/person "
                     "name, alias or mention",
                     "found %d / %d = %s" % (found, total, _fmt_pct(pct).strip()),
                     "by slot: " + ", ".join("%s %d/%d" % (s, per[s][1], per[s][0]) for s in ROLE_SLOTS)]
    if fallback_docs:
        res["lines"].append("%d records had no 'entities' list: used organization/person facts" % fallback_docs)
    res["errors"] += errs
    return res


def suite_quotes(args, ctx):
    res = _result("quotes")
    if not _need(os.path.join(args.corpus, "quotes-dev"), "quotes-dev", res):
        return res
    docs = [d for d in ctx.quotes() if d["ann_files"]]
    records = []
    for d in docs:
        r = {"id": d["id"], "text": d["text"], "lang": "en"}
        if d["published"]:
            r["published"] = d["published"]
        records.append(r)
    outputs, elapsed = run_extract(args, records, "quotes")
    _record_error_lines(res, outputs)
    checked, problems = check_offsets(outputs, [d["text"] for d in docs], {"quote"})
    n_gold = n_found = n_spk = n_spk_right = n_spk_none = 0
    n_sys = n_sys_on_content = 0
    errs = []
    for d, out in zip(docs, outputs):
        sq = []
        for f in out.get("facts") or []:
            if f.get("type") == "quote" and isinstance(f.get("start"), int) and isinstance(f.get("end"), int):
                sq.append((f["start"], f["end"], fact_value(f).get("speaker"), f.get("text")))
        n_sys += len(sq)
        for g in d["quotes"]:
            n_gold += 1
            glen = g["end"] - g["start"]
            best = max(sq, key=lambda q: overlap(g["start"], g["end"], q[0], q[1]), default=None)
            ov = overlap(g["start"], g["end"], best[0], best[1]) if best else 0
            if not best or 2 * ov < glen:
                errs.append("missed   doc=%s gold=%.80r%s" % (d["id"], g["text"], "..." if len(g["text"]) > 80 else ""))
                continue
            n_found += 1
            if g["source_named"]:
                n_spk += 1
                spk = best[2] if isinstance(best[2], str) else None
                if spk is None:
                    n_spk_none += 1
                if spk and speaker_matches(spk, g["source"]):
                    n_spk_right += 1
                else:
                    errs.append("speaker  doc=%s gold_source=%r system_speaker=%r quote=%.60r"
                                % (d["id"], g["source"], spk, g["text"]))
        # information only: system quotes that touch no direct gold quote
        for q in sq:
            if any(overlap(q[0], q[1], g["start"], g["end"]) for g in d["quotes"]):
                n_sys_on_content += 1
            else:
                errs.append("extra    doc=%s system=%.80r speaker=%r" % (d["id"], q[3], q[2]))
    found_rate = ratio(n_found, n_gold)
    spk_rate = ratio(n_spk_right, n_spk)
    fig = res["figures"]
    fig.update([("docs", len(docs)), ("gold", n_gold), ("found", n_found), ("found_rate", found_rate),
                ("speaker_evaluated", n_spk), ("speaker_right", n_spk_right), ("speaker_rate", spk_rate),
                ("speaker_missing", n_spk_none), ("system_quotes", n_sys),
                ("system_quotes_on_gold", n_sys_on_content), ("seconds", round(elapsed, 3))])
    res["gates"] += [("quotes.found", found_rate), ("quotes.speaker", spk_rate)]
    res["lines"] += ["quotes-dev direct quotes (%d docs, extract %.2fs)" % (len(docs), elapsed),
                     "found (a system quote covers >= 50%% of the gold span): %d / %d = %s"
                     % (n_found, n_gold, _fmt_pct(found_rate).strip()),
                     "speaker right (found quotes with a named gold source): %d / %d = %s  (%d without speaker)"
                     % (n_spk_right, n_spk, _fmt_pct(spk_rate).strip(), n_spk_none),
                     "information: %d system quote facts, %d of them on a gold direct quote"
                     % (n_sys, n_sys_on_content)]
    _contract_lines(res, checked, problems, args.show_errors)
    res["errors"] += errs
    return res


def load_other_topics(corpus, every=6):
    """Every `every`-th article of reuters-all (by NEWID) whose topics are given and
    do not include acq: articles that report no acquisition, most of them."""
    base = os.path.join(corpus, "reuters-all")
    docs = []
    with open(os.path.join(base, "index.tsv"), encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    picked = [r for r in rows if len(r) >= 4 and r[3].strip() and "acq" not in re.split(r"[,;\s]+", r[3])]
    picked.sort(key=lambda r: int(r[0]))
    for r in picked[every - 1::every]:
        with open(os.path.join(base, r[0] + ".txt"), encoding="utf-8", errors="replace") as f:
            docs.append({"id": r[0], "text": f.read(), "topics": r[3]})
    return docs


def suite_other_topics(args, ctx):
    """Deals found where the topics say there is no acquisition: information, no gate.
    Some of these articles do report a deal in passing, so the figure is an upper
    bound on invented deals; --show-errors lists them for reading."""
    res = _result("other-topics")
    if not _need(os.path.join(args.corpus, "reuters-all", "index.tsv"), "reuters-all/index.tsv", res):
        return res
    docs = load_other_topics(args.corpus)
    records = [{"id": d["id"], "text": d["text"], "lang": "en"} for d in docs]
    outputs, elapsed = run_extract(args, records, "reuters-all other topics")
    _record_error_lines(res, outputs)
    with_deal = deals = both = 0
    for d, out in zip(docs, outputs):
        ds = out.get("deals") or []
        if not ds:
            continue
        with_deal += 1
        deals += len(ds)
        for x in ds:
            both += bool(x.get("acquirer") and x.get("target"))
            res["errors"].append("deal  doc=%s topics=%s acquirer=%r target=%r seller=%r status=%s" % (
                d["id"], d["topics"], x.get("acquirer"), x.get("target"), x.get("seller"), x.get("status")))
    rate = ratio(with_deal, len(docs))
    res["figures"].update([("articles", len(docs)), ("with_deal", with_deal), ("with_deal_rate", rate),
                           ("deals", deals), ("deals_both_parties", both), ("seconds", round(elapsed, 3))])
    res["lines"] += ["reuters-all articles of other topics than acq (every 6th with topics; information, no gate)",
                     "articles with a deal: %d / %d = %s; deals %d, with acquirer and target %d" % (
                         with_deal, len(docs), _fmt_pct(rate).strip(), deals, both)]
    return res


SUITE_FUNCS = {"timebank": suite_timebank, "money": suite_money, "deals": suite_deals,
               "entities": suite_entities, "quotes": suite_quotes, "other-topics": suite_other_topics}


class Context:
    """Caches gold and extract output shared by suites (acq-dev runs extract once)."""

    def __init__(self, args):
        self.args = args
        self._cache = {}

    def _get(self, key, fn):
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def timebank(self):
        return self._get("timebank", lambda: load_timebank(self.args.corpus))

    def acq(self):
        return self._get("acq", lambda: load_acq(self.args.corpus))

    def quotes(self):
        return self._get("quotes", lambda: load_quotes(self.args.corpus))

    def acq_outputs(self, args):
        def run():
            records = [{"id": d["id"], "text": d["text"], "lang": "en"} for d in self.acq()]
            return run_extract(args, records, "acq-dev")
        return self._get("acq_out", run)


# ---------------------------------------------------------------------------
# --stats: gold counts and sanity checks, no extract needed


def stats_timebank(args, ctx):
    lines = []
    docs = ctx.timebank()
    by_type = collections.Counter()
    cats = collections.Counter()
    for d in docs:
        for t in d["timexes"]:
            by_type[t["type"]] += 1
            if t["type"] == "DATE":
                cats[timex_category(t["value"])] += 1
    n_cal = sum(v for k, v in cats.items() if k.startswith("calendar:"))
    lines.append("timebank: %d documents, %d with a CREATION_TIME DCT" % (len(docs), sum(1 for d in docs if d["dct"])))
    lines.append("  TIMEX3 in <TEXT>: %d (%s)" % (sum(by_type.values()), ", ".join("%s %d" % kv for kv in by_type.most_common())))
    lines.append("  DATE timexes: %d; calendar-valued (gold): %d" % (by_type["DATE"], n_cal))
    for k, v in sorted(cats.items(), key=lambda kv: (not kv[0].startswith("calendar"), -kv[1])):
        lines.append("    %-45s %5d" % (k, v))
    lines.append("  sanity: XML and regex readings of <TEXT> agree and all byte spans decode to the timex text: ok")
    return lines, {"docs": len(docs), "timex": sum(by_type.values()), "date": by_type["DATE"], "calendar": n_cal,
                   "categories": dict(cats)}


def stats_acq(args, ctx):
    lines = []
    docs = ctx.acq()
    slots = collections.Counter()
    alts = collections.Counter()
    numeric = 0
    nonnum = collections.Counter()
    currencies = collections.Counter()
    not_in_text = []
    for d in docs:
        ntext = collapse_ws(d["text"]).casefold()
        for slot, lines_ in d["gold"].items():
            slots[slot] += len(lines_)
            for line in lines_:
                alts[len(line)] += 1
                if not any(collapse_ws(a).casefold() in ntext for a in line):
                    not_in_text.append((d["id"], slot, line))
        for line, parsed in dlramt_lines(d["gold"]):
            if line_is_numeric(parsed):
                numeric += 1
                currencies[next(p["currency"] for p in parsed if p) or "none"] += 1
            else:
                nonnum[" / ".join(line)] += 1
    dlr_docs_skipped = sum(1 for d in docs if any(not line_is_numeric(p) for _, p in dlramt_lines(d["gold"])))
    lines.append("acq-dev: %d documents" % len(docs))
    lines.append("  filler lines per slot: " + ", ".join("%s %d" % (s, slots[s]) for s in sorted(slots)))
    lines.append("  alternatives per line: " + ", ".join("%d alt: %d" % kv for kv in sorted(alts.items())))
    lines.append("  DLRAMT: %d numeric (%s), %d non-numeric in %d docs (%s)"
                 % (numeric, ", ".join("%s %d" % kv for kv in currencies.most_common()),
                    sum(nonnum.values()), dlr_docs_skipped,
                    ", ".join("%r %d" % kv for kv in nonnum.most_common())))
    # cross-check gold.jsonl against the answer keys
    keydir = os.path.join(args.corpus, "acq-dev", "anskeys")
    mism = []
    if os.path.isdir(keydir):
        for d in docs:
            kp = os.path.join(keydir, d["id"] + ".key")
            if not os.path.exists(kp):
                mism.append((d["id"], "no key file"))
                continue
            key = parse_anskey(kp)
            for slot in set(key) | set(d["gold"]):
                if key.get(slot, []) != d["gold"].get(slot, []):
                    mism.append((d["id"], slot))
        lines.append("  sanity: gold.jsonl vs anskeys/*.key: %d mismatching slots" % len(mism))
    lines.append("  sanity: filler lines with no alternative in the text (whitespace-collapsed, case-folded): %d%s"
                 % (len(not_in_text), (" e.g. " + repr(not_in_text[:3])) if not_in_text else ""))
    role = sum(slots[s] for s in ROLE_SLOTS)
    lines.append("  entities gold (PURCHASER+ACQUIRED+SELLER lines): %d" % role)
    return lines, {"docs": len(docs), "slots": dict(slots), "dlramt_numeric": numeric,
                   "dlramt_non_numeric": sum(nonnum.values()), "dlramt_docs_skipped": dlr_docs_skipped,
                   "currencies": dict(currencies), "key_mismatches": len(mism),
                   "not_in_text": len(not_in_text), "entity_gold": role}


def stats_quotes(args, ctx):
    lines = []
    docs = ctx.quotes()
    c = collections.Counter()
    for d in docs:
        c.update(d["counts"])
    quotes = [q for d in docs for q in d["quotes"]]
    openers = collections.Counter(q["opener"] for q in quotes)
    with_src = sum(1 for q in quotes if q["source"])
    named = sum(1 for q in quotes if q["source_named"])
    multi = [d for d in docs if len(d["ann_files"]) > 1]
    lines.append("quotes-dev: %d texts, %d annotation files, %d texts without annotation"
                 % (len(docs), sum(len(d["ann_files"]) for d in docs), sum(1 for d in docs if not d["ann_files"])))
    for d in multi:
        lines.append("  %s: %d annotators, gold = %s" % (d["id"], len(d["ann_files"]), os.path.basename(d["ann_files"][0])))
    lines.append("  gold annotation files: T " + ", ".join(
        "%s %d" % (k[2:], v) for k, v in sorted(c.items()) if k.startswith("T:")))
    lines.append("  events: " + ", ".join("%s %d" % (k[2:], v) for k, v in sorted(c.items()) if k.startswith("E:")))
    lines.append("  Content spans %d (%d discontinuous, %d in no event)"
                 % (c["content"], c["content_discontinuous"], c["content_without_event"]))
    lines.append("  direct gold quotes (pieces opening with a quotation mark): %d; openers: %s"
                 % (len(quotes), ", ".join("%r %d" % kv for kv in openers.most_common())))
    lines.append("  of these, ended at their last closing mark (paraphrase followed): %d" % c["direct_trimmed"])
    lines.append("  with a Source span: %d; named source (speaker scored): %d" % (with_src, named))
    lines.append("  sanity: every T line's text equals the text at its offsets (all files, incl. extra annotators): ok")
    return lines, {"texts": len(docs), "content": c["content"], "direct_quotes": len(quotes),
                   "with_source": with_src, "named_source": named, "openers": dict(openers)}


def do_stats(args, suites):
    ctx = Context(args)
    out = collections.OrderedDict()
    text = []
    done = set()
    for s in suites:
        if s == "timebank":
            key, fn, path = "timebank", stats_timebank, os.path.join(args.corpus, "timebank", "TimeBank")
        elif s in ("money", "deals", "entities"):
            key, fn, path = "acq-dev", stats_acq, os.path.join(args.corpus, "acq-dev", "gold.jsonl")
        elif s == "quotes":
            key, fn, path = "quotes-dev", stats_quotes, os.path.join(args.corpus, "quotes-dev")
        else:
            continue  # other-topics has no gold to count
        if key in done:
            continue
        done.add(key)
        if not os.path.exists(path):
            text.append("%s: skipped, not found at %s" % (key, path))
            continue
        lines, figs = fn(args, ctx)
        text += lines
        out[key] = figs
    if args.json:
        print(json.dumps(out, indent=None, sort_keys=False))
    else:
        print("\n".join(text))
    return 0


# ---------------------------------------------------------------------------
# Main


def select_errors(errors, n):
    """Up to n error lines of each kind (kind = first word), grouped by kind."""
    groups = collections.OrderedDict()
    for e in errors:
        groups.setdefault(e.split(None, 1)[0], []).append(e)
    return [e for g in groups.values() for e in g[:n]]


def gate_enforced(name, patterns):
    return any(fnmatch.fnmatchcase(name, p.strip()) for p in patterns if p.strip())


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--extract", help="path to the extract binary (default: $EXTRACT_BIN or ./build/extract)")
    common.add_argument("--corpus", default=None, help="corpus folder (default: ../shared/corpus beside the repo)")
    common.add_argument("--rules", help="rules folder passed to extract as --rules DIR")
    common.add_argument("--extract-arg", action="append", metavar="ARG",
                        help="extra argument for extract (repeatable)")
    common.add_argument("--gate", action="store_true", help="exit 1 when an enforced gate is not met")
    common.add_argument("--gates", default="*",
                        help="comma-separated glob patterns of gates to enforce with --gate "
                             "(default '*'; e.g. 'deals.micro_f1' or 'timebank.*,money.*')")
    common.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="print up to N mismatches of each suite")
    common.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    common.add_argument("--stats", action="store_true", help="print gold counts and sanity checks; does not run extract")
    common.add_argument("--timeout", type=float, default=1800, help="seconds allowed per extract run")
    common.add_argument("--verbose", action="store_true", help="show extract's stderr")
    p = argparse.ArgumentParser(description="Evaluate extract against the shared gold corpora.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    helps = {
        "timebank": "TimeBank 1.2 calendar dates: span and value P/R/F1 (gate: value F1 >= 0.85)",
        "money": "acq-dev numeric DLRAMT found among money facts (gate: >= 97%%)",
        "deals": "acq-dev deal slots PURCHASER/ACQUIRED/SELLER/DLRAMT P/R/F1 (gates: micro F1 >= 0.75, each slot >= 0.6)",
        "entities": "acq-dev role fillers found among organization/person entities (gate: >= 90%%)",
        "quotes": "quotes-dev direct quotes found and speakers right (gates: 90%%, 80%%)",
        "other-topics": "deals found in reuters-all articles whose topics exclude acq (information, no gate)",
        "all": "run every suite and print a summary",
    }
    for name in SUITES + ("all",):
        sub.add_parser(name, parents=[common], help=helps[name], description=helps[name])
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.corpus = os.path.abspath(args.corpus or DEFAULT_CORPUS)
    suites = list(SUITES) if args.command == "all" else [args.command]
    if not os.path.isdir(args.corpus):
        msg = "skipped: corpus not found at %s" % args.corpus
        print(json.dumps({"skipped": msg}) if args.json else msg)
        return 0
    try:
        if args.stats:
            return do_stats(args, suites)
        ctx = Context(args)
        results = [SUITE_FUNCS[s](args, ctx) for s in suites]
    except GoldError as e:
        sys.stderr.write("gold sanity check failed: %s\n" % e)
        return 3
    except ExtractError as e:
        sys.stderr.write("error: %s\n" % e)
        return 2

    patterns = args.gates.split(",")
    failed = []
    summary = []
    for r in results:
        for name, value in r["gates"]:
            need = GATES[name]
            enforced = args.gate and gate_enforced(name, patterns)
            ok = value >= need
            if not ok and enforced:
                failed.append(name)
            summary.append((name, value, need, "pass" if ok else ("FAIL" if enforced else "below (not enforced)")))

    if args.json:
        obj = collections.OrderedDict()
        for r in results:
            obj[r["suite"]] = {"skipped": r["skipped"]} if r["skipped"] else r["figures"]
        obj["gates"] = [{"gate": n, "value": v, "min": m, "status": s} for n, v, m, s in summary]
        obj["failed"] = failed
        print(json.dumps(obj))
        if args.show_errors:
            for r in results:
                for line in select_errors(r["errors"], args.show_errors):
                    sys.stderr.write("[%s] %s\n" % (r["suite"], line))
    else:
        for r in results:
            if r["skipped"]:
                print("%s: skipped: %s" % (r["suite"], r["skipped"]))
                print()
                continue
            print("\n".join(r["lines"]))
            if args.show_errors and r["errors"]:
                kinds = collections.Counter(e.split(None, 1)[0] for e in r["errors"])
                print("mismatches (up to %d of each kind): %s" % (
                    args.show_errors, ", ".join("%s %d" % kv for kv in kinds.items())))
                for line in select_errors(r["errors"], args.show_errors):
                    print("  " + line)
            print()
        if summary:
            print("gates" + (" (enforced: %s)" % args.gates if args.gate else " (not enforced; use --gate)"))
            print("\n".join("  " + l for l in _table(
                [[n, "%.4f" % v, ">= %.2f" % m, s] for n, v, m, s in summary],
                ["gate", "value", "needed", "status"])))
    if args.gate and failed:
        if not args.json:
            print("FAILED gates: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
