#!/usr/bin/env python3
"""Validate tests/relevance/needs.json against a paragraph dump.

Usage:
    ./ajsearch dump --json > dump.jsonl
    python3 tests/relevance/check_data.py --dump dump.jsonl [--needs FILE] [--corpus DIR]

Checks that the file is well formed, that ids are unique, that every
judgment names a paragraph present in the dump (by document path and
source byte start) and that the paragraph text begins with, or at least
contains, the judgment's quote once whitespace is normalised.  With
--corpus the quote is also looked for in the source bytes from the given
offset (inline markup tags removed).  Prints counts.  Exits 1 if anything is wrong, 2 on usage or
unreadable input.
"""

import argparse
import json
import os
import re
import statistics
import sys
import unicodedata
from collections import Counter

DIFFICULTIES = ("plain", "spelling", "acronym", "compound", "typo",
                "diacritics", "proximity", "country")
GRADES = (1, 2, 3)
MIN_NEEDS = 40
NEED_KEYS = {"id", "query", "need", "difficulty", "held_out", "judgments"}
JUDGMENT_KEYS = {"doc", "start", "grade", "quote"}
TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
ID_RE = re.compile(r"^n[0-9]{2,}$")
# Characters or words that would make a query use operators rather than
# plain keywords.
OPERATOR_RE = re.compile(r'["()*:]|(^|\s)[-+]\S|\b(AND|OR|NOT|NEAR)\b')


