#!/usr/bin/env python3
"""Validate the dev set in this folder against FORMAT.md (structure, ids, check keys).

Run: python3 bench/conversations/dev/validate.py
"""

import collections
import os
import re
import sys

import yaml

# A set folder may be given (the holdout set is checked by this same file); default: this folder.
HERE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
errors = []


def err(msg):
    errors.append(msg)


def read_ids(name, col=0):
    ids = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                ids.append(line.split("|")[col].strip())
    return ids


SERVICES = set(read_ids("services.txt"))
EVENTS = set(read_ids("life_events.txt"))
CAT_LABELS = set(read_ids("complaint_categories.txt", 1))
SLOTS = {
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_photo",
    "contact_consent",
    "complaint_confirm",
}
KNOWN_BUTTONS = {"เอกสาร"} | CAT_LABELS  # only labels we can be sure exist
CHECK_KEYS = {
    "service",
    "aspect",
    "life_event",
    "clarify",
    "out_of_scope",
    "refer_any",
    "contains_any",
    "not_contains",
    "yes_no",
    "lang",
    "small_talk",
    "form_continues",
    "asks",
    "filed",
    "apology",
    "no_new_complaint_menu",
}
CHANNELS = {"line", "web", "sms"}
THAI = re.compile(r"[\u0E00-\u0E7F]")


# ---------- questions.tsv ----------
def check_questions():
    counts = collections.Counter()
    per_target = collections.Counter()
    seen = set()
    path = os.path.join(HERE, "questions.tsv")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or not lines[0].startswith("#"):
        err("questions.tsv: first line must be a # comment")
    n = 0
    for i, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            err(f"questions.tsv:{i}: expected exactly one TAB: {line!r}")
            continue
        expect, q = parts
        if not q.strip():
            err(f"questions.tsv:{i}: empty question")
        if q in seen:
            err(f"questions.tsv:{i}: duplicate question {q!r}")
        seen.add(q)
        kind, _, val = expect.partition(":")
        if kind == "service":
            if val not in SERVICES:
                err(f"questions.tsv:{i}: unknown service {val!r}")
        elif kind == "life_event":
            if val not in EVENTS:
                err(f"questions.tsv:{i}: unknown life event {val!r}")
        elif kind == "out_of_scope":
            if val and any(not h.strip() for h in val.split("|")):
                err(f"questions.tsv:{i}: empty hint in {val!r}")
        else:
            err(f"questions.tsv:{i}: unknown kind {kind!r}")
            continue
        counts[kind] += 1
        per_target[expect if kind != "out_of_scope" else kind] += 1
        n += 1
    for s in SERVICES:
        if per_target[f"service:{s}"] < 4:
            err(f"questions.tsv: service {s} has only {per_target['service:' + s]} questions")
    for e in EVENTS:
        if per_target[f"life_event:{e}"] < 4:
            err(f"questions.tsv: life event {e} has only {per_target['life_event:' + e]} questions")
    if n < 240:
        err(f"questions.tsv: only {n} questions")
    return n, counts


