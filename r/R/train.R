#' Train a learner
#'
#' @param learner A learner, e.g. `autoencoder(c(6, 2))`
#' @param ... See [train.ruta_autoencoder()]
#' @export
train <- function(learner, ...) UseMethod("train")

#' Train an autoencoder
#'
#' Fits the learner's network to reconstruct `data` and returns the learner with its
#' trained model ([is_trained()] becomes `TRUE`). Training a learner that is already
#' trained continues from its weights, as fitting a Keras model again does: with its
#' optimizer's state, scaler and random generator, numbering the epochs on and adding
#' them to `$history` (the learner given is left as it was). Ctrl-C stops training
#' after the current batch: the learner comes back with what it learned so far, and a
#' warning.
#' @param learner A `"ruta_autoencoder"`, untrained or trained
#' @param data A numeric matrix (rows are instances), or an array `(n, steps, channels)`
#'   or `(n, height, width, channels)` for convolutional networks
#' @param validation_data Data of the same kind, not trained on, whose loss (and
#'   metrics) each epoch reports
#' @param metrics Metric names reported per epoch: `"mean_squared_error"`,
#'   `"mean_absolute_error"`, `"binary_crossentropy"`, `"binary_accuracy"`,
#'   `"kullback_leibler_divergence"` and the other losses
#' @param epochs Passes over the data (more passes, for a trained learner)
#' @param optimizer `"rmsprop"` (the default for a new learner), `"sgd"`, `"adam"`,
#'   `"adamax"`, `"adagrad"` or `"adadelta"` (the names in
#'   `train_option_spec("optimizer")$choices`; Keras's spellings such as `"Adam"` too), with
#'   Keras's default learning rates; a trained learner keeps its own unless another is given
#' @param callbacks A list of callbacks ([callback_early_stopping()],
#'   [callback_model_checkpoint()], [callback_csv_logger()],
#'   [callback_reduce_lr_on_plateau()], [callback_learning_rate_scheduler()],
#'   [callback_terminate_on_nan()], [callback_lambda()])
#' @param ... Further options. Every training option of the library, declared once
#'   there with its type, default, range and help: [train_options()] lists them
#'   (`batch_size`, `shuffle`, `validation_split`, `learning_rate`, `momentum`, `seed`,
#'   `scale`, `clip_grad_norm`, `precision`, `trim`, `ensemble`, `missing_indicators`,
#'   `other_level`, ...). `seed` is drawn from R's generator when not given, so
#'   `set.seed()` makes training reproducible (a trained learner goes on with its
#'   generator unless one is given). Also `early_stopping` (patience in epochs, 0 = off,
#'   keeping the best epoch's weights; or use [callback_early_stopping()]) with
#'   `min_delta`, `checkpoint` (a file written every `checkpoint_every` epochs), and
#'   `verbose` (one line per epoch; `getOption("hourglass.verbose", TRUE)`)
#' @return The learner, trained (invisibly); `$history` holds a row per epoch
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' model <- train(autoencoder(2), x, epochs = 5, verbose = FALSE)
#' model <- train(model, x, epochs = 5, verbose = FALSE)  # epochs 6 to 10
#' }
#' @export
train.ruta_autoencoder <- function(learner, data, validation_data = NULL, metrics = NULL,
                                   epochs = train_option_default("epochs"), optimizer = NULL, callbacks = NULL, ...) {
  extra <- list(...)
  if ("resume" %in% names(extra)) {
    stop("train(): resume = was removed; train(load_from(\"checkpoint.hgm\"), data, epochs = N) continues the run ",
         "a checkpoint holds, to N epochs in all", call. = FALSE)
  }
  declared <- train_option_defaults()
  # Options with an argument of their own, and train()'s own: callbacks given as options.
  defaults <- c(declared[setdiff(names(declared), c("epochs", "optimizer", "metrics"))],
                list(early_stopping = 0, min_delta = 0, checkpoint = "", checkpoint_every = 1,
                     verbose = getOption("hourglass.verbose", TRUE)))
  unknown <- setdiff(names(extra), names(defaults))
  if (length(unknown) > 0 || (length(extra) > 0 && is.null(names(extra)))) {
    stop("train(): unknown option ", paste0("'", unknown, "'", collapse = ", "), " (valid: ",
         paste(c("validation_data", "metrics", "epochs", "optimizer", "callbacks", names(defaults)), collapse = ", "),
         ")", call. = FALSE)
  }
  if (!is.null(optimizer) && (!is.character(optimizer) || length(optimizer) != 1)) {
    stop("train(): optimizer must be a name (", paste(train_option_spec("optimizer")$choices, collapse = ", "),
         "), got a ", class(optimizer)[1], call. = FALSE)
  }
  # Keras's spelling of an optimizer ("Adam", "SGD", "RMSprop") names the same one.
  optimizers <- train_option_spec("optimizer")$choices
  if (!is.null(optimizer) && !optimizer %in% optimizers && tolower(optimizer) %in% optimizers) {
    optimizer <- tolower(optimizer)
  }
  options <- utils::modifyList(defaults, extra)
  continuing <- is_trained(learner)
  if (!continuing) options$seed <- options$seed %||% draw_seed()
  options$epochs <- epochs
  options$optimizer <- optimizer
  options$metrics <- as.character(unlist(metrics))
  callbacks <- c(legacy_callbacks(options), as_callbacks(callbacks))
  verbose <- isTRUE(options$verbose)
  x <- as_data(data)
  check_sequence_layout(learner, x)
  # Validation rows in the training data's levels (a level it lacks reads as missing).
  validation <- if (is.null(validation_data)) NULL else
    as_data(validation_data, "validation_data", attr(x, "hourglass_levels"))
  result <- if (continuing) {
    call_core(hg_train_more, model_of(learner), x, validation, options, verbose, callbacks)
  } else {
    call_core(hg_train, core_learner(learner), x, validation, options, verbose, callbacks)
  }
  if (startsWith(result$stop_reason, "interrupted")) {
    warning("training stopped by the user (", result$stop_reason, "); the model keeps what it learned so far",
            call. = FALSE)
  } else if (verbose && nzchar(result$stop_reason)) {
    message("Stopped: ", result$stop_reason)
  }
  invisible(attach_model(learner, result))
}

