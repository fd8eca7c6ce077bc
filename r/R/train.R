#' Train a learner
#'
#' @param learner A learner, e.g. `autoencoder(c(6, 2))`
#' @param ... See [train.ruta_autoencoder()]
#' @export
train <- function(learner, ...) UseMethod("train")

#' Train an autoencoder
#'
#' Fits the learner's network to reconstruct `data` and returns the learner with its
#' trained model ([is_trained()] becomes `TRUE`). Ctrl-C stops training after the
#' current batch: the learner comes back with what it learned so far, and a warning.
#' @param learner A `"ruta_autoencoder"`
#' @param data A numeric matrix (rows are instances), or an array `(n, steps, channels)`
#'   or `(n, height, width, channels)` for convolutional networks
#' @param validation_data Data of the same kind, not trained on, whose loss (and
#'   metrics) each epoch reports
#' @param metrics Metric names reported per epoch: `"mean_squared_error"`,
#'   `"mean_absolute_error"`, `"binary_crossentropy"`, `"binary_accuracy"`,
#'   `"kullback_leibler_divergence"`
#' @param epochs Passes over the data
#' @param optimizer `"rmsprop"`, `"sgd"`, `"adam"`, `"adamax"` or `"adagrad"`
#' @param ... Further options: `batch_size` (32), `shuffle` (`TRUE`),
#'   `validation_split` (0), `learning_rate` (the optimizer's Keras default), `momentum`
#'   (sgd), `seed` (drawn from R's generator, so `set.seed()` makes training
#'   reproducible), `scale` (`"none"`, `"zscore"`, `"minmax"`), `early_stopping`
#'   (patience in epochs, 0 = off), `min_delta`, `clip_grad_norm`, `precision` (`"fp32"`
#'   or `"bf16"`), `checkpoint`, `checkpoint_every`, `resume`, `verbose` (one line per
#'   epoch; `getOption("hourglass.verbose", TRUE)`)
#' @return The learner, trained (invisibly); `$history` holds a row per epoch
#' @examples
#' \donttest{
#' model <- train(autoencoder(2), as.matrix(iris[, 1:4]), epochs = 5, verbose = FALSE)
#' }
#' @export
train.ruta_autoencoder <- function(learner, data, validation_data = NULL, metrics = NULL, epochs = 20,
                                   optimizer = "rmsprop", ...) {
  extra <- list(...)
  defaults <- list(batch_size = 32, shuffle = TRUE, validation_split = 0, learning_rate = 0, momentum = 0,
                   seed = NULL, scale = "none", early_stopping = 0, min_delta = 0, clip_grad_norm = 0,
                   precision = "fp32", checkpoint = "", checkpoint_every = 1, resume = "",
                   verbose = getOption("hourglass.verbose", TRUE))
  unknown <- setdiff(names(extra), names(defaults))
  if (length(unknown) > 0 || (length(extra) > 0 && is.null(names(extra)))) {
    stop("train(): unknown option ", paste0("'", unknown, "'", collapse = ", "), " (valid: ",
         paste(c("validation_data", "metrics", "epochs", "optimizer", names(defaults)), collapse = ", "), ")",
         call. = FALSE)
  }
  if (!is.character(optimizer) || length(optimizer) != 1) {
    stop("train(): optimizer must be a name (rmsprop, sgd, adam, adamax, adagrad), got a ", class(optimizer)[1],
         call. = FALSE)
  }
  options <- utils::modifyList(defaults, extra)
  options$seed <- options$seed %||% draw_seed()
  options$epochs <- epochs
  options$optimizer <- optimizer
  options$metrics <- as.character(unlist(metrics))
  verbose <- isTRUE(options$verbose)
  options$verbose <- NULL
  validation <- if (is.null(validation_data)) NULL else as_data(validation_data, "validation_data")
  result <- call_core(hg_train, core_learner(learner), as_data(data), validation, options, verbose)
  if (startsWith(result$stop_reason, "interrupted")) {
    warning("training stopped by the user (", result$stop_reason, "); the model keeps what it learned so far",
            call. = FALSE)
  } else if (verbose && nzchar(result$stop_reason)) {
    message("Stopped: ", result$stop_reason)
  }
  invisible(attach_model(learner, result))
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
autoencode <- function(data, dim, type = "basic", activation = "linear", epochs = 20) {
  make <- switch(tolower(type), basic = autoencoder, sparse = autoencoder_sparse,
                 contractive = autoencoder_contractive, denoising = autoencoder_denoising,
                 robust = autoencoder_robust, variational = autoencoder_variational,
                 stop("unknown autoencoder type '", type,
                      "' (valid: basic, sparse, contractive, denoising, robust, variational)", call. = FALSE))
  make(input() + dense(dim, activation = activation) + output()) |>
    train(data, epochs = epochs) |>
    encode(data)
}
