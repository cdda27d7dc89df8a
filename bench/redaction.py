"""Benchmark of the redaction of personal data (``sigap.privacy.redaction``) on the labelled set.

    python bench/redaction.py [--failures [COLUMN]] [--set PATH] [--seconds 2]

Two labelled sets (see the README beside them): texts as reporters type them, each with the personal values
that must go (kind and exact substring) and the text that must stay.

- the team's set, ``sigap/privacy/data/redaction_set.jsonl``, written together with the rules;
- the registers set, ``redaction_registers_dev.jsonl`` and ``redaction_registers_test.jsonl``, written before
  its author read the rules (formal letters, chat slang, call transcripts with numbers in words, tweets), split
  once 50/50 by a seeded random draw. Rules are changed looking at the dev half only; the test half is the
  estimate.

Per kind it prints the count of labelled values, the recall, how many spans the redactor found and how
many of those were spurious (touching no labelled value: over-redaction). A personal value counts as
removed when the exact value no longer appears in the output outside must-keep text and no identifying
remnant does: for phones and NIK, no run of 6+ of its digits appears in any number of the output; for
emails, the local part (4+ characters) is gone; for plates, the number with its letters; for names, every
word of 3+ letters of the name (as a word, case-insensitive); for handles, the handle without "@"; for
house numbers, the number after "No"/"Nomor" (``sigap.privacy.redaction.pii_removed``). "keep" is the
fraction of must-keep strings still present verbatim. "overall" pools every personal value. Throughput is
texts per CPU-second through ``redact`` (reporter names included), one core.

A second table scores the same texts as if Sigap knew no name of the reporter (an SMS, an Anonim walk-in, an
email without a display name): names then go only where a cue finds them ("nama saya", "Pak", a relation, a
sign-off). No target applies to it; it shows how much of the names the cues alone remove, and at what cost to
the must-keep text.

The team's set is split deterministically into a "dev" half and a "held-out" half by a hash of the text
(SHA-256, first byte even = dev). Columns: ``team/dev``, ``team/held-out``, ``registers/dev``,
``registers/test``. ``--failures`` prints the misses of one column (``registers/dev`` by default; look at the
test column only to report, never to change the rules). ``--set PATH`` scores one other file, split by hash.
The targets apply to every column; the exit status is 1 when one is missed anywhere.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sigap.privacy.redaction import evaluate, find, redact  # noqa: E402

DATA = ROOT / "sigap" / "privacy" / "data"
SET = DATA / "redaction_set.jsonl"
REGISTERS = {"dev": DATA / "redaction_registers_dev.jsonl", "test": DATA / "redaction_registers_test.jsonl"}
# Targets (issue): recall >= 0.98 for phones, NIK, emails and plates; >= 0.90 for names; >= 0.95 of must-keep kept.
TARGETS = {"phone": 0.98, "nik": 0.98, "email": 0.98, "plate": 0.98, "name": 0.90}
KEEP_TARGET = 0.95


def load(path: Path = SET) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split_of(text: str) -> str:
    return "dev" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


def throughput(examples: list[dict], seconds: float) -> float:
    n, start = 0, time.process_time()  # CPU time: steadier than wall time on a shared machine
    while True:
        for ex in examples:
            redact(ex["text"], names=ex.get("names", ()))
        n += len(examples)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return n / elapsed


# Texts at the intake's limit that once made the door slow (each found by a review): a normal text of this length
# takes about 0.01 s.
ADVERSARIAL = (
    (
        "syllable runs of an everyday name part (reporter 'Aaaa Bbbb')",
        "a " * 1250 + "x " + "b " * 1249,
        {"name": "Aaaa Bbbb " + " ".join("a" * k for k in range(5, 13))},
    ),
    ("a name spelled letter by letter, 2,500 times", "a-" * 2500, {"name": " ".join("a" * k for k in range(3, 19))}),
    ("a run of 4,998 spaces between two letters", "a" + " " * 4998 + "a", {"name": "Ratna Sari Dewi"}),
    ("5,000 characters of 'rumah saya, ' cues", ("rumah saya, " * 417)[:5000], {"name": "Ratna Sari Dewi"}),
    ("5,000 characters of 'Saya ketua RT 03, ' offices", ("Saya ketua RT 03, " * 278)[:5000], {}),
)


def worst_case_seconds(text: str, identity: dict) -> float:
    start = time.process_time()
    redact(text, names=[identity["name"]] if identity.get("name") else [])
    return time.process_time() - start


def _no_name_known(text: str, names=(), place_text: bool = False) -> list:
    return find(text, place_text=place_text)


def targets_missed(result: dict) -> list[str]:
    missed = [
        f"{kind} recall {result['kinds'][kind]['recall']:.3f} < {target}"
        for kind, target in TARGETS.items()
        if kind in result["kinds"] and result["kinds"][kind]["recall"] < target
    ]
    if result["keep"]["rate"] < KEEP_TARGET:
        missed.append(f"keep {result['keep']['rate']:.3f} < {KEEP_TARGET}")
    return missed


def table(results: dict[str, dict], speeds: dict[str, float]) -> str:
    names = list(results)
    kinds = []
    for r in results.values():
        kinds += [k for k in r["kinds"] if k not in kinds]
    w = 30  # width of one column
    lines = [
        f"{'':<10}" + "".join(f"{n:>{w}}" for n in names),
        f"{'':<10}" + "".join(f"{'count':>8}{'recall':>8}{'found':>7}{'spur.':>7}" for _ in names),
    ]
    for kind in kinds:
        row = f"{kind:<10}"
        for n in names:
            s = results[n]["kinds"].get(kind)
            row += (
                f"{s['count']:>8}{s['recall']:>8.3f}{s['spans']:>7}{s['spurious']:>7}"
                if s and s["count"]
                else f"{'-':>8}{'-':>8}{s['spans'] if s else 0:>7}{s['spurious'] if s else 0:>7}"
            )
        target = TARGETS.get(kind)
        lines.append(row + (f"   target {target:.2f}" if target else ""))
    lines.append(
        f"{'overall':<10}"
        + "".join(
            f"{results[n]['pii']['count']:>8}{results[n]['pii']['recall']:>8.3f}"
            f"{sum(k['spans'] for k in results[n]['kinds'].values()):>7}{len(results[n]['spurious']):>7}"
            for n in names
        )
    )
    lines.append(
        f"{'keep':<10}"
        + "".join(f"{results[n]['keep']['count']:>8}{results[n]['keep']['rate']:>8.3f}{'':>14}" for n in names)
        + f"   target {KEEP_TARGET:.2f}"
    )
    lines.append(f"{'texts':<10}" + "".join(f"{results[n]['texts']:>{w}}" for n in names))
    lines.append(f"{'texts/s':<10}" + "".join(f"{speeds[n]:>{w},.0f}" for n in names))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, help="score this file only (split by hash) instead of the two sets")
    ap.add_argument("--seconds", type=float, default=1.0, help="time spent measuring throughput per column")
    ap.add_argument(
        "--failures",
        nargs="?",
        const="registers/dev",
        metavar="COLUMN",
        help="print missed values and lost must-keep text of one column (default: registers/dev)",
    )
    args = ap.parse_args(argv)

    splits: dict[str, list[dict]] = {}
    sources = [("team", args.set or SET)] if args.set else [("team", SET)]
    for prefix, path in sources:
        examples = load(path)
        splits[f"{prefix}/dev"] = [e for e in examples if split_of(e["text"]) == "dev"]
        splits[f"{prefix}/held-out"] = [e for e in examples if split_of(e["text"]) == "held-out"]
    if not args.set:
        for half, path in REGISTERS.items():
            splits[f"registers/{half}"] = load(path)
    if args.failures and args.failures not in splits:
        ap.error(f"--failures: one of {', '.join(splits)}")
    results = {name: evaluate(exs) for name, exs in splits.items()}
    speeds = {name: throughput(exs, args.seconds) for name, exs in splits.items()}
    described = ", ".join(f"{name} {len(exs)}" for name, exs in splits.items())
    where = args.set if args.set else SET.parent
    print(
        f"Redaction benchmark: {where.relative_to(ROOT) if where.is_relative_to(ROOT) else where} ({described} texts)\n"
    )
    print(table(results, speeds))

    if args.failures:
        for name in [args.failures]:
            print(f"\n--- {name}: missed personal data ---")
            for m in results[name]["misses"]:
                print(f"[{m['kind']}] {m['value']!r}\n   in:  {m['text']}\n   out: {m['output']}")
            print(f"\n--- {name}: lost must-keep text ---")
            for m in results[name]["lost"]:
                print(f"{m['keep']!r}\n   in:  {m['text']}\n   out: {m['output']}")
            print(f"\n--- {name}: spurious findings (touch no labelled value) ---")
            for m in results[name]["spurious"]:
                print(f"[{m['kind']}] {m['value']!r}\n   in:  {m['text']}")

    unknown = {name: evaluate(exs, finder=_no_name_known) for name, exs in splits.items()}
    print("\nWith no name of the reporter known (the cues alone):")
    print(f"{'':<10}" + "".join(f"{n:>30}" for n in unknown))
    for label, cell in (
        ("name", lambda r: f"{r['kinds'].get('name', {}).get('recall', 1.0):.3f}"),
        ("keep", lambda r: f"{r['keep']['rate']:.3f}"),
        ("spur.", lambda r: str(r["kinds"].get("name", {}).get("spurious", 0))),
    ):
        print(f"{label:<10}" + "".join(f"{cell(r):>30}" for r in unknown.values()))

    print("\nWorst cases found by reviews (5,000 characters, the intake's limit; CPU seconds through the rules):")
    for label, text, identity in ADVERSARIAL:
        print(f"  {label:<58}{worst_case_seconds(text, identity):>8.3f} s")

    missed = {name: targets_missed(r) for name, r in results.items()}
    print()
    for name, miss in missed.items():
        print(f"targets {name}: " + ("met" if not miss else "MISSED: " + "; ".join(miss)))
    return 1 if any(missed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
