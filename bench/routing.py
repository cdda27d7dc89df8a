"""Benchmark of sigap.routing.rules.KelurahanIndex.

    python bench/routing.py [--n 100000] [--seed 20260820]

(a) Jakarta: the 267 kelurahan polygons, random points in the mainland bounding box that lie in a
    polygon (method "inside" or "overlap"); also the slower gap/coast snapping path on its own.
(b) Synthetic: a 289 x 289 grid (83,521 squares, about the number of Indonesian villages) over a
    national-size bounding box, random points in it.

Prints one labelled figure per line. Seeds are fixed, so runs differ only by machine noise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sigap.routing.rules import KelurahanIndex  # noqa: E402

GEOJSON = ROOT / "sigap" / "data" / "jakarta_kelurahan.geojson"
MAINLAND_BBOX = (106.68, -6.38, 106.98, -6.08)  # lon_min, lat_min, lon_max, lat_max
NATIONAL_BBOX = (95.0, -11.0, 141.0, 6.0)
GRID_SIDE = 289  # 289 * 289 = 83,521 polygons


def synthetic_grid(side: int = GRID_SIDE, bbox=NATIONAL_BBOX) -> list[tuple[str, object]]:
    x0, y0, x1, y1 = bbox
    xs = np.linspace(x0, x1, side + 1)
    ys = np.linspace(y0, y1, side + 1)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    boxes = shapely.box(xs[ii], ys[jj], xs[ii + 1], ys[jj + 1])
    return [(f"G.{i:03d}.{j:03d}", g) for i, j, g in zip(ii.tolist(), jj.tolist(), boxes)]


def time_build(make):
    t = time.perf_counter()
    index = make()
    return index, time.perf_counter() - t


def bench_single(index: KelurahanIndex, xs: list[float], ys: list[float]) -> dict[str, float]:
    locate = index.locate
    for x, y in zip(xs[:2000], ys[:2000]):  # warm-up
        locate(x, y)
    t = time.perf_counter()
    for x, y in zip(xs, ys):
        locate(x, y)
    elapsed = time.perf_counter() - t
    # Per-call latencies in a separate pass (the timer itself costs ~0.1 us per call).
    clock = time.perf_counter
    lat_us = []
    append = lat_us.append
    for x, y in zip(xs, ys):
        t0 = clock()
        locate(x, y)
        append(clock() - t0)
    lat_us = np.array(lat_us) * 1e6
    return {
        "per_s": len(xs) / elapsed,
        "p50": float(np.percentile(lat_us, 50)),
        "p99": float(np.percentile(lat_us, 99)),
    }


def bench_bulk(index: KelurahanIndex, xs: np.ndarray, ys: np.ndarray) -> float:
    index.locate_many(xs[:1000], ys[:1000])  # warm-up
    t = time.perf_counter()
    index.locate_many(xs, ys)
    return len(xs) / (time.perf_counter() - t)


def report(label: str, build_s: float, single: dict[str, float], bulk_per_s: float) -> None:
    print(f"{label} build time:                 {build_s * 1000:10.1f} ms")
    print(f"{label} locate single lookups/s:    {single['per_s']:10,.0f}")
    print(f"{label} locate p50:                 {single['p50']:10.2f} us")
    print(f"{label} locate p99:                 {single['p99']:10.2f} us")
    print(f"{label} locate_many bulk points/s:  {bulk_per_s:10,.0f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="lookups per measurement")
    parser.add_argument("--seed", type=int, default=20260820)
    args = parser.parse_args(argv)
    n = args.n
    rng = np.random.default_rng(args.seed)

    # (a) Jakarta
    collection = json.loads(GEOJSON.read_text(encoding="utf-8"))
    jakarta, build_a = time_build(lambda: KelurahanIndex.from_geojson(collection))
    lon0, lat0, lon1, lat1 = MAINLAND_BBOX
    xs = rng.uniform(lon0, lon1, n * 3)
    ys = rng.uniform(lat0, lat1, n * 3)
    found = jakarta.locate_many(xs, ys)
    inside = np.array([r is not None and r.method != "nearest" for r in found])
    snapped = np.array([r is not None and r.method == "nearest" for r in found])
    ax, ay = xs[inside][:n], ys[inside][:n]
    gx, gy = xs[snapped], ys[snapped]
    print(f"python {sys.version.split()[0]}, shapely {shapely.__version__}, numpy {np.__version__}")
    print(f"lookups per measurement:           {len(ax):10,d}")
    print(f"(a) Jakarta polygons:              {len(jakarta):10,d}")
    print(
        f"(a) grid cells used / (cell, area) pairs: {jakarta.grid_stats['cells_used']:,d} / "
        f"{jakarta.grid_stats['pairs']:,d}"
    )
    single_a = bench_single(jakarta, ax.tolist(), ay.tolist())
    bulk_a = bench_bulk(jakarta, ax, ay)
    report("(a) Jakarta", build_a, single_a, bulk_a)
    if len(gx):
        snap = bench_single(jakarta, gx.tolist(), gy.tolist())
        print(
            f"(a) Jakarta gap/coast snap lookups/s:{snap['per_s']:10,.0f}  "
            f"({len(gx):,d} points, p50 {snap['p50']:.1f} us)"
        )

    # (b) synthetic national grid
    areas = synthetic_grid()
    synthetic, build_b = time_build(lambda: KelurahanIndex(areas))
    x0, y0, x1, y1 = NATIONAL_BBOX
    bx = rng.uniform(x0, x1, len(ax))
    by = rng.uniform(y0, y1, len(ax))
    print(f"(b) synthetic polygons:            {len(synthetic):10,d}")
    print(
        f"(b) grid cells used / (cell, area) pairs: {synthetic.grid_stats['cells_used']:,d} / "
        f"{synthetic.grid_stats['pairs']:,d}"
    )
    single_b = bench_single(synthetic, bx.tolist(), by.tolist())
    bulk_b = bench_bulk(synthetic, bx, by)
    report("(b) synthetic", build_b, single_b, bulk_b)

    ratio = single_a["per_s"] / single_b["per_s"]
    print(f"ratio (b)/(a) time per single locate: {ratio:8.2f}x  (target <= 2.00x)")
    print(f"ratio (b)/(a) time per bulk point:    {bulk_a / bulk_b:8.2f}x")
    target = "met" if single_a["per_s"] >= 50_000 and ratio <= 2.0 else "NOT met"
    print(f"target (>= 50,000/s Jakarta, <= 2x synthetic): {target}")


if __name__ == "__main__":
    main()
