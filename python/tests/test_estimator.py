"""hourglass.Autoencoder: scikit-learn's conventions, its own checks, and numbers."""
import pickle
import signal
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import hourglass
from hourglass import Autoencoder


# scikit-learn's own checks, every one: the estimator is seeded through random_state as
# the checks expect, and a few epochs keep them quick.
@parametrize_with_checks([Autoencoder(epochs=5)])
def test_scikit_learn_checks(estimator, check):
    check(estimator)


def test_the_arguments_are_the_declared_options():
    params = Autoencoder().get_params()
    for spec in hourglass.train_option_specs():
        if not spec["in_bindings"]:  # verbose: Python's own form, printing the epochs
            continue
        name = "random_state" if spec["name"] == "seed" else spec["name"]
        default = spec["default"]
        assert params[name] == (tuple(default) if isinstance(default, list) else default), name
    assert params["variant"] in hourglass.variant_names() and params["loss"] in hourglass.loss_names()
    assert "epochs" in Autoencoder.__doc__ and "random_state" in Autoencoder.__doc__
    with pytest.raises(TypeError, match="unexpected keyword argument 'epoch'"):
        Autoencoder(epoch=3)


def test_the_variant_arguments_are_the_declared_parameters():
    options = hourglass.variant_options()
    params = Autoencoder().get_params()
    assert {spec["variant"] for spec in options} >= set(hourglass.variant_names()) - {"basic"}
    for spec in options:
        assert params[spec["option"]] is None, spec["option"]  # None: the declared default
        assert spec["option"] in Autoencoder.__doc__
    X = np.random.RandomState(0).rand(60, 4).astype(np.float32)
    fitted = Autoencoder(network=[2], variant="sparse,denoising", sparsity_weight=0.5, noise="gaussian:0.3",
                         weight_decay=0.1, weight_decay_all=True, epochs=1, random_state=0).fit(X)
    summary = str(fitted.model_.learner)
    default = next(s["default"] for s in options if s["option"] == "sparsity")
    assert f"sparsity: high_probability {default:g}, weight 0.5" in summary
    assert "noise: gaussian:0.3" in summary and "weight decay: 0.1 (every dense and conv kernel)" in summary
    adversarial = Autoencoder(network=[2], variant="adversarial", discriminator=(8, 4), prior="uniform", epochs=1)
    assert "prior uniform, discriminator 8,4" in str(adversarial.fit(X).model_.learner)
    with pytest.raises(ValueError, match="sigma applies to the robust variant, but variant is 'basic'"):
        Autoencoder(network=[2], sigma=0.3, epochs=1).fit(X)
    with pytest.raises(ValueError, match="sparsity: high_probability must be in"):
        Autoencoder(network=[2], variant="sparse", sparsity=2.0, epochs=1).fit(X)


def test_bad_values_get_the_librarys_one_line_messages(low_rank):
    with pytest.raises(ValueError, match="batch size must be at least 1, got 0"):
        Autoencoder(batch_size=0).fit(low_rank)
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'"):
        Autoencoder(optimizer="adamw").fit(low_rank)
    with pytest.raises(ValueError, match="autoencoder type"):
        Autoencoder(variant="fancy").fit(low_rank)
    with pytest.raises(ValueError, match="network"):
        Autoencoder(network=[2.5]).fit(low_rank)


# A linear autoencoder with a code of k units learns PCA's subspace: its reconstruction
# error reaches PCA's with k components (Baldi and Hornik 1989).
def test_a_linear_autoencoder_reconstructs_as_well_as_pca(low_rank):
    model = Autoencoder(network="2", optimizer="adam", learning_rate=0.01, epochs=300, random_state=1)
    codes = model.fit_transform(low_rank)
    assert codes.shape == (200, 2) and codes.dtype == np.float32
    ours = np.mean((model.reconstruct(low_rank) - low_rank) ** 2)
    pca = PCA(2).fit(low_rank)
    theirs = np.mean((pca.inverse_transform(pca.transform(low_rank)) - low_rank) ** 2)
    assert ours < 2 * theirs + 1e-5, (ours, theirs)
    # inverse_transform decodes codes; score is minus the mean reconstruction error.
    np.testing.assert_allclose(model.inverse_transform(codes), model.reconstruct(low_rank), atol=1e-6)
    assert model.score(low_rank) == pytest.approx(-np.mean((model.reconstruct(low_rank) - low_rank) ** 2), rel=1e-4)
    assert [e["epoch"] for e in model.history_] == list(range(1, 301))


