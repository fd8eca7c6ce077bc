"""The estimators: a scikit-learn transformer and a PyOD-style detector on the same core."""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

import _hourglass

from ._callbacks import CALLBACKS, LibraryCallback
from ._data import as_output, codes_of, rows_of
from ._options import (detector_option_defaults, options_json, variant_option_values, variant_parameters,
                       with_declared_parameters)

# The learner's own arguments besides the training options: the network (ruta's string,
# "16,2:tanh", a layer expression, or a list of sizes; None sizes it to the data), the
# variant(s) and the loss, with the library's defaults; how training talks back; then the
# variants' parameters (None: the declared default).
_LEARNER = {"network": None, **_hourglass.learner_defaults(), "verbose": False, "callbacks": None,
            **variant_parameters()}


def _network_text(network, width):
    if network is None:
        return _hourglass.default_network(width)
    if isinstance(network, str):
        return network
    sizes = list(network)
    if not sizes or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes):
        raise ValueError(f"network: expected ruta's network string such as '16,2:tanh' or a list of layer sizes "
                         f"such as [16, 2], got {network!r}")
    return ",".join(str(int(s)) for s in sizes)


def _values_per_row(rows):
    """A row's values as the data has them: a table's columns, an image's pixels."""
    return int(np.prod(rows.values.shape[1:])) if rows.values.ndim > 1 else 1


def _split_callbacks(callbacks):
    """The library's callbacks (EarlyStopping, ...) as the core makes them, and one callable
    for the Python ones: each gets (epoch, logs); any returning True stops training."""
    if callbacks is None:
        return [], None
    callbacks = list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
    library = [c.core_arguments() for c in callbacks if isinstance(c, LibraryCallback)]
    hooks = [c for c in callbacks if not isinstance(c, LibraryCallback)]
    for callback in hooks:
        if not callable(callback):
            raise ValueError(f"callbacks: expected the library's callbacks ({', '.join(CALLBACKS)}) or callables "
                             f"taking (epoch, logs), got {callback!r}")
    if not hooks:
        return library, None
    return library, lambda epoch, logs: any([bool(callback(epoch, logs)) for callback in hooks])


class _Core(BaseEstimator):
    """What both estimators share: fitting the core's model and reading data for it."""

    def _network_and_options(self, rows):
        """The network's text (None: sized to the coded width) and the training options'
        JSON for these rows."""
        width = _values_per_row(rows)
        if rows.is_table:
            width = _hourglass.table_width(rows.levels)
        return _network_text(self.network, width), options_json(self)

    def _fit_model(self, X):
        rows = rows_of(self, X, reset=True)
        network, options = self._network_and_options(rows)
        learner = _hourglass.learner(network, self.variant, self.loss, variant_option_values(self))
        library, hook = _split_callbacks(self.callbacks)
        self.model_ = _hourglass.fit(learner, rows.values, rows.columns, rows.levels, options,
                                     bool(self.verbose), hook, library)
        self.history_ = self.model_.history
        reason = self.model_.stop_reason
        if reason.startswith("interrupted"):
            warnings.warn(f"training stopped by the user ({reason}); the model keeps what it learned")
        return rows

    def _rows(self, X):
        check_is_fitted(self, "model_")
        return rows_of(self, X, reset=False)

    def save(self, path):
        """Writes the model file the command line and R read (hourglass score, load_model())."""
        check_is_fitted(self, "model_")
        self.model_.save(str(path))

    def _more_tags(self):
        # Missing cells are holes the model fills and leaves out of the loss; the codes and
        # reconstructions are float32 whatever came in (the core computes in float32).
        return {"allow_nan": True, "preserves_dtype": [np.float32]}


