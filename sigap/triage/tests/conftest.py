"""Session fixtures: train each model once per test session (a few seconds each); no database."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def training_data():
    from sigap.triage.categorizer import load_training_data

    return load_training_data()


@pytest.fixture(scope="session")
def model(training_data):
    """The categorizer trained on the whole shipped set (what Categorizer.default() would build)."""
    from sigap.triage.categorizer import Categorizer

    return Categorizer().train(*training_data)


@pytest.fixture(scope="session")
def holdout(training_data):
    """(model trained on the 75 % part, test texts, test labels) of the benchmark's held-out split."""
    from sigap.triage.categorizer import Categorizer, holdout_split

    train_x, test_x, train_y, test_y = holdout_split(*training_data)
    return Categorizer().train(train_x, train_y), train_x, test_x, test_y
