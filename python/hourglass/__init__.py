"""Hourglass for Python: autoencoders on Hourglass's C++ core.

    from hourglass import Autoencoder, AutoencoderDetector
    codes = Autoencoder(network="16,2:tanh", epochs=100, random_state=1).fit_transform(X)
    detector = AutoencoderDetector(contamination=0.05).fit(table)   # PyOD's interface
    detector.labels_, detector.decision_function(new_rows)
    Autoencoder(epochs=500, callbacks=[EarlyStopping(patience=5)])  # the library's callbacks

The estimators follow scikit-learn's conventions (get_params, clone, pipelines, grid
search, pickling); their training options are the library's declared ones, as the
command line and R have them (train_option_specs()). A model saved here (save(path))
is the file `hourglass score` and R's load_model() read, and load_model() reads theirs.
"""
from _hourglass import Model, loss_names, variant_names, version

from ._callbacks import CALLBACKS, LibraryCallback
from ._estimator import Autoencoder, AutoencoderDetector
from ._options import train_option_specs, variant_options

# EarlyStopping, ModelCheckpoint, CSVLogger, ReduceLROnPlateau, TerminateOnNaN: made from
# the library's declaration of its callbacks (_callbacks.py).
globals().update(CALLBACKS)

__version__ = version()
load_model = Model.load

__all__ = ["Autoencoder", "AutoencoderDetector", "LibraryCallback", "Model", "load_model", "loss_names",
           "train_option_specs", "variant_names", "variant_options", *CALLBACKS]