def test_arrays_of_any_float_layout_give_the_same_codes(low_rank):
    model = Autoencoder(network="3", epochs=3, random_state=0).fit(low_rank)
    expected = model.transform(low_rank)
    for x in (np.asfortranarray(low_rank), low_rank.astype(np.float64), low_rank[::-1][::-1]):
        np.testing.assert_array_equal(model.transform(x), expected)


def test_pipelines_column_transformers_grid_search_clone_and_pickle(low_rank):
    pipeline = Pipeline([("scale", StandardScaler()), ("code", Autoencoder(network="2", epochs=5, random_state=0))])
    assert pipeline.fit_transform(low_rank).shape == (200, 2)
    columns = ColumnTransformer([("code", Autoencoder(network="1", epochs=3, random_state=0), [0, 1, 2])])
    assert columns.fit_transform(low_rank).shape == (200, 1)
    search = GridSearchCV(Autoencoder(epochs=5, random_state=0), {"network": ["1", "2"]}, cv=2).fit(low_rank)
    assert search.best_params_["network"] in ("1", "2")
    model = Autoencoder(network=[4, 2], epochs=3, random_state=0).fit(low_rank)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and not hasattr(copy, "model_")
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.transform(low_rank), model.transform(low_rank))


def test_a_callback_stops_training_and_the_model_keeps_what_it_learned(low_rank):
    seen = []
    model = Autoencoder(epochs=50, random_state=0, callbacks=[lambda epoch, logs: seen.append(logs["loss"]) or epoch == 3])
    model.fit(low_rank)
    assert len(seen) == 3 and len(model.history_) == 3
    assert model.model_.stop_reason == "stopped by a callback in epoch 3"


def test_the_librarys_callbacks_are_its_declared_ones():
    import inspect
    import _hourglass
    kinds = _hourglass.callback_kinds()
    assert [k["class_name"] for k in kinds] == ["EarlyStopping", "ModelCheckpoint", "CSVLogger", "ReduceLROnPlateau",
                                               "TerminateOnNaN"]
    for kind in kinds:
        parameters = inspect.signature(getattr(hourglass, kind["class_name"])).parameters
        assert list(parameters) == [p["name"] for p in kind["parameters"]]
        for p in kind["parameters"]:
            expected = inspect.Parameter.empty if p["required"] else p["default"]
            assert parameters[p["name"]].default == expected, (kind["name"], p["name"])
    assert hourglass.EarlyStopping().arguments["monitor"] == "val_loss"  # Keras's default
    assert "patience" in hourglass.EarlyStopping.__doc__
    with pytest.raises(TypeError, match="patiense"):
        hourglass.EarlyStopping(patiense=2)


def test_early_stopping_and_checkpoints_run_in_the_library(low_rank, tmp_path):
    # A min_delta no epoch can beat: patience 2 stops after epoch 3, as the library's own.
    stopped = Autoencoder(epochs=50, random_state=0,
                          callbacks=[hourglass.EarlyStopping(patience=2, min_delta=1e9, restore_best_weights=True)])
    stopped.fit(low_rank)
    assert len(stopped.history_) == 3
    assert "weights of epoch 1" in stopped.model_.stop_reason
    # Checkpoints and the CSV log beside a Python callable; the checkpoint is a model file.
    checkpoint, log, seen = tmp_path / "run.hgm", tmp_path / "history.csv", []
    model = Autoencoder(epochs=4, random_state=0,
                        callbacks=[hourglass.ModelCheckpoint(checkpoint, every=2), hourglass.CSVLogger(str(log)),
                                   lambda epoch, logs: seen.append(epoch)])
    model.fit(low_rank)
    assert seen == [1, 2, 3, 4]
    assert len(hourglass.load_model(str(checkpoint)).history) == 4
    assert len(log.read_text().strip().split("\n")) == 5  # the header and 4 epochs
    # An estimator with the library's callbacks clones and pickles (a lambda would not pickle).
    library = Autoencoder(callbacks=[hourglass.EarlyStopping(patience=3), hourglass.CSVLogger(str(log))])
    again = pickle.loads(pickle.dumps(clone(library)))
    assert again.callbacks == library.callbacks
    assert repr(again.callbacks[0]).startswith("EarlyStopping(monitor='val_loss', min_delta=0.0, patience=3")


