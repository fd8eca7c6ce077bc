"""The estimators' arguments, read from the library's declarations.

Nothing here names a training option or its default: the list, the defaults, the types
and the valid names come from the C++ library (``train_option_specs()``), as the
command line and R read them. Two conventions of scikit-learn rename an option: its
estimators call the seed ``random_state``.
"""
import inspect
import json

import _hourglass

# scikit-learn's spelling of a declared option where it has one of its own.
SKLEARN_NAMES = {"seed": "random_state"}


def train_option_specs():
    """The training options as the library declares them.

    A list of dicts with ``name``, ``type`` (flag, integer, number, name, names, seed),
    ``default``, ``default_text``, ``help``, ``aliases`` and, where declared, ``choices``,
    ``min`` and ``max``.
    """
    return json.loads(_hourglass.train_option_specs())


def estimator_options():
    """(argument name, declaration) for each option an estimator takes."""
    return [(SKLEARN_NAMES.get(spec["name"], spec["name"]), spec)
            for spec in train_option_specs() if spec["in_bindings"]]


def _immutable(value):
    # scikit-learn's checks want defaults that cannot be changed in place.
    return tuple(value) if isinstance(value, list) else value


def declared_parameters(own, option_defaults=None):
    """The parameters of an estimator: `own` (name -> default) then the training options,
    with the library's defaults or, for the options in `option_defaults`, those."""
    option_defaults = option_defaults or {}
    parameters = dict(own)
    for name, spec in estimator_options():
        parameters[name] = _immutable(option_defaults.get(name, spec["default"]))
    return parameters


def _plain(value):
    """An argument as the core reads it: a tuple as a list, a NumPy scalar (from a
    parameter grid) as Python's own."""
    if isinstance(value, tuple):
        value = list(value)
    return value.item() if hasattr(value, "item") else value


def variant_options():
    """The variants' parameters as the library declares them (variant_kind.hpp): a list of
    dicts with ``option`` (the argument's name), ``variant``, ``parameter``, ``describe``,
    ``default`` and ``help``."""
    return _hourglass.variant_options()


def variant_parameters():
    """The estimators' variant arguments, each None: the declared default, applied only
    when its variant is chosen."""
    return {spec["option"]: None for spec in variant_options()}


def variant_option_values(estimator):
    """The variant arguments the estimator was given (not None), for the core."""
    values = []
    for spec in variant_options():
        value = getattr(estimator, spec["option"])
        if value is not None:
            values.append((spec["option"], _plain(value)))
    return values


def detector_option_defaults():
    """The options the library's default anomaly detector sets (train/detector.hpp), by
    the estimators' names: the defaults of AutoencoderDetector."""
    recipe = _hourglass.default_detector(1, 1)  # the options do not depend on the shape
    values = json.loads(recipe["options"])
    return {SKLEARN_NAMES.get(name, name): values[name] for name in recipe["names"]}


def options_json(estimator):
    """The estimator's training options as the library's JSON form reads them."""
    options = {}
    for name, spec in estimator_options():
        options[spec["name"]] = _plain(getattr(estimator, name))
    return json.dumps(options)


def with_declared_parameters(own, doc_intro, option_defaults=None):
    """A class decorator: an ``__init__`` whose keyword arguments are `own` and the
    declared options, each stored unchanged (scikit-learn's convention), with a
    signature that ``get_params``, ``clone`` and ``help()`` read."""
    def decorate(cls):
        parameters = declared_parameters(own, option_defaults)

        def __init__(self, **params):
            for name in params:
                if name not in parameters:
                    raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {name!r}")
            for name, default in parameters.items():
                setattr(self, name, params.get(name, default))

        __init__.__signature__ = inspect.Signature(
            [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
            + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
               for name, default in parameters.items()])
        cls.__init__ = __init__
        lines = [doc_intro, "", "Variant parameters (declared by the library; None: the default, used only when "
                 "the variant is chosen):"]
        for spec in variant_options():
            lines.append(f"    {spec['option']} : {spec['describe']}, default None ({spec['variant']}: "
                         f"{spec['default']!r})")
            lines.append(f"        {spec['help']}")
        lines += ["", "Training options (declared by the library):"]
        for name, spec in estimator_options():
            default = (f"{option_defaults[name]!r} (the default detector's)" if name in (option_defaults or {})
                       else spec["default_text"])
            lines.append(f"    {name} : {spec['type']}, default {default}")
            lines.append(f"        {spec['help']}")
        cls.__doc__ = (cls.__doc__ or "") + "\n" + "\n".join(lines)
        return cls
    return decorate