@with_declared_parameters(_LEARNER, "Parameters: network, variant, loss, verbose, callbacks and:")
class Autoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, _Core):
    """An autoencoder as a scikit-learn transformer: transform() gives the codes,
    inverse_transform() decodes them, reconstruct() gives the data back through the
    code, score() is the negative mean reconstruction error (higher is better).

    network : ruta's network string ("16,2:tanh"), a layer expression, a list of
        sizes, or None for the library's default sized to the data.
    variant : "basic", "sparse", "denoising,robust", ... (hourglass.variant_names()).
    loss : the reconstruction loss (hourglass.loss_names()).
    verbose : print a line per epoch on stderr.
    callbacks : the library's callbacks (hourglass.EarlyStopping, ModelCheckpoint,
        CSVLogger, ReduceLROnPlateau) and callables called after each epoch with
        (epoch, logs); one returning True stops training, and the model keeps what it
        learned (as Ctrl-C does).
    """

    def fit(self, X, y=None):
        self._fit_model(X)
        self._n_features_out = self.model_.code_dim
        return self

    def transform(self, X):
        rows = self._rows(X)
        return self.model_.encode(rows.values, rows.columns, rows.levels)

    def inverse_transform(self, Z):
        check_is_fitted(self, "model_")
        return self.model_.decode(codes_of(self, Z))

    def reconstruct(self, X):
        """X through the code and back, in X's layout (a DataFrame's columns and levels)."""
        rows = self._rows(X)
        return as_output(self.model_.reconstruct(rows.values, rows.columns, rows.levels), rows, self.model_)

    predict = reconstruct

    def impute(self, X):
        """X with its missing cells (NaN) filled from their reconstruction; the others kept."""
        rows = self._rows(X)
        return as_output(self.model_.impute(rows.values, rows.columns, rows.levels), rows, self.model_)

    def score(self, X, y=None):
        rows = self._rows(X)
        return -float(np.mean(self.model_.score(rows.values, rows.columns, rows.levels, "reconstruction", 1)))


@with_declared_parameters({**_LEARNER, "contamination": 0.1, "threshold": None},
                          "Parameters: network, variant, loss, verbose, callbacks, contamination, threshold and:",
                          detector_option_defaults())
class AutoencoderDetector(_Core):
    """An outlier detector as PyOD's detectors are: fit(X) sets decision_scores_ (the
    training rows' reconstruction scores), threshold_ (their 1 - contamination quantile)
    and labels_ (1 for an outlier, 0 otherwise); decision_function(X) scores new rows,
    higher being more unusual; predict(X) flags them; predict_proba(X) gives the chance
    of each label.

    By default it is the library's default detector, as ``hourglass train DATA
    --contamination C`` builds it: network=None gives a dense layer of one unit per
    column or per 100 rows, whichever is more (at most 64), and a code of half that
    (relu), and its training options default to the detector's: z-scores,
    five networks, each batch's worst 30% of rows left out of the loss and an "(other)"
    level for unseen categories (bench/README.md measures it against IsolationForest).

    contamination : the share of outliers expected in the training data, in (0, 0.5]
        (PyOD's default 0.1); it sets the threshold unless `threshold` is given.
    threshold : one of the library's other threshold rules instead, as the command line's
        --threshold takes them: "mad:K" (median + K x 1.4826 x MAD of the training
        scores), "iqr:K" (Q3 + K x IQR) or a number.
    """

    def _network_and_options(self, rows):
        """With network=None, the library's default detector's network for these rows
        and columns (as `hourglass train DATA --contamination C`)."""
        if self.network is not None:
            return super()._network_and_options(rows)
        return _hourglass.default_detector(_values_per_row(rows), len(rows.values))["network"], options_json(self)

    def fit(self, X, y=None):
        rows = self._fit_model(X)
        self.decision_scores_ = self.model_.score(rows.values, rows.columns, rows.levels, "reconstruction", 1)
        rule = f"contamination:{self.contamination}" if self.threshold is None else str(self.threshold)
        self.threshold_ = self.model_.set_threshold(self.decision_scores_, rule, "reconstruction")
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(int)
        return self

    def decision_function(self, X):
        rows = self._rows(X)
        return self.model_.score(rows.values, rows.columns, rows.levels, "reconstruction", 1)

    def predict(self, X):
        return (self.decision_function(X) > self.threshold_).astype(int)

    def decision_function_per_feature(self, X):
        """Rows x columns: each column's share of its row's score (they sum to the score;
        a missing cell's share is 0), a DataFrame where X is one: which cells make a row
        unusual."""
        rows = self._rows(X)
        shares = self.model_.score_per_feature(rows.values, rows.columns, rows.levels)
        return as_output(shares, rows, self.model_, as_levels=False)

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_

    def predict_proba(self, X, method="linear"):
        """Rows x 2: the chance of being an inlier, then an outlier. "linear" scales the
        scores by the training scores' range (PyOD's default), "unify" by their mean and
        standard deviation through the error function (Kriegel et al. 2011)."""
        scores = self.decision_function(X).astype(np.float64)
        train = self.decision_scores_.astype(np.float64)
        if method == "linear":
            low, high = train.min(), train.max()
            outlier = np.clip((scores - low) / (high - low if high > low else 1.0), 0.0, 1.0)
        elif method == "unify":
            from math import erf, sqrt
            z = (scores - train.mean()) / (train.std() or 1.0)
            outlier = np.clip([erf(v / sqrt(2)) for v in z], 0.0, 1.0)
        else:
            raise ValueError(f"method: expected 'linear' or 'unify', got {method!r}")
        return np.column_stack([1.0 - outlier, outlier])
