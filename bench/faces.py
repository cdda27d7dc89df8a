"""Face recall of the photo worker's detector on synthetic scenes, beside the seven Haar passes it replaced.

The data set's face (tests/fixtures/face_astronaut.png) is scaled to faces of 16-160 px, turned -30 to 30
degrees, pasted at a random place on a photo-like 1024x768 scene (smooth gradients plus sensor noise), taken
as it is, dimmed, at night or through haze, and JPEG-compressed at quality 75: 196 cases at the detection
size. A case counts as found when a face
box covers the face's centre; a box that is nowhere near the face is a false alarm.

    .venv/bin/python bench/faces.py

Prints found/cases per face size, angle and exposure, and the false alarms, for both detectors (the six Haar
face passes used before, and the worker's detect_regions now).
"""

from __future__ import annotations

import functools
import io
import math
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FACE = ROOT / "tests" / "fixtures" / "face_astronaut.png"
FACE_CENTRE = (224.5, 113.5)  # in the 512x512 data-set photo
FACE_SIDE = 95  # the face's size there (a frontal Haar box)
SIZES = (16, 20, 24, 32, 48, 80, 160)
EXPOSURES = {
    "as taken": lambda a: a,
    "dimmed (x0.6)": lambda a: a * 0.6,
    "night (x0.08)": lambda a: a * 0.08,
    "hazy (levels 170-200)": lambda a: 170 + a / 255 * 30,
}
ANGLES = (-30, -20, -10, 0, 10, 20, 30)

# The face passes used before (until 2026-12), on an equalized grayscale copy: (cascade, scaleFactor,
# minNeighbors, minSize, view)
HAAR = (
    ("haarcascade_frontalface_default.xml", 1.1, 5, (24, 24), "upright"),
    ("haarcascade_frontalface_alt2.xml", 1.1, 4, (20, 20), "upright"),
    ("haarcascade_frontalface_alt2.xml", 1.15, 4, (24, 24), 20.0),
    ("haarcascade_frontalface_alt2.xml", 1.15, 4, (24, 24), -20.0),
    ("haarcascade_profileface.xml", 1.15, 5, (20, 20), "upright"),
    ("haarcascade_profileface.xml", 1.15, 5, (20, 20), "mirrored"),
)


def textured(width: int, height: int, rng):
    import numpy as np

    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.stack([x / width * 200 + 30, y / height * 180 + 40, (x + y) / (width + height) * 160 + 50], -1)
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


@functools.cache
def cascade(name: str):
    import cv2

    return cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, name))


def haar_faces(rgb) -> list[tuple[float, float, float, float]]:
    import cv2
    import numpy as np

    gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    height, width = gray.shape
    boxes = []
    for name, scale, neighbours, min_size, view in HAAR:
        back = np.array([[1.0, 0, 0], [0, 1.0, 0]])
        src = gray
        if view == "mirrored":
            src, back = cv2.flip(gray, 1), np.array([[-1.0, 0, width], [0, 1.0, 0]])
        elif view != "upright":
            forward = cv2.getRotationMatrix2D((width / 2, height / 2), view, 1.0)
            src = cv2.warpAffine(gray, forward, (width, height), borderMode=cv2.BORDER_REPLICATE)
            back = cv2.invertAffineTransform(forward)
        hits = cascade(name).detectMultiScale(src, scaleFactor=scale, minNeighbors=neighbours, minSize=min_size)
        for x, y, w, h in hits if len(hits) else ():
            corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], float) @ back.T
            x0, y0 = corners.min(0)
            x1, y1 = corners.max(0)
            boxes.append((x0, y0, x1 - x0, y1 - y0))
    return boxes


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    os.environ.setdefault("SIGAP_HOME", tempfile.mkdtemp(prefix="sigap-bench-faces-"))
    import django

    django.setup()
    import numpy as np
    from PIL import Image

    from sigap.privacy import photos

    face = Image.open(FACE).convert("RGB")
    rng = np.random.default_rng(1)
    found: dict[tuple[str, str, int], list[bool]] = {}
    alarms = {"haar": 0, "mtcnn": 0}
    for size in SIZES:
        for angle in ANGLES:
            for exposure in EXPOSURES:
                k = size / FACE_SIDE
                f = face.resize((round(512 * k),) * 2, Image.Resampling.LANCZOS)
                f = f.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
                scene = Image.fromarray(textured(1024, 768, rng))
                x = int(rng.integers(0, max(1, 1024 - f.width)))
                y = int(rng.integers(0, max(1, 768 - f.height)))
                scene.paste(f, (x, y))
                dimmed = np.clip(EXPOSURES[exposure](np.asarray(scene).astype(np.float32)), 0, 255).astype(np.uint8)
                buf = io.BytesIO()
                Image.fromarray(dimmed).save(buf, "JPEG", quality=75)
                rgb = np.asarray(Image.open(buf).convert("RGB"))
                dx, dy, t = (FACE_CENTRE[0] - 256) * k, (FACE_CENTRE[1] - 256) * k, math.radians(angle)
                cx = x + f.width / 2 + dx * math.cos(t) + dy * math.sin(t)
                cy = y + f.height / 2 - dx * math.sin(t) + dy * math.cos(t)
                for name, boxes in (
                    ("haar", haar_faces(rgb)),
                    ("mtcnn", [r[1:] for r in photos.detect_regions(rgb) if r[0] == "face"]),
                ):
                    hit = any(bx <= cx <= bx + bw and by <= cy <= by + bh for bx, by, bw, bh in boxes)
                    alarms[name] += sum(
                        1
                        for bx, by, bw, bh in boxes
                        if not (bx - size <= cx <= bx + bw + size and by - size <= cy <= by + bh + size)
                    )
                    found.setdefault((name, "size", size), []).append(hit)
                    found.setdefault((name, "angle", angle), []).append(hit)
                    found.setdefault((name, "exposure", exposure), []).append(hit)

    def row(name: str, axis: str, values) -> str:
        cells = [f"{sum(found[(name, axis, v)])}/{len(found[(name, axis, v)])}" for v in values]
        return " | ".join(cells)

    print(f"face recall on {len(SIZES) * len(ANGLES) * len(EXPOSURES)} synthetic cases (detection size 1024x768)")
    print("face size px      | " + " | ".join(f"{s:>5}" for s in SIZES))
    for name in ("haar", "mtcnn"):
        print(f"{name:17} | {row(name, 'size', SIZES)}")
    print("angle degrees     | " + " | ".join(f"{a:>5}" for a in ANGLES))
    for name in ("haar", "mtcnn"):
        print(f"{name:17} | {row(name, 'angle', ANGLES)}")
    for exposure in EXPOSURES:
        print(f"{exposure:22} " + "  ".join(f"{n} {row(n, 'exposure', [exposure])}" for n in ("haar", "mtcnn")))
    for name in ("haar", "mtcnn"):
        total = sum(sum(v) for (n, axis, _), v in found.items() if n == name and axis == "size")
        print(
            f"{name}: found {total} of {len(SIZES) * len(ANGLES) * len(EXPOSURES)}; false alarms away from the face {alarms[name]}"
        )


if __name__ == "__main__":
    main()
