"""Photo de-identification cost: decode, strip, orient, cap, detect and blur faces/plates, re-encode.

    python bench/photos.py [--runs 5]
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
os.environ.setdefault("SIGAP_HOME", "/tmp/sigap-bench-photos")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from sigap.privacy.photos import photo_clean  # noqa: E402

FACE = ROOT / "tests" / "fixtures" / "face_astronaut.png"


def scene(width: int, height: int, face: bool) -> bytes:
    rng = np.random.default_rng(7)
    base = Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8)).resize((width, height))
    if face:
        base.paste(Image.open(FACE).convert("RGB").resize((width // 4, width // 4)), (width // 3, height // 3))
    buf = io.BytesIO()
    base.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, python {sys.version.split()[0]}")
    for label, (w, h, face, blur) in {
        "4000x3000 with a face, blur": (4000, 3000, True, True),
        "4000x3000 no face, blur": (4000, 3000, False, True),
        "4000x3000, no blur": (4000, 3000, False, False),
        "1600x1200 with a face, blur": (1600, 1200, True, True),
    }.items():
        raw = scene(w, h, face)
        photo_clean(raw, blur=blur)  # warm the cascades
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            photo_clean(raw, blur=blur)
            times.append(time.perf_counter() - start)
        print(f"{label:32} {len(raw) // 1024:6} KB  best {min(times):.3f} s  median {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
