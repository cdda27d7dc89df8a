"""Benchmark of sigap.routing.address.parse_address on the labelled set.

    python bench/address.py [--set team|apart|apart2|apart3] [--failures dev|held-out|all] [--repeat 5]

``--set apart``, ``--set apart2`` and ``--set apart3`` read the sets written apart from the parser (address_apart*.jsonl,
see their .md files) and add the decision table: placed right, misroute, asked, nothing, per kind.

The team's set is sigap/routing/data/address_set.jsonl: free-text addresses and complaint snippets as residents
type them, each with the kelurahan codes that are acceptable answers ([] = no usable place). It is split
deterministically by a hash of the text: 60% dev (the calibration constants in address.py were tuned
on it), 40% held-out (not looked at while tuning). Both are reported.

Figures, per split:
  top-1 / top-3   share of located items (expected not empty) whose best / any of the best three
                  candidates is acceptable
  none-recall     share of the "no usable place" items for which the parser returns no candidate
  none-precision  share of the items with no candidate that really had no usable place
  ambiguity rate  share of items with candidates that are flagged ambiguous; also split by whether the
                  top candidate is right (a useful flag is raised on wrong tops, rarely on right ones)
  calibration     for the top candidate of items with exactly one right kelurahan: mean confidence and
                  accuracy, by confidence band
  per kind        the same by the item's kind (kelurahan, kel_kec, street, landmark, typo, none, ...)
  texts/s         parses per second over the whole set, index built once (build time printed apart)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sigap.routing.address import AddressIndex, gazetteer_load, regions_from_csv  # noqa: E402

SET = ROOT / "sigap" / "routing" / "data" / "address_set.jsonl"
APART = ROOT / "sigap" / "routing" / "data" / "address_apart.jsonl"  # written apart from the parser's data
APART2 = ROOT / "sigap" / "routing" / "data" / "address_apart2.jsonl"  # a second one, measured once before any use
APART3 = ROOT / "sigap" / "routing" / "data" / "address_apart3.jsonl"  # a third, measured once before any use
SETS = {"team": SET, "apart": APART, "apart2": APART2, "apart3": APART3}
REGIONS = ROOT / "sigap" / "data" / "wilayah_indonesia.csv"
DEV_SHARE = 60  # percent


def split_of(text: str) -> str:
    return "dev" if int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 100 < DEV_SHARE else "held-out"


def load_set(path: Path = SET) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate(index: AddressIndex, items: list[dict]) -> dict:
    """The figures for ``items`` (each gets "result" added)."""
    located = [i for i in items if i["expected"]]
    nones = [i for i in items if not i["expected"]]
    for item in items:
        item["result"] = index.parse(item["text"])
    ok1 = [i for i in located if i["result"].best in i["expected"]]
    ok3 = [i for i in located if any(c in i["expected"] for c, _ in i["result"].candidates[:3])]
    predicted_none = [i for i in items if not i["result"].candidates]
    with_cands = [i for i in items if i["result"].candidates]
    right_single = [i for i in with_cands if len(i["expected"]) == 1 and i["result"].best in i["expected"]]
    several = [i for i in with_cands if len(i["expected"]) > 1]
    wrong_top = [i for i in with_cands if i["result"].best not in i["expected"]]
    share = lambda part, whole: (len(part) / len(whole)) if whole else float("nan")  # noqa: E731
    return {
        "n": len(items),
        "located": len(located),
        "none": len(nones),
        "top1": share(ok1, located),
        "top3": share(ok3, located),
        "none_recall": share([i for i in nones if not i["result"].candidates], nones),
        "none_precision": share([i for i in predicted_none if not i["expected"]], predicted_none),
        "ambiguity_rate": share([i for i in with_cands if i["result"].ambiguous], with_cands),
        "ambiguous_when_right": share([i for i in right_single if i["result"].ambiguous], right_single),
        "ambiguous_when_several": share([i for i in several if i["result"].ambiguous], several),
        "ambiguous_when_wrong": share([i for i in wrong_top if i["result"].ambiguous], wrong_top),
        "confident_accuracy": share(
            [i for i in with_cands if not i["result"].ambiguous and i["result"].best in i["expected"]],
            [i for i in with_cands if not i["result"].ambiguous],
        ),
    }


def decisions(items: list[dict]) -> dict[str, dict[str, int]]:
    """What ``place_decide`` does with each item (same rule: placed when candidates exist and the parse is not
    ambiguous), per kind: placed in an expected kelurahan, placed elsewhere (a misroute), asked with an expected
    kelurahan among the three offered, asked without one, or no candidate (the desk / asked again)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in items:
        r = item["result"]
        kind = item.get("kind", "other")
        if r.candidates and not r.ambiguous:
            what = "placed_right" if r.best in item["expected"] else "misroute"
        elif r.candidates:
            offered = [c for c, _ in r.candidates[:3]]
            what = "asked_right" if any(c in item["expected"] for c in offered) else "asked_wrong"
        else:
            what = "none"
        out[kind][what] += 1
        out["all"][what] += 1
    return out


def decision_report(items: list[dict]) -> None:
    table = decisions(items)
    print("\ndecisions (place_decide: placed when sure, else ask with the best three, else nothing)")
    print("  kind            n   placed right  misroute  asked (right among 3)  asked (not among 3)  none")
    for kind in sorted(k for k in table if k != "all") + ["all"]:
        row = table[kind]
        n = sum(row.values())
        cells = [row["placed_right"], row["misroute"], row["asked_right"], row["asked_wrong"], row["none"]]
        print(f"  {kind:14s} {n:4d}  " + "  ".join(f"{c:4d} {fmt(c / n)}" for c in cells))


