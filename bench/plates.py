"""Plate recall of the photo worker's detector on synthetic Indonesian plates, beside the Haar cascade it replaced.

Plates (TNKB, 395 x 135 mm) in the five colour schemes on the road (black on white, white on black, white on red,
black on yellow, black on green), with one line ("B 1234 XYZ") or two (and the month and year), 100-720 px wide in
a 2048 x 1536 picture (the size the worker holds: a 4000 px photo's plate of 200-1440 px), tilted -12 to 12
degrees, on a car body of a random colour pasted on a photo-like scene (smooth gradients plus sensor noise), JPEG at
quality 80: 350 cases. A case counts as found when a box covers the plate's centre.

    .venv/bin/python bench/plates.py

Prints found/cases per scheme, width, angle and line count for both detectors, their CPU time per picture, and
their false alarms on pictures without writing (photo-like scenes and block noise).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHEMES = {
    "black on white": ((245, 245, 245), (15, 15, 15)),
    "white on black": ((20, 20, 20), (235, 235, 235)),
    "white on red": ((190, 20, 25), (240, 240, 240)),
    "black on yellow": ((235, 190, 20), (15, 15, 15)),
    "black on green": ((30, 140, 60), (15, 15, 15)),
}
WIDTHS = (100, 120, 160, 240, 360, 520, 720)
ANGLES = (-12, -6, 0, 6, 12)
LINES = (1, 2)
SIZE = (2048, 1536)


def textured(width: int, height: int, rng):
    import numpy as np

    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.stack([x / width * 200 + 30, y / height * 180 + 40, (x + y) / (width + height) * 160 + 50], -1)
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def plate(scheme: str, width: int, lines: int):
    from PIL import Image, ImageDraw, ImageFont

    ground, ink = SCHEMES[scheme]
    height = round(width / 2.9)
    image = Image.new("RGB", (width, height), ground)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=ink, width=max(1, width // 80))
    if lines == 2:
        big, small = (
            ImageFont.load_default(size=round(height * 0.45)),
            ImageFont.load_default(size=round(height * 0.22)),
        )
        draw.text((width / 2, height * 0.38), "B 1234 XYZ", fill=ink, font=big, anchor="mm")
        draw.text((width / 2, height * 0.80), "08.27", fill=ink, font=small, anchor="mm")
    else:
        draw.text(
            (width / 2, height / 2),
            "B 1234 XYZ",
            fill=ink,
            font=ImageFont.load_default(size=round(height * 0.55)),
            anchor="mm",
        )
    return image


def case(scenes, scheme: str, width: int, angle: int, lines: int, rng):
    import numpy as np
    from PIL import Image

    scene = Image.fromarray(scenes[int(rng.integers(0, len(scenes)))])
    body = Image.new("RGB", (int(width * 1.8), int(width * 0.9)), tuple(int(v) for v in rng.integers(20, 230, 3)))
    sign = plate(scheme, width, lines)
    body.paste(sign, ((body.width - sign.width) // 2, (body.height - sign.height) // 2))
    body = body.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
    x = int(rng.integers(0, SIZE[0] - body.width))
    y = int(rng.integers(0, SIZE[1] - body.height))
    scene.paste(body, (x, y))
    buf = io.BytesIO()
    scene.save(buf, "JPEG", quality=80)
    return np.asarray(Image.open(buf).convert("RGB")), (x + body.width / 2, y + body.height / 2)


def cascade_plates(cv2, gray):
    """The detector used until 2026-12: OpenCV's Russian plate cascade on the 1024 px detection copy."""
    classifier = cascade_plates.classifier = getattr(cascade_plates, "classifier", None) or cv2.CascadeClassifier(
        os.path.join(cv2.data.haarcascades, "haarcascade_russian_plate_number.xml")
    )
    height, width = gray.shape
    small = cv2.equalizeHist(cv2.resize(gray, (width // 2, height // 2), interpolation=cv2.INTER_AREA))
    boxes = classifier.detectMultiScale(small, scaleFactor=1.1, minNeighbors=4, minSize=(36, 12))
    return [(x * 2, y * 2, w * 2, h * 2) for x, y, w, h in (boxes if len(boxes) else ())]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    os.environ.setdefault("SIGAP_HOME", tempfile.mkdtemp(prefix="sigap-bench-plates-"))
    import django

    django.setup()
    import cv2
    import numpy as np
    from PIL import Image

    from sigap.privacy.plates import find_plates

    cv2.setNumThreads(1)
    detectors = {"cascade (before)": lambda g: cascade_plates(cv2, g), "plates.py (now)": lambda g: find_plates(cv2, g)}
    rng = np.random.default_rng(3)
    scenes = [textured(*SIZE, rng) for _ in range(3)]
    found: dict[tuple[str, str, object], list[bool]] = {}
    cpu = dict.fromkeys(detectors, 0.0)
    cases = 0
    for scheme in SCHEMES:
        for width in WIDTHS:
            for angle in ANGLES:
                for lines in LINES:
                    rgb, (cx, cy) = case(scenes, scheme, width, angle, lines, rng)
                    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
                    cases += 1
                    for name, detect in detectors.items():
                        start = time.process_time()
                        boxes = detect(gray)
                        cpu[name] += time.process_time() - start
                        hit = any(x <= cx <= x + w and y - h <= cy <= y + 2 * h for x, y, w, h in boxes)
                        for axis, value in (("scheme", scheme), ("width", width), ("angle", angle), ("lines", lines)):
                            found.setdefault((name, axis, value), []).append(hit)

    def row(name: str, axis: str, values) -> str:
        return " | ".join(f"{sum(found[(name, axis, v)]):>3}/{len(found[(name, axis, v)])}" for v in values)

    print(f"plate recall on {cases} synthetic Indonesian plates ({SIZE[0]}x{SIZE[1]} pictures)")
    for axis, values in (("scheme", SCHEMES), ("width", WIDTHS), ("angle", ANGLES), ("lines", LINES)):
        print(f"{axis + ':':18} | " + " | ".join(f"{v!s:>15}" if axis == "scheme" else f"{v:>6}" for v in values))
        for name in detectors:
            cells = row(name, axis, values)
            if axis == "scheme":
                cells = " | ".join(f"{c:>15}" for c in cells.split(" | "))
            else:
                cells = " | ".join(f"{c:>6}" for c in cells.split(" | "))
            print(f"  {name:16} | {cells}")
    for name in detectors:
        total = sum(sum(v) for (n, axis, _), v in found.items() if n == name and axis == "scheme")
        print(f"{name}: found {total} of {cases}; {cpu[name] / cases * 1000:.1f} ms CPU per picture")

    # false alarms: pictures without any writing
    blocks = [
        np.asarray(Image.fromarray(rng.integers(0, 255, (192, 256, 3), dtype=np.uint8)).resize(SIZE)) for _ in range(3)
    ]
    for label, pictures in (("photo-like scenes", scenes), ("block noise", blocks)):
        for name, detect in detectors.items():
            alarms = sum(len(detect(cv2.cvtColor(p, cv2.COLOR_RGB2GRAY))) for p in pictures)
            print(f"false alarms on {len(pictures)} {label}, {name}: {alarms}")


if __name__ == "__main__":
    main()
