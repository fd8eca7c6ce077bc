"""Data as the core takes it: float32 rows (or N x C x H x W images) and, for a table,
its columns' names and levels.

A pandas DataFrame with categorical, text or boolean columns is a table: each such
column's cells become indices into its levels (NaN where missing), as the command line
and R code a CSV file; the core then maps them to the model's own levels, so a level the
model never saw is refused by name, as everywhere else.
"""
import numpy as np
from sklearn.utils.validation import check_array

try:
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype
except ImportError:  # pandas is optional: arrays work without it
    pd = None


class Rows:
    """What the core reads: `values` (float32), and a table's `columns` and `levels`
    (one list per column, empty for a number)."""

    def __init__(self, values, columns=(), levels=(), frame_index=None):
        self.values = values
        self.columns = list(columns)
        self.levels = [list(map(str, level)) for level in levels]
        self.frame_index = frame_index  # the input DataFrame's index, to give it back

    @property
    def is_table(self):
        return any(self.levels)


def _is_category_column(column):
    return is_bool_dtype(column.dtype) or not is_numeric_dtype(column.dtype)


def _column_levels(column):
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(level) for level in column.cat.categories]
    return sorted({str(value) for value in column.dropna()})


def _coded_column(column, levels):
    position = {level: i for i, level in enumerate(levels)}
    codes = np.full(len(column), np.nan, dtype=np.float32)
    present = column.notna().to_numpy()
    codes[present] = [position[str(value)] for value in column[present]]
    return codes


def _table(frame):
    """A DataFrame with category columns, coded."""
    values = np.empty((len(frame), frame.shape[1]), dtype=np.float32)
    levels = []
    for j, name in enumerate(frame.columns):
        column = frame.iloc[:, j]
        if _is_category_column(column):
            levels.append(_column_levels(column))
            values[:, j] = _coded_column(column, levels[-1])
        else:
            numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isinf(numbers).any():
                raise ValueError(f"Input contains infinity in column {name!r}; replace it or mark it missing (NaN)")
            values[:, j] = numbers
            levels.append([])
    return Rows(values, [str(c) for c in frame.columns], levels, frame.index)


def rows_of(estimator, X, reset):
    """`X` checked as scikit-learn checks data (2-D or images, finite or NaN, at least
    one row and column), with n_features_in_ and feature_names_in_ set or compared."""
    if pd is not None and isinstance(X, pd.DataFrame) and any(_is_category_column(X[c]) for c in X.columns):
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"Found array with {X.shape[0]} sample(s) and {X.shape[1]} feature(s) while at least "
                             "1 is required")
        estimator._check_feature_names(X, reset=reset)
        estimator._check_n_features(X, reset=reset)
        return _table(X)
    index = X.index if pd is not None and isinstance(X, pd.DataFrame) else None
    columns = [str(c) for c in X.columns] if index is not None else []
    values = estimator._validate_data(X, reset=reset, dtype=[np.float32, np.float64], force_all_finite="allow-nan",
                                      allow_nd=True)
    return Rows(np.asarray(values, dtype=np.float32), columns, [], index)


def codes_of(estimator, Z):
    """Codes for decoding: 2-D, finite, as wide as the model's code."""
    Z = check_array(Z, dtype=[np.float32, np.float64])
    if Z.shape[1] != estimator.model_.code_dim:
        raise ValueError(f"Z has {Z.shape[1]} features, but {type(estimator).__name__} has codes of "
                         f"{estimator.model_.code_dim}")
    return np.asarray(Z, dtype=np.float32)


def as_output(values, rows, model, as_levels=True):
    """Rows in the data's layout: a DataFrame with the table's columns, categories as
    their level names (unless `as_levels` is False: numbers per column), where the input was
    a DataFrame; an array otherwise."""
    if rows.frame_index is None or pd is None:
        return values
    frame = pd.DataFrame(values.reshape(len(values), -1), columns=model.columns or rows.columns,
                         index=rows.frame_index)
    for name, levels in zip(frame.columns, model.levels if as_levels else []):
        if levels:
            codes = frame[name].to_numpy()
            present = ~np.isnan(codes)
            column = pd.Series(pd.NA, index=frame.index, dtype="object")
            column[present] = [levels[int(c)] for c in codes[present]]
            frame[name] = pd.Categorical(column, categories=levels)
    return frame
