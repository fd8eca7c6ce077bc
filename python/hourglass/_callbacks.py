"""The library's callbacks, as Keras names them: EarlyStopping, ModelCheckpoint, CSVLogger,
ReduceLROnPlateau and TerminateOnNaN.

Each class is made from the C++ library's declaration (callback_kind.hpp): its
arguments, their order, defaults and help are the ones R's callback_*() functions and
the library have; nothing here names one. An estimator's ``callbacks`` takes them beside
Python callables::

    Autoencoder(epochs=500, validation_split=0.2,
                callbacks=[EarlyStopping(patience=5, restore_best_weights=True)])
"""
import inspect
import os

import _hourglass

from ._options import _plain


class LibraryCallback:
    """A callback the library runs during training, with its arguments."""

    _kind = None  # the declaration, one per class

    def __init__(self, *args, **kwargs):
        bound = self.__signature__.bind(*args, **kwargs)
        bound.apply_defaults()
        self.arguments = dict(bound.arguments)

    def core_arguments(self):
        """(name, [(argument, value)]) as the core makes the callback; None is the default,
        and a path (pathlib) is its text."""
        return self._kind["name"], [(k, os.fspath(v) if isinstance(v, os.PathLike) else _plain(v))
                                    for k, v in self.arguments.items() if v is not None]

    def __repr__(self):
        given = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        return f"{type(self).__name__}({given})"

    def __eq__(self, other):
        return type(self) is type(other) and self.arguments == other.arguments


def _docstring(kind):
    lines = [kind["help"][0].upper() + kind["help"][1:] + ".", "", "Parameters", "----------"]
    for p in kind["parameters"]:
        lines.append(f"{p['name']} : {p['describe']}" + ("" if p["required"] else f", default {p['default']!r}"))
        lines.append(f"    {p['help']}")
    return "\n".join(lines)


def _library_class(kind):
    empty = inspect.Parameter.empty
    parameters = [inspect.Parameter(p["name"], inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    default=empty if p["required"] else p["default"])
                  for p in kind["parameters"]]
    return type(kind["class_name"], (LibraryCallback,),
                {"__doc__": _docstring(kind), "__signature__": inspect.Signature(parameters), "_kind": kind,
                 "__module__": "hourglass"})


CALLBACKS = {kind["class_name"]: _library_class(kind) for kind in _hourglass.callback_kinds()}
