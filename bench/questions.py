"""How the rule that refuses an officer's question asking who the reporter is (``question_asks_identity``) does on
officers' questions written apart from it (``sigap/reports/data``: a dev half the rules may be tuned on, a test half
that is the estimate).

    python bench/questions.py [--misses]

Per half: the share of ordinary questions refused (a cost to officers, who must rephrase) and the share of
identifying ones refused (what the rule is for). ``--misses`` prints the dev half's misses and refusals only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")

DATA = ROOT / "sigap" / "reports" / "data"


def load(half: str) -> list[dict]:
    with open(DATA / f"officer_questions_{half}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(rows: list[dict], refuses) -> dict:
    ok = [r["text"] for r in rows if r["label"] == "ok"]
    identifying = [r["text"] for r in rows if r["label"] == "identifying"]
    refused_ok = [t for t in ok if refuses(t)]
    missed = [t for t in identifying if not refuses(t)]
    return {"ok": len(ok), "ok_refused": refused_ok, "identifying": len(identifying), "missed": missed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="print the dev half's misses and refusals")
    args = parser.parse_args()
    import django

    django.setup()
    from sigap.reports.services import question_asks_identity

    for half in ("dev", "test"):
        rows = load(half)
        started = time.process_time()
        result = score(rows, question_asks_identity)
        spent = time.process_time() - started
        caught = result["identifying"] - len(result["missed"])
        print(
            f"{half:>4}: identifying refused {caught}/{result['identifying']} ({caught / result['identifying']:.1%}); "
            f"ordinary refused {len(result['ok_refused'])}/{result['ok']} "
            f"({len(result['ok_refused']) / result['ok']:.1%}); {len(rows) / spent:,.0f} texts per CPU-second"
        )
        if args.misses and half == "dev":
            for text in result["missed"]:
                print("  missed:  ", text)
            for text in result["ok_refused"]:
                print("  refused: ", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