#' The training options
#'
#' Every option [train()] takes, as the library declares it once (the command line's
#' flags, e.g. `--batch-size`, and the Python package read the same declaration).
#' @return A data frame with a row per option: `name`, `type` (`"flag"`, `"integer"`,
#'   `"number"`, `"name"`, `"names"` or `"seed"`), `default` (as text), `help` and
#'   `choices` (the valid names, where there is a list of them)
#' @examples
#' train_options()[, c("name", "default")]
#' @export
train_options <- function() {
  specs <- hg_train_option_specs()
  field <- function(name) vapply(specs, function(spec) spec[[name]], "")
  data.frame(name = field("name"), type = field("type"), default = field("default_text"), help = field("help"),
             choices = vapply(specs, function(spec) paste(spec$choices, collapse = ", "), ""),
             stringsAsFactors = FALSE)
}

# The declaration of one option (a list: name, type, default, default_text, help, choices).
train_option_spec <- function(name) {
  for (spec in hg_train_option_specs()) if (spec$name == name) return(spec)
  stop("no training option '", name, "'", call. = FALSE)
}

# Each option's default, as the library declares it (NULL for a seed to be drawn).
train_option_default <- function(name) train_option_spec(name)$default

train_option_defaults <- function() {
  specs <- hg_train_option_specs()
  stats::setNames(lapply(specs, function(spec) spec$default), vapply(specs, function(spec) spec$name, ""))
}

# The options train() took before callbacks, as the callbacks they are.
legacy_callbacks <- function(options) {
  list <- list()
  if (!is.numeric(options$early_stopping) || length(options$early_stopping) != 1 || options$early_stopping < 0) {
    stop("train(): early_stopping must be a patience in epochs (0: off), got ", deparse(options$early_stopping),
         call. = FALSE)
  }
  if (options$early_stopping > 0) {
    list <- c(list, list(callback_early_stopping(monitor = "", patience = options$early_stopping,
                                                 min_delta = options$min_delta, restore_best_weights = TRUE)))
  }
  if (nzchar(options$checkpoint)) {
    list <- c(list, list(callback_model_checkpoint(options$checkpoint, every = options$checkpoint_every)))
  }
  list
}

#' Encode data in one call
#'
#' Trains `input() + dense(dim, activation) + output()` as the chosen kind of
#' autoencoder and returns the encoding of the same data.
#' @param data A numeric matrix
#' @param dim Size of the encoding
#' @param type `"basic"`, `"sparse"`, `"contractive"`, `"denoising"`, `"robust"` or
#'   `"variational"`
#' @param activation Activation of the encoding layer
#' @param epochs Passes over the data
#' @return A matrix with `dim` columns
#' @examples
#' \donttest{
#' encoded <- as.matrix(iris[, 1:4]) |> autoencode(2, "robust")
#' }
#' @export
autoencode <- function(data, dim, type = "basic", activation = "linear", epochs = train_option_default("epochs")) {
  make <- switch(tolower(type), basic = autoencoder, sparse = autoencoder_sparse,
                 contractive = autoencoder_contractive, denoising = autoencoder_denoising,
                 robust = autoencoder_robust, variational = autoencoder_variational,
                 stop("unknown autoencoder type '", type,
                      "' (valid: basic, sparse, contractive, denoising, robust, variational)", call. = FALSE))
  make(input() + dense(dim, activation = activation) + output()) |>
    train(data, epochs = epochs) |>
    encode(data)
}

# R's sequences are (n, steps, channels), Keras's layout. A recurrent network given an
# array with fewer steps than channels was probably given (n, channels, steps): say so.
check_sequence_layout <- function(learner, x) {
  d <- dim(x)
  if (length(d) != 3 || d[2] >= d[3] || !inherits(learner, "ruta_autoencoder")) return(invisible())
  recurrent <- any(vapply(learner$network, inherits, logical(1), c("ruta_layer_lstm", "ruta_layer_gru")))
  if (recurrent) {
    warning("the data are ", d[1], " sequences of ", d[2], " steps with ", d[3], " channels each (R's layout is ",
            "(n, steps, channels), as Keras's); for ", d[3], " steps of ", d[2], " channels, give ",
            "aperm(x, c(1, 3, 2))", call. = FALSE)
  }
}
