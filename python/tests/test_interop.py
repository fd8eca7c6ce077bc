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


# The same data, network, options and seed give the same model in Python as on the
# command line: the encodings are identical, not just close.
def test_python_and_the_command_line_train_the_same_model(tmp_path, iris):
    result = hourglass_cli("train", IRIS, "--label", "Species", "--network", "3,2:tanh", "--scale", "zscore",
                           "--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--seed", "3", "--no-baseline",
                           "-q", "-o", tmp_path / "cli.hgm")
    assert result.returncode == 0, result.stderr
    features = iris.drop(columns="Species")
    model = hourglass.Autoencoder(network="3,2:tanh", scale="zscore", optimizer="adam", learning_rate=0.01,
                                  epochs=5, random_state=3).fit(features)
    theirs = hourglass.load_model(str(tmp_path / "cli.hgm")).encode(features.to_numpy(np.float32), [], [])
    np.testing.assert_array_equal(model.transform(features), theirs)


# R reads the file Python writes, when the build has the R package (CTest passes its
# library folder).
def test_a_model_saved_from_python_encodes_the_same_in_r(tmp_path, iris):
    import os
    import shutil
    import subprocess
    import pytest
    libraries = os.environ.get("HOURGLASS_R_LIBS")
    if not libraries or not shutil.which("Rscript"):
        pytest.skip("the build has no R package")
    features = iris.drop(columns="Species")
    model = hourglass.Autoencoder(network="2", epochs=5, random_state=1).fit(features)
    model.save(tmp_path / "py.hgm")
    # And the other way: a model R trains and saves, encoded here.
    script = (f"library(hourglass); x <- as.matrix(iris[, 1:4]); m <- load_from('{tmp_path}/py.hgm'); "
              f"write.csv(encode(m, x), '{tmp_path}/r.csv', row.names = FALSE); "
              f"r <- train(autoencoder(2), x, epochs = 2, verbose = FALSE); save_as(r, 'r.hgm', dir = '{tmp_path}'); "
              f"write.csv(encode(r, x), '{tmp_path}/r-own.csv', row.names = FALSE)")
    result = subprocess.run(["Rscript", "-e", script], env={**os.environ, "R_LIBS": libraries},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    np.testing.assert_allclose(pd.read_csv(tmp_path / "r.csv").to_numpy(), model.transform(features), atol=1e-6)
    from_r = hourglass.load_model(str(tmp_path / "r.hgm"))
    np.testing.assert_allclose(from_r.encode(features.to_numpy(np.float32), [], []),
                               pd.read_csv(tmp_path / "r-own.csv").to_numpy(), atol=1e-6)


# Without a network, the detector is the library's default one on both sides: the same
# networks (sized to iris's 150 rows of 4 columns), options and scores.
def test_the_default_detector_is_the_command_lines(tmp_path, iris):
    result = hourglass_cli("train", IRIS, "--label", "Species", "--contamination", "0.1", "--epochs", "4", "--seed",
                           "2", "--no-baseline", "-o", tmp_path / "cli.hgm")
    assert result.returncode == 0, result.stderr
    assert "The default detector for 150 rows of 4 columns: --network 4,2:relu --scale zscore --ensemble 5" \
        in result.stderr
    features = iris.drop(columns="Species")
    detector = hourglass.AutoencoderDetector(contamination=0.1, epochs=4, random_state=2).fit(features)
    theirs = hourglass.load_model(str(tmp_path / "cli.hgm"))
    rows = features.to_numpy(np.float32)
    np.testing.assert_array_equal(detector.decision_function(features),
                                  theirs.score(rows, [], [], "reconstruction", 1))
    # An option the user sets wins over the detector's, on both sides.
    single = hourglass.AutoencoderDetector(contamination=0.1, epochs=2, ensemble=1, random_state=2).fit(features)
    result = hourglass_cli("train", IRIS, "--label", "Species", "--contamination", "0.1", "--epochs", "2", "--seed",
                           "2", "--ensemble", "1", "--no-baseline", "-q", "-o", tmp_path / "one.hgm")
    assert result.returncode == 0, result.stderr
    one = hourglass.load_model(str(tmp_path / "one.hgm")).score(rows, [], [], "reconstruction", 1)
    np.testing.assert_array_equal(single.decision_function(features), one)
    assert not np.array_equal(one, theirs.score(rows, [], [], "reconstruction", 1))