def norm(text):
    """NFC, then every run of whitespace becomes one space; trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def load_dump(path):
    paras = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                p = json.loads(line)
                key = (p["doc"], int(p["start"]))
                paras[key] = p
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit(f"{path}:{lineno}: not a dump record: {e}")
    if not paras:
        raise SystemExit(f"{path}: no paragraphs")
    return paras


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", required=True,
                    help="JSON lines from `ajsearch dump --json`")
    ap.add_argument("--needs", default=os.path.join(here, "needs.json"))
    ap.add_argument("--corpus", help="corpus directory: also check the "
                    "quote against the source bytes at each start offset")
    args = ap.parse_args(argv)

    try:
        paras = load_dump(args.dump)
        with open(args.needs, encoding="utf-8") as f:
            needs = json.load(f)
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"error: {args.needs}: invalid JSON: {e}", file=sys.stderr)
        return 2

    problems = []

    def bad(where, msg):
        problems.append(f"{where}: {msg}")

    if not isinstance(needs, list):
        bad(args.needs, "top level is not a list")
        needs = []

    ids = Counter()
    by_difficulty = Counter()
    held_by_difficulty = Counter()
    grades = Counter()
    judged = set()
    per_need = []
    contains_only = 0
    source_cache = {}

    for i, n in enumerate(needs):
        where = f"need #{i + 1}"
        if not isinstance(n, dict):
            bad(where, "not an object")
            continue
        nid = n.get("id")
        if isinstance(nid, str):
            where = nid
            ids[nid] += 1
            if not ID_RE.match(nid):
                bad(where, "id should look like n01")
        else:
            bad(where, "missing or non-string id")
        keys = set(n)
        if keys != NEED_KEYS:
            missing, extra = NEED_KEYS - keys, keys - NEED_KEYS
            if missing:
                bad(where, f"missing fields: {sorted(missing)}")
            if extra:
                bad(where, f"unknown fields: {sorted(extra)}")

        q = n.get("query")
        if not isinstance(q, str) or not q.strip():
            bad(where, "query must be a non-empty string")
        else:
            words = q.split()
            if not 1 <= len(words) <= 5:
                bad(where, f"query has {len(words)} words (want 1-5)")
            if OPERATOR_RE.search(q):
                bad(where, f"query looks like it uses operators: {q!r}")
        if not isinstance(n.get("need"), str) or not n["need"].strip():
            bad(where, "need must be a non-empty sentence")
        d = n.get("difficulty")
        if d not in DIFFICULTIES:
            bad(where, f"difficulty {d!r} not one of {DIFFICULTIES}")
        else:
            by_difficulty[d] += 1
        h = n.get("held_out")
        if not isinstance(h, bool):
            bad(where, "held_out must be true or false")
        elif h and d in DIFFICULTIES:
            held_by_difficulty[d] += 1

        js = n.get("judgments")
        if not isinstance(js, list) or not js:
            bad(where, "judgments must be a non-empty list")
            continue
        per_need.append(len(js))
        seen = set()
        for k, j in enumerate(js):
            jw = f"{where} judgment #{k + 1}"
            if not isinstance(j, dict) or set(j) != JUDGMENT_KEYS:
                bad(jw, f"must have exactly the fields {sorted(JUDGMENT_KEYS)}")
                continue
            doc, start, grade, quote = j["doc"], j["start"], j["grade"], j["quote"]
            if not isinstance(doc, str) or not doc:
                bad(jw, "doc must be a non-empty string")
                continue
            if isinstance(start, bool) or not isinstance(start, int) or start < 0:
                bad(jw, "start must be a non-negative integer")
                continue
            if isinstance(grade, bool) or grade not in GRADES:
                bad(jw, f"grade {grade!r} not one of {GRADES}")
            else:
                grades[grade] += 1
            if not isinstance(quote, str) or not norm(quote):
                bad(jw, "quote must be a non-empty string")
                continue
            key = (doc, start)
            if key in seen:
                bad(jw, f"paragraph {doc}@{start} judged twice in this need")
            seen.add(key)
            judged.add(key)
            p = paras.get(key)
            if p is None:
                bad(jw, f"no paragraph starts at byte {start} of {doc}")
                continue
            if str(p.get("kind", "body")).startswith("chrome"):
                # page chrome is not searched (README "Corpus and
                # paragraphs"): no engine can be asked to find it
                bad(jw, f"paragraph {doc}@{start} is page chrome ({p['kind']})")
                continue
            text, nq = norm(p.get("text", "")), norm(quote)
            if not text.startswith(nq):
                if nq in text:
                    contains_only += 1
                else:
                    bad(jw, f"quote {quote!r} not in paragraph text "
                            f"{text[:70]!r}")
            if args.corpus:
                path = os.path.join(args.corpus, doc)
                if path not in source_cache:
                    try:
                        with open(path, "rb") as f:
                            source_cache[path] = f.read()
                    except OSError as e:
                        source_cache[path] = None
                        bad(jw, f"cannot read source: {e}")
                src = source_cache[path]
                if src is not None:
                    end = p.get("end", start + 4 * len(quote) + 64)
                    chunk = src[start:end].decode("utf-8", "replace")
                    # The sources keep a little inline markup (<sup>) that
                    # the dump drops; compare without it.
                    chunk = norm(TAG_RE.sub("", chunk))
                    if nq not in chunk:
                        bad(jw, f"quote not found in source bytes "
                                f"{start}..{end} of {doc}")

    for nid, c in sorted(ids.items()):
        if c > 1:
            bad(nid, f"id used {c} times")

    total = len(needs)
    difficult = total - by_difficulty["plain"]
    if total < MIN_NEEDS:
        bad(args.needs, f"only {total} needs (want at least {MIN_NEEDS})")
    if 2 * difficult < total:
        bad(args.needs, f"only {difficult} of {total} needs exercise a "
                        "difficulty (want at least half)")

    held = sum(held_by_difficulty.values())
    print(f"needs: {total} ({difficult} exercising a difficulty, "
          f"{held} held out)")
    for d in DIFFICULTIES:
        print(f"  {d:<11} {by_difficulty[d]:3d}  (held out {held_by_difficulty[d]})")
    njudg = sum(grades.values())
    print(f"judgments: {njudg} on {len(judged)} distinct paragraphs "
          f"(dump has {len(paras)})")
    for g in sorted(GRADES, reverse=True):
        print(f"  grade {g}: {grades[g]}")
    if per_need:
        print(f"judgments per need: min {min(per_need)}, median "
              f"{statistics.median(per_need):g}, max {max(per_need)}")
    if contains_only:
        print(f"quotes found inside (not at the start of) their paragraph: "
              f"{contains_only}")

    if problems:
        for msg in problems:
            print(f"problem: {msg}", file=sys.stderr)
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
