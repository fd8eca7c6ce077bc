"""Shared data for the Python package's tests: small, generated, seeded."""
import os
import subprocess

import numpy as np
import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def low_rank():
    """200 rows of 6 columns on a plane (rank 2) plus a little noise."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 6)) + 0.01 * rng.normal(size=(200, 6))
    return x.astype(np.float32)


@pytest.fixture
def iris():
    import pandas as pd
    return pd.read_csv(os.path.join(REPOSITORY, "data", "iris.csv"))


def hourglass_cli(*args):
    """The command line the build made (CTest passes its path), its output and status."""
    command = [os.environ.get("HOURGLASS_CLI", os.path.join(REPOSITORY, "build", "hourglass")), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True)
