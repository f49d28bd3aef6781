#!/usr/bin/env python3
"""Write a synthetic JSON Lines corpus of acquisition news for trying the recipe.

Every document is assembled from the project's own sentence templates (English
and Indonesian) with invented company names, amounts and dates, so the output
is deterministic for a given --seed and contains no third-party text.

Usage: make_corpus.py --docs 3000 [--seed 7] [--sentences 3-12] > docs.jsonl
"""

import argparse
import json
import random

BUYERS = ["Norvale Systems", "Kestrel Data", "Pinemark Labs", "Orchid Robotics",
          "Tanjung Digital", "Bluegate Networks", "Sagara Teknologi", "Halvard Cloud",
          "Meridian Chips", "Lumen Arc"]
TARGETS = ["Quillset", "Brightwell AI", "Corvid Security", "Nusa Pay", "Tidewater Maps",
           "Ember Voice", "Kintsugi Analytics", "Rimba Logistik", "Petrel Vision", "Saltline"]
PEOPLE = ["Dana Whitlock", "Arif Santoso", "Mira Kowalczyk", "Budi Hartanto", "Lena Ostrova",
          "Citra Maharani", "Tom Okafor", "Wulan Pertiwi"]
ROLES_EN = ["chief executive", "chief financial officer", "founder", "president"]
ROLES_ID = ["direktur utama", "pendiri", "kepala keuangan"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]

EN = [
    "{buyer} said on {month} {day}, {year} it agreed to acquire {target} for ${amount} million in cash.",
    "The purchase of {target} values the startup at about ${amount} million, {person}, {role} of {buyer}, told reporters.",
    "\"We are delighted to welcome the {target} team,\" said {person}, {role} of {buyer}.",
    "{buyer} will pay {pct}% of the price in shares, with the rest due by {month} {year}.",
    "{target}, founded in {founded}, employs {staff} people and had revenue of ${revenue} million last year.",
    "Shares of {buyer} rose {pct2}% after the announcement.",
    "The deal is expected to close within {weeks} weeks, subject to regulatory approval.",
    "Analysts said the takeover gives {buyer} a foothold in a market growing {pct2} percent a year.",
]
ID = [
    "{buyer} mengumumkan akuisisi {target} senilai Rp {amount_id} miliar pada {day} {month_id} {year}.",
    "Menurut {person}, {role_id} {buyer}, transaksi itu dibayar tunai.",
    "\"Kami senang bergabung dengan {buyer},\" kata {person}, {role_id} {target}.",
    "{target} didirikan pada {founded} dan kini memiliki {staff} karyawan.",
    "Saham {buyer} naik {pct2} persen setelah pengumuman tersebut.",
    "Proses akuisisi diperkirakan selesai dalam {weeks} minggu.",
]


def document(rng, i, min_sentences=3, max_sentences=12):
    lang = "id" if rng.random() < 0.3 else "en"
    templates = ID if lang == "id" else EN
    slots = {
        "buyer": rng.choice(BUYERS), "target": rng.choice(TARGETS),
        "person": rng.choice(PEOPLE), "role": rng.choice(ROLES_EN), "role_id": rng.choice(ROLES_ID),
        "month": rng.choice(MONTHS_EN), "month_id": rng.choice(MONTHS_ID),
        "day": rng.randint(1, 28), "year": rng.randint(2015, 2025), "founded": rng.randint(1990, 2020),
        "amount": rng.choice(["12", "45.5", "120", "310", "1,250"]),
        "amount_id": rng.choice(["150", "2.400", "75,5", "900"]),
        "pct": rng.randint(10, 60), "pct2": rng.randint(1, 30), "staff": rng.randint(12, 4000),
        "revenue": rng.randint(2, 900), "weeks": rng.randint(2, 20),
    }
    n = rng.randint(min_sentences, max_sentences)
    sentences = [rng.choice(templates).format(**slots) for _ in range(n)]
    paragraphs, cur = [], []
    for s in sentences:
        cur.append(s)
        if rng.random() < 0.35:
            paragraphs.append(" ".join(cur))
            cur = []
    if cur:
        paragraphs.append(" ".join(cur))
    rec = {"id": f"doc-{i:06d}", "text": "\n\n".join(paragraphs)}
    if rng.random() < 0.5:
        rec["published"] = f"{slots['year']}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.5:
        rec["lang"] = lang
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sentences", default="3-12", help="sentences per document, MIN-MAX")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    lo, _, hi = args.sentences.partition("-")
    lo, hi = int(lo), int(hi or lo)
    for i in range(args.docs):
        print(json.dumps(document(rng, i, lo, hi), ensure_ascii=False))


if __name__ == "__main__":
    main()