def test_a_bad_callback_argument_is_a_value_error_with_the_librarys_message(low_rank):
    with pytest.raises(ValueError, match="EarlyStopping: patience must be an integer >= 0, got -1"):
        Autoencoder(epochs=2, callbacks=[hourglass.EarlyStopping(patience=-1)]).fit(low_rank)
    with pytest.raises(ValueError, match="ModelCheckpoint: unknown mode 'up'"):
        Autoencoder(epochs=2, callbacks=[hourglass.ModelCheckpoint("m.hgm", mode="up")]).fit(low_rank)
    with pytest.raises(ValueError, match="expected the library's callbacks"):
        Autoencoder(epochs=2, callbacks=["early"]).fit(low_rank)


# Ctrl-C, as the user presses it: SIGINT arrives during training (sent by the callback at
# the end of the first epoch, so that it is training and not before), training stops
# after its batch, and the estimator is fitted with what it learned.
def test_ctrl_c_stops_training_after_the_batch(low_rank):
    def interrupt(epoch, logs):
        if epoch == 1:
            os.kill(os.getpid(), signal.SIGINT)

    model = Autoencoder(epochs=1000, batch_size=1, random_state=0, callbacks=interrupt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(low_rank)
    assert 1 <= len(model.history_) < 1000
    assert any("training stopped by the user" in str(w.message) for w in caught)
    assert model.transform(low_rank).shape == (200, model.model_.code_dim)


def test_verbose_prints_the_epoch_lines_the_command_line_prints(low_rank, capfd):
    Autoencoder(epochs=2, random_state=0, verbose=True).fit(low_rank)
    err = capfd.readouterr().err
    assert "Epoch 1/2" in err and "Epoch 2/2" in err and "loss:" in err


def test_images_train_on_n_c_h_w_arrays():
    rng = np.random.default_rng(0)
    images = rng.random((40, 1, 6, 6), dtype=np.float32)
    model = Autoencoder(network="8", epochs=2, random_state=0).fit(images)
    assert model.transform(images).shape == (40, 8)
    assert model.reconstruct(images).shape == (40, 1, 6, 6)


def test_a_table_with_categories_and_holes_comes_back_with_its_columns_and_levels(iris):
    table = iris.copy()
    table.loc[3, "Sepal.Width"] = np.nan
    table.loc[5, "Species"] = None
    model = Autoencoder(network="3", scale="zscore", epochs=20, random_state=0).fit(table)
    assert list(model.feature_names_in_) == list(iris.columns)
    back = model.reconstruct(table)
    assert list(back.columns) == list(iris.columns) and list(back.index) == list(table.index)
    assert list(back["Species"].cat.categories) == ["setosa", "versicolor", "virginica"]
    filled = model.impute(table)
    assert not filled.isna().any().any()
    assert filled.loc[0, "Sepal.Length"] == pytest.approx(table.loc[0, "Sepal.Length"], abs=1e-6)
    typo = table.head(3).copy()
    typo.loc[1, "Species"] = "virginca"
    with pytest.raises(ValueError, match="virginca"):
        model.transform(typo)


def test_errors_are_scikit_learns_kinds_with_the_librarys_message(iris, low_rank):
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        Autoencoder().transform(low_rank)
    model = Autoencoder(network="2", epochs=2, random_state=0).fit(low_rank)
    with pytest.raises(ValueError, match="features"):
        model.transform(low_rank[:, :4])  # a wrong shape
    numbers = iris.drop(columns="Species")
    model = Autoencoder(network="2", epochs=2, random_state=0).fit(numbers)
    words = numbers.head(4).copy()
    words["Petal.Length"] = words["Petal.Length"].astype(object)
    words.loc[1, "Petal.Length"] = "tall"  # a text column where numbers were fitted
    with pytest.raises(ValueError, match="Petal.Length"):
        model.transform(words)
    with pytest.raises(ValueError, match="Expected 2D array"):
        model.transform(np.zeros(4))
