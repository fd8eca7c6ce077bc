"""A model is one file for Python, the command line and R."""
import numpy as np
import pandas as pd

import hourglass
from conftest import REPOSITORY, hourglass_cli

IRIS = f"{REPOSITORY}/data/iris.csv"


def test_a_model_saved_from_python_encodes_the_same_on_the_command_line(tmp_path, iris):
    features = iris.drop(columns="Species")
    model = hourglass.Autoencoder(network="2", scale="zscore", epochs=10, random_state=1).fit(features)
    model.save(tmp_path / "py.hgm")
    result = hourglass_cli("encode", tmp_path / "py.hgm", IRIS, "--label", "Species")
    assert result.returncode == 0, result.stderr
    theirs = pd.read_csv(pd.io.common.StringIO(result.stdout)).drop(columns="Species").to_numpy()
    np.testing.assert_allclose(theirs, model.transform(features), atol=1e-5)


def test_a_model_trained_on_the_command_line_loads_in_python(tmp_path, iris):
    result = hourglass_cli("train", IRIS, "--label", "Species", "--network", "2", "--epochs", "3", "--seed", "1",
                           "-q", "-o", tmp_path / "cli.hgm")
    assert result.returncode == 0, result.stderr
    model = hourglass.load_model(str(tmp_path / "cli.hgm"))
    features = iris.drop(columns="Species")
    codes = model.encode(features.to_numpy(np.float32), [], [])
    result = hourglass_cli("encode", tmp_path / "cli.hgm", IRIS, "--label", "Species")
    theirs = pd.read_csv(pd.io.common.StringIO(result.stdout)).drop(columns="Species").to_numpy()
    np.testing.assert_allclose(codes, theirs, atol=1e-5)
    assert model.columns == list(features.columns) and len(model.history) == 3