# ---------- yml ----------
def check_expect(where, exp, complaint_file):
    if not isinstance(exp, dict) or not exp:
        err(f"{where}: expect must be a non-empty mapping")
        return
    for k, v in exp.items():
        if k not in CHECK_KEYS:
            err(f"{where}: unknown check {k!r}")
            continue
        if k == "service" and v not in SERVICES:
            err(f"{where}: unknown service {v!r}")
        elif k == "life_event" and v not in EVENTS:
            err(f"{where}: unknown life event {v!r}")
        elif k == "clarify":
            if not isinstance(v, list) or not v or any(x not in SERVICES for x in v):
                err(f"{where}: clarify must be a list of service ids: {v!r}")
        elif k in ("refer_any", "contains_any", "not_contains"):
            if not isinstance(v, list) or not v or any(not isinstance(x, str) or not x for x in v):
                err(f"{where}: {k} must be a non-empty list of strings: {v!r}")
        elif k == "yes_no":
            if v is False:
                v = "no"
            if v not in ("yes", "no", "any"):
                err(f"{where}: yes_no must be yes|no|any: {v!r}")
        elif k == "lang" and v != "en":
            err(f"{where}: lang must be en")
        elif k in ("out_of_scope", "small_talk", "filed", "apology", "no_new_complaint_menu"):
            if v is not True:
                err(f"{where}: {k} should be true")
        elif k == "form_continues" and not isinstance(v, bool):
            err(f"{where}: form_continues must be true/false")
        elif k == "asks" and v not in SLOTS:
            err(f"{where}: asks must be one of {sorted(SLOTS)}: {v!r}")
        elif k == "aspect" and not (isinstance(v, str) and re.fullmatch(r"[a-z_]+", v)):
            err(f"{where}: aspect must be an identifier: {v!r}")
    if "service" in exp and ("out_of_scope" in exp or "small_talk" in exp):
        err(f"{where}: service together with out_of_scope/small_talk contradicts")
    if "refer_any" in exp and "out_of_scope" not in exp:
        err(f"{where}: refer_any without out_of_scope")


def check_yaml(name, complaint_file, max_turns):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, list):
        err(f"{name}: top level must be a list")
        return 0, collections.Counter()
    chans = collections.Counter()
    for j, conv in enumerate(data):
        cid = conv.get("id", f"#{j}")
        where = f"{name}:{cid}"
        if set(conv) - {"id", "channel", "note", "turns"}:
            err(f"{where}: unknown keys {set(conv) - {'id', 'channel', 'note', 'turns'}}")
        if conv.get("channel") not in CHANNELS:
            err(f"{where}: bad channel {conv.get('channel')!r}")
        chans[conv.get("channel")] += 1
        turns = conv.get("turns") or []
        if not (2 <= len(turns) <= max_turns) and not (complaint_file and len(turns) >= 1):
            err(f"{where}: {len(turns)} turns")
        for t, turn in enumerate(turns, 1):
            w = f"{where} turn {t}"
            if set(turn) - {"say", "expect"}:
                err(f"{w}: unknown keys {set(turn) - {'say', 'expect'}}")
            say = turn.get("say")
            if not isinstance(say, str) or not say.strip():
                err(f"{w}: say must be a non-empty string")
                continue
            if say.startswith("[button]"):
                label = say[len("[button]") :].strip()
                if label not in KNOWN_BUTTONS:
                    err(f"{w}: button label not known to exist: {label!r}")
                if t == 1:
                    err(f"{w}: button pressed before any reply")
                if conv.get("channel") == "sms":
                    err(f"{w}: button on sms")
            if say.startswith(("[location]", "[photo]")) and conv.get("channel") != "line":
                err(f"{w}: {say.split()[0]} is what the LINE gateway sends; channel is {conv.get('channel')}")
            check_expect(w, turn.get("expect"), complaint_file)
    ids = [c.get("id") for c in data]
    for k, v in collections.Counter(ids).items():
        if v > 1:
            err(f"{name}: duplicate id {k}")
    return len(data), chans


def main():
    nq, qc = check_questions()
    nc, cc = check_yaml("conversations.yml", False, 5)
    nk, kc = check_yaml("complaints.yml", True, 8)
    # ids unique across the two yml files
    allids = []
    for n in ("conversations.yml", "complaints.yml"):
        with open(os.path.join(HERE, n), encoding="utf-8") as f:
            allids += [c["id"] for c in yaml.safe_load(f)]
    if len(allids) != len(set(allids)):
        err("ids collide between conversations.yml and complaints.yml")
    if nc < 50:
        err(f"conversations.yml: only {nc} conversations")
    if nk < 25:
        err(f"complaints.yml: only {nk} conversations")
    print(f"questions.tsv: {nq} ({dict(qc)})")
    print(f"conversations.yml: {nc} ({dict(cc)})")
    print(f"complaints.yml: {nk} ({dict(kc)})")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
