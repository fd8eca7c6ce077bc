# Callbacks, as the keras R package names them: each is a plain list the C++ side turns
# into the library's callback (r/src/bindings.cpp).

new_callback <- function(type, ...) structure(list(type = type, ...), class = "hourglass_callback")

as_callbacks <- function(callbacks) {
  if (is.null(callbacks)) return(list())
  if (inherits(callbacks, "hourglass_callback")) callbacks <- list(callbacks)
  ok <- is.list(callbacks) && all(vapply(callbacks, inherits, logical(1), "hourglass_callback"))
  if (!ok) {
    stop("callbacks must be a list of callbacks, e.g. list(callback_early_stopping(patience = 3)), or ",
         "callback_lambda(on_epoch_end = function(epoch, logs) ...)", call. = FALSE)
  }
  unname(callbacks)
}

# A callback parameter's default, as the library declares it (callback_kind.hpp): what the
# callback_*() functions below take when an argument is left out.
callback_default <- function(callback, parameter) {
  kind <- hg_callback_kinds()[[callback]]
  if (is.null(kind) || !parameter %in% names(kind$parameters)) {
    stop("no parameter '", parameter, "' of the callback '", callback, "'", call. = FALSE)
  }
  kind$parameters[[parameter]]$default
}

# The declared callback `type` with the calling function's arguments, which are its
# parameters by name (NULL: the library's default).
declared_callback <- function(type, arguments = parent.frame()) {
  values <- mget(names(hg_callback_kinds()[[type]]$parameters), envir = arguments)
  do.call(new_callback, c(list(type), values))
}

check_function <- function(f, what) {
  if (!is.null(f) && !is.function(f)) stop(what, " must be a function, got a ", class(f)[1], call. = FALSE)
  f
}

#' Callbacks
#'
#' Objects `train()` calls during training (`callbacks = list(...)`), as in Keras.
#' `callback_early_stopping` stops when the monitored value has not improved for
#' `patience` epochs; `callback_model_checkpoint` writes the model with its training
#' state (a file [load_from()] reads and `train()` continues from);
#' `callback_csv_logger` writes the history after every epoch;
#' `callback_reduce_lr_on_plateau` lowers the learning rate when the monitored value
#' stalls; `callback_learning_rate_scheduler` sets it from `schedule(epoch, lr)`;
#' `callback_terminate_on_nan` ends training on a non-finite loss (always on);
#' `callback_lambda` calls R functions: `on_epoch_end(epoch, logs)` gets the epoch's
#' logs as a named list (`loss`, `val_loss`, metrics), `on_batch_end(batch, logs)` the
#' batch's (`size`, `loss`); calling [stop_training()] in one ends training after the
#' current batch or epoch.
#' @param monitor The logged value watched; `"val_loss"` falls back to `"loss"` when
#'   there is no validation data
#' @param min_delta The smallest change that counts as an improvement
#' @param patience Epochs without improvement before acting
#' @param mode `"auto"`, `"min"` or `"max"`
#' @param baseline A value to beat, or `NULL`
#' @param restore_best_weights Put the best epoch's weights back when stopping
#' @return A callback
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' seen <- c()
#' model <- train(autoencoder(2), x, epochs = 30, validation_split = 0.2, verbose = FALSE,
#'                callbacks = list(callback_early_stopping(patience = 3),
#'                                 callback_lambda(on_epoch_end = function(epoch, logs) {
#'                                   seen <<- c(seen, logs$val_loss)
#'                                 })))
#' }
#' @export
callback_early_stopping <- function(monitor = callback_default("early_stopping", "monitor"),
                                    min_delta = callback_default("early_stopping", "min_delta"),
                                    patience = callback_default("early_stopping", "patience"),
                                    mode = callback_default("early_stopping", "mode"),
                                    baseline = callback_default("early_stopping", "baseline"),
                                    restore_best_weights = callback_default("early_stopping", "restore_best_weights")) {
  declared_callback("early_stopping")
}

#' @rdname callback_early_stopping
#' @param filepath,filename The file to write
#' @param save_best_only Write only when the monitored value improves
#' @param every Epochs between checkpoints
#' @export
callback_model_checkpoint <- function(filepath, monitor = callback_default("model_checkpoint", "monitor"),
                                      save_best_only = callback_default("model_checkpoint", "save_best_only"),
                                      mode = callback_default("model_checkpoint", "mode"),
                                      every = callback_default("model_checkpoint", "every")) {
  filepath <- path.expand(filepath)
  declared_callback("model_checkpoint")
}

#' @rdname callback_early_stopping
#' @export
callback_csv_logger <- function(filename) new_callback("csv_logger", filename = path.expand(filename))

#' @rdname callback_early_stopping
#' @param factor The learning rate is multiplied by it
#' @param cooldown Epochs to wait after a reduction
#' @param min_lr The lowest learning rate
#' @export
callback_reduce_lr_on_plateau <- function(monitor = callback_default("reduce_lr_on_plateau", "monitor"),
                                          factor = callback_default("reduce_lr_on_plateau", "factor"),
                                          patience = callback_default("reduce_lr_on_plateau", "patience"),
                                          mode = callback_default("reduce_lr_on_plateau", "mode"),
                                          min_delta = callback_default("reduce_lr_on_plateau", "min_delta"),
                                          cooldown = callback_default("reduce_lr_on_plateau", "cooldown"),
                                          min_lr = callback_default("reduce_lr_on_plateau", "min_lr")) {
  declared_callback("reduce_lr_on_plateau")
}

#' @rdname callback_early_stopping
#' @param schedule A function of the epoch (1-based) and the current learning rate
#'   that returns the rate for that epoch
#' @export
callback_learning_rate_scheduler <- function(schedule) {
  new_callback("learning_rate_scheduler", schedule = check_function(schedule, "schedule"))
}

#' @rdname callback_early_stopping
#' @export
callback_terminate_on_nan <- function() new_callback("terminate_on_nan")

#' @rdname callback_early_stopping
#' @param on_epoch_begin,on_epoch_end,on_batch_end,on_train_begin,on_train_end R
#'   functions called at those points
#' @export
callback_lambda <- function(on_epoch_begin = NULL, on_epoch_end = NULL, on_batch_end = NULL, on_train_begin = NULL,
                            on_train_end = NULL) {
  new_callback("lambda", on_epoch_begin = check_function(on_epoch_begin, "on_epoch_begin"),
               on_epoch_end = check_function(on_epoch_end, "on_epoch_end"),
               on_batch_end = check_function(on_batch_end, "on_batch_end"),
               on_train_begin = check_function(on_train_begin, "on_train_begin"),
               on_train_end = check_function(on_train_end, "on_train_end"))
}

#' Stop training from a callback
#'
#' Called inside a [callback_lambda()] function, ends training after the current batch
#' (or epoch); the reason goes to the history.
#' @param reason Why, as the history records it
#' @return Nothing
#' @export
stop_training <- function(reason = "stopped by a callback") invisible(call_core(hg_stop_training, reason))
