"""Licence plates in a photo, found as a short line of characters printed on a plain ground.

Indonesian plates (TNKB) come in both polarities: black characters on white (private vehicles since 2022,
yellow for public transport, green for free-trade zones) and white on black (the older private plates, still on
most vehicles), white on red (government). The Haar plate cascade shipped with OpenCV, trained on Russian
plates, found 60 of 350 synthetic Indonesian plates and 3 of the 70 white-on-black ones; this finds 345
(``bench/plates.py``), in about the time the cascade took.

How: a dim picture (a night photo) is first spread over the whole grey range. It is thresholded against its
local mean, once for dark marks on a light ground and once the other way round; the connected blobs the size and
shape of a character (or of a few characters run together by blur, a bold narrow font or a bolt in a gap: as tall
as one, up to four times as wide, not solid) are linked to the next blob along the line (about the same height,
roughly level with it, so a plate tilted 15 degrees still links, not more than a character's height apart), and a
run of 4 to 14 of them that is at least twice as wide as it is high is a plate when its ground is plain: the
spread of the ground's grey levels is under a third of the contrast between ground and characters (printed
characters on a plate are far above the texture around them; foliage, brick or noise is not), and its marks are not
all alike (a railing's balusters are; characters differ in width and ink). A short line of text on a plain sign (a
street name, a shop's name) or a zebra crossing seen at a slant is taken for a plate too: blurring a little too much
is the accepted side of the trade. A run longer than 14 (a banner with a phone number, a page of print) is not a
plate.

Two scales: the picture as the worker holds it (up to 2,048 px: characters of 9-180 px) and a quarter of it (for a
close-up, characters of 180-720 px)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

Box = tuple[int, int, int, int]

# Each pass: (scale, smallest and largest character height at that scale, local-mean window in px)
PASSES = ((1, 9, 180, 41), (4, 45, 180, 41))
LINK_GAP = 1.2  # the next character starts at most this many character heights after one ends
LEVEL = 0.4  # centres at most this many heights apart vertically (at 0.25 a plate tilted 15 degrees was missed)
HEIGHT_RATIO = 1.33  # neighbours' heights within this ratio
CHARS = (4, 14)  # characters in a plate's line
PLAIN = 0.33  # the ground's standard deviation at most this share of the ground-to-character contrast
OFFSET = 20  # a mark is this much darker (or lighter) than the local mean
MERGED = 4.0  # a mark up to this many heights wide may be characters run together ...
MERGED_FILL = 0.75  # ... when it fills at most this share of its box
UNIFORM = 0.1  # a line whose marks' widths and fills vary less than this (relative) is a pattern
PAIRS_AT_ONCE = 1 << 20  # candidate pairs examined at once (memory: about 50 bytes each)


def _lines(cv2, gray: np.ndarray, min_h: int, max_h: int, window: int) -> list[Box]:
    out: list[Box] = []
    for ground in (gray, 255 - gray):  # dark characters on light, then light on dark
        marks = cv2.adaptiveThreshold(ground, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, OFFSET)
        _n, _labels, stats, _centres = cv2.connectedComponentsWithStats(marks, connectivity=8)
        x, y, w, h, area = (stats[1:, i].astype(np.int64) for i in range(5))
        # a character: upright or square, not a thin line, not a solid block
        char = (h >= min_h) & (h <= max_h) & (w <= h) & (h <= 6 * w + 4) & (area >= 0.12 * w * h)
        # or characters run together (blur, a bold narrow font at a small size, a bolt in a gap): as tall as one,
        # a few wide, not solid (a brick, a stripe, a leaf is); still one mark of the 4 to 14 in a line
        char |= (h >= min_h) & (h <= max_h) & (w > h) & (w <= MERGED * h) & (area >= 0.2 * w * h)
        char &= (w <= h) | (area <= MERGED_FILL * w * h)
        x, y, w, h, area = x[char], y[char], w[char], h[char], area[char]
        m = len(x)
        if m < CHARS[0]:
            continue
        order = np.argsort(x, kind="stable")
        x, y, w, h, area = x[order], y[order], w[order], h[order], area[order]
        middle, right = y + h / 2, x + w
        # every pair (i, j) with j starting within reach of i's right edge, as flat arrays, a bounded number of
        # pairs at a time: a page of small print (or a crafted grid of blobs) has tens of millions of them
        first = np.arange(1, m + 1)
        reach = np.maximum(np.searchsorted(x, right + LINK_GAP * h, side="right") - first, 0)
        ends = np.cumsum(reach)
        links_i, links_j = [], []
        start = 0
        while start < m:
            stop = max(start + 1, int(np.searchsorted(ends, ends[start] - reach[start] + PAIRS_AT_ONCE, side="right")))
            span = reach[start:stop]
            i = np.repeat(np.arange(start, stop), span)
            j = np.repeat(first[start:stop], span) + (np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span))
            linked = (
                (np.abs(middle[j] - middle[i]) < LEVEL * h[i])
                & (h[j] * HEIGHT_RATIO >= h[i])
                & (h[j] <= HEIGHT_RATIO * h[i])
                & (x[j] >= right[i] - 0.2 * w[i])
            )
            links_i.append(i[linked])
            links_j.append(j[linked])
            start = stop
        i, j = np.concatenate(links_i), np.concatenate(links_j)
        if not len(i):
            continue
        count, line = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(m, m)), directed=False)
        size = np.bincount(line, minlength=count)
        x0 = np.full(count, np.iinfo(np.int64).max)
        y0 = np.full(count, np.iinfo(np.int64).max)
        x1 = np.zeros(count, np.int64)
        y1 = np.zeros(count, np.int64)
        np.minimum.at(x0, line, x)
        np.minimum.at(y0, line, y)
        np.maximum.at(x1, line, right)
        np.maximum.at(y1, line, y + h)
        wide = (size >= CHARS[0]) & (size <= CHARS[1]) & ((x1 - x0) >= 2 * (y1 - y0))
        for c in np.nonzero(wide)[0]:
            members = line == c
            fill = area[members] / (w[members] * h[members])
            if np.std(w[members]) < UNIFORM * np.mean(w[members]) and np.std(fill) < UNIFORM * np.mean(fill):
                continue  # marks all alike (a railing's balusters, stripes): characters differ in width and ink
            box = (int(x0[c]), int(y0[c]), int(x1[c] - x0[c]), int(y1[c] - y0[c]))
            part = ground[box[1] : box[1] + box[3], box[0] : box[0] + box[2]]
            ink = marks[box[1] : box[1] + box[3], box[0] : box[0] + box[2]] > 0
            if ink.sum() < 10 or (~ink).sum() < 10:
                continue
            plain, printed = part[~ink], part[ink]
            contrast = float(np.median(plain)) - float(np.median(printed))
            if contrast > 0 and float(plain.std()) <= PLAIN * contrast:
                out.append(box)
    return out


DIM_RANGE = 160  # a picture whose grey levels span less than this (1st to 99th percentile) is stretched first


def _stretched(cv2, gray: np.ndarray) -> np.ndarray:
    """A dim or flat picture (a night photo: a white-on-black plate's characters 25 grey levels above its ground,
    under ``OFFSET``) spread over the whole range first, as a viewer's "auto levels" would show it to an officer
    (found by an attacker's review)."""
    lo, hi = np.percentile(gray[::4, ::4], (1, 99))
    if hi - lo >= DIM_RANGE:
        return gray
    lut = np.clip((np.arange(256) - lo) * 255.0 / max(1.0, hi - lo), 0, 255).astype(np.uint8)
    return cv2.LUT(gray, lut)


def find_plates(cv2, gray: np.ndarray) -> list[Box]:
    """Boxes (x, y, w, h) around the character line of each plate found in a uint8 grey picture."""
    found: list[Box] = []
    gray = _stretched(cv2, gray)
    height, width = gray.shape[:2]
    for scale, min_h, max_h, window in PASSES:
        if scale == 1:
            picture = gray
        else:
            size = (width // scale, height // scale)
            if min(size) < min_h * 2:
                continue
            picture = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        sx, sy = width / picture.shape[1], height / picture.shape[0]
        for x, y, w, h in _lines(cv2, np.ascontiguousarray(picture), min_h, max_h, window):
            found.append((int(x * sx), int(y * sy), max(1, round(w * sx)), max(1, round(h * sy))))
    return found