def calibration(items: list[dict]) -> list[tuple[str, int, float, float]]:
    bands = [(0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)]
    rows = []
    for lo, hi in bands:
        sel = [
            i
            for i in items
            if len(i["expected"]) == 1 and i["result"].candidates and lo <= i["result"].candidates[0][1] < hi
        ]
        if sel:
            conf = sum(i["result"].candidates[0][1] for i in sel) / len(sel)
            acc = sum(i["result"].best in i["expected"] for i in sel) / len(sel)
            rows.append((f"{lo:.1f}-{min(hi, 1):.1f}", len(sel), conf, acc))
    return rows


def fmt(x: float) -> str:
    return "  n/a" if x != x else f"{100 * x:5.1f}%"


def report(name: str, figures: dict) -> None:
    f = figures
    print(f"[{name}] items {f['n']} (located {f['located']}, none {f['none']})")
    print(f"  top-1 accuracy          {fmt(f['top1'])}")
    print(f"  top-3 accuracy          {fmt(f['top3'])}")
    print(f"  none-recall             {fmt(f['none_recall'])}   (no candidate when none expected)")
    print(f"  none-precision          {fmt(f['none_precision'])}   (none expected when no candidate)")
    print(f"  ambiguity rate          {fmt(f['ambiguity_rate'])}   (of items with candidates)")
    print(f"    flagged when one kelurahan is right and on top {fmt(f['ambiguous_when_right'])}   (lower is better)")
    print(f"    flagged when several kelurahan are acceptable  {fmt(f['ambiguous_when_several'])}   (higher is better)")
    print(f"    flagged when the top candidate is wrong        {fmt(f['ambiguous_when_wrong'])}   (higher is better)")
    print(f"  accuracy when confident {fmt(f['confident_accuracy'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--failures", choices=["dev", "held-out", "all"], help="list the items whose top candidate is wrong"
    )
    parser.add_argument("--repeat", type=int, default=5, help="passes over the set for the speed figure")
    parser.add_argument(
        "--set",
        choices=sorted(SETS),
        default="team",
        help="the team's set (default), or one of the three sets written apart",
    )
    args = parser.parse_args()

    t = time.perf_counter()
    regions, gazetteer = regions_from_csv(REGIONS, "31"), gazetteer_load()
    index = AddressIndex(regions, gazetteer)
    build = time.perf_counter() - t
    names = {r.code: r.name for r in regions}
    items = load_set(SETS[args.set])
    by_split = defaultdict(list)
    for item in items:
        by_split[split_of(item["text"])].append(item)
    from sigap.routing import address as module

    backend = "rapidfuzz " + __import__("rapidfuzz").__version__ if module._OSA is not None else "pure Python"
    print(
        f"regions {len(regions)} (kelurahan {len(index.kelurahan)}), gazetteer {len(gazetteer)} entries, "
        f"set {len(items)} items; regions read and index built in {build * 1000:.0f} ms; fuzzy distance: {backend}"
    )
    for name in ("dev", "held-out"):
        report(name, evaluate(index, by_split[name]))
    overall = evaluate(index, items)
    report("all", overall)

    print("\ncalibration of the top candidate (items with one right kelurahan): band, n, mean confidence, accuracy")
    for band, n, conf, acc in calibration(items):
        print(f"  {band}  {n:4d}  {conf:.2f}  {acc:.2f}")

    print("\nper kind (all items): n, top-1, top-3, no-candidate, ambiguous   | held-out top-1")
    kinds = sorted({i.get("kind", "other") for i in items})
    for kind in kinds:
        sel = [i for i in items if i.get("kind", "other") == kind]
        loc = [i for i in sel if i["expected"]]
        ho = [i for i in loc if split_of(i["text"]) == "held-out"]
        top1 = sum(i["result"].best in i["expected"] for i in loc) / len(loc) if loc else float("nan")
        top3 = (
            sum(any(c in i["expected"] for c, _ in i["result"].candidates[:3]) for i in loc) / len(loc)
            if loc
            else float("nan")
        )
        nocand = sum(not i["result"].candidates for i in sel) / len(sel)
        amb = sum(i["result"].ambiguous for i in sel) / len(sel)
        ho1 = sum(i["result"].best in i["expected"] for i in ho) / len(ho) if ho else float("nan")
        print(
            f"  {kind:14s} {len(sel):4d}  {fmt(top1)}  {fmt(top3)}  {fmt(nocand)}  {fmt(amb)}   | {fmt(ho1)} (n={len(ho)})"
        )

    decision_report(items)

    texts = [i["text"] for i in items]
    t = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            index.parse(text)
    elapsed = time.perf_counter() - t
    print(
        f"\nspeed: {len(texts) * args.repeat / elapsed:,.0f} texts/s ({elapsed / (len(texts) * args.repeat) * 1e6:.0f} us per text)"
    )

    if args.failures:
        print(f"\nfailures ({args.failures}):")
        for item in items:
            if args.failures != "all" and split_of(item["text"]) != args.failures:
                continue
            r = item["result"]
            wrong = (r.best not in item["expected"]) if item["expected"] else bool(r.candidates)
            if wrong:
                got = ", ".join(f"{names.get(c, c)} {p:.2f}" for c, p in r.candidates[:4]) or "none"
                want = ", ".join(names.get(c, c) for c in item["expected"][:4]) or "none"
                print(
                    f"  [{item.get('kind')}] {item['text']!r}\n      got: {got}{' (ambiguous)' if r.ambiguous else ''}\n      want: {want}"
                )


if __name__ == "__main__":
    main()
