#' Encode, decode and reconstruct
#'
#' `encode` gives the encoding layer's values (a variational model's posterior mean, or a
#' draw from it with `sample = TRUE`); `decode` maps encodings back to data space;
#' `reconstruct` does both. Data and results have one row per instance; convolutional
#' models take and give arrays `(n, height, width, channels)`, and their codes keep
#' their shape, channels last, as Keras gives them (`(n, 7, 7, 8)` for ruta's MNIST
#' example), which `decode` takes back.
#' @param learner A trained learner
#' @param data A numeric matrix or array, or a data frame of numeric, logical, factor
#'   and character columns, with NA for missing cells (see [train])
#' @param sample Draw from a variational model's posterior instead of taking its mean
#' @return A matrix (or array); `reconstruct` of a model trained on categorical columns
#'   gives a data frame with factors
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' model <- train(autoencoder(2), x, epochs = 5, verbose = FALSE)
#' codes <- encode(model, x)
#' back <- decode(model, codes)
#' }
#' @export
encode <- function(learner, data, sample = FALSE) {
  call_core(hg_encode_shaped, model_of(learner), as_data(data), sample)
}

#' @rdname encode
#' @export
decode <- function(learner, data) {
  as_given(call_core(hg_decode, model_of(learner), as_data(data, "codes")), learner, NULL)
}

#' @rdname encode
#' @export
reconstruct <- function(learner, data) {
  x <- as_data(data)
  as_given(call_core(hg_reconstruct, model_of(learner), x), learner, x)
}

#' Fill in missing values
#'
#' Replaces each missing cell (`NA`) of the data by the model's reconstruction of it and
#' keeps every other cell as it is. The model fills a missing cell with its column's
#' training mean on the way in (a missing category with no level) and learned to
#' reconstruct the present ones, so the filled values follow the other columns of the
#' row, not the column mean alone.
#' @param learner A trained learner
#' @param data A matrix or data frame with `NA` cells
#' @return The data with its holes filled: a data frame (factors kept) for a data frame
#'   trained with categorical columns, a matrix otherwise
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' model <- train(autoencoder(2), x, epochs = 5, verbose = FALSE)
#' x[1, 3] <- NA
#' impute(model, x[1:3, ])
#' }
#' @export
impute <- function(learner, data) {
  x <- as_data(data)
  keep_present(as_given(call_core(hg_impute, model_of(learner), x), learner, x), data)
}

# The present cells of `data` as they were: the core computes in float32, whose round trip
# moves a double by up to one part in 2^24.
keep_present <- function(filled, data) {
  if (is.data.frame(data) && is.data.frame(filled)) {
    for (i in which(vapply(data, is.numeric, logical(1)))) {
      present <- !is.na(data[[i]])
      filled[[i]][present] <- data[[i]][present]
    }
  } else if (is.numeric(data) && identical(dim(filled), dim(data))) {
    present <- !is.na(data)
    filled[present] <- data[present]
  }
  filled
}

#' @rdname encode
#' @param object A trained learner
#' @param ... The data
#' @export
predict.ruta_autoencoder <- function(object, ...) reconstruct(object, ...)

#' Generate samples
#'
#' @param learner A trained variational learner
#' @param ... See the method
#' @export
generate <- function(learner, ...) UseMethod("generate")

#' Generate from a variational autoencoder
#'
#' Decodes a grid in the latent space: each unit in `dimensions` takes `side` values
#' `qnorm(p)` for `p` evenly spaced from `from` to `to` (the first unit varying fastest);
#' every other unit takes `qnorm(fixed_values)`.
#' @param learner A trained variational learner
#' @param dimensions Latent units traversed (1-based)
#' @param from,to Range of probabilities passed to the inverse normal CDF
#' @param side Steps per traversed unit
#' @param fixed_values Probability for the other units
#' @param ... Unused
#' @return `side ^ length(dimensions)` rows in data space
#' @export
generate.ruta_autoencoder_variational <- function(learner, dimensions = c(1, 2), from = 0.05, to = 0.95, side = 10,
                                                  fixed_values = 0.5, ...) {
  call_core(hg_generate, model_of(learner), as.numeric(dimensions), from, to, side, fixed_values)
}

#' @rdname generate.ruta_autoencoder_variational
#' @details An adversarial learner's grid takes its prior's quantiles of each unit
#'   instead of `qnorm` (for `"uniform"`, `2 p - 1`).
#' @export
generate.ruta_autoencoder_adversarial <- function(learner, dimensions = c(1, 2), from = 0.05, to = 0.95, side = 10,
                                                  fixed_values = 0.5, ...) {
  call_core(hg_generate, model_of(learner), as.numeric(dimensions), from, to, side, fixed_values)
}

#' @export
generate.default <- function(learner, ...) {
  stop("generate() needs a trained variational or adversarial autoencoder (autoencoder_variational(), ",
       "autoencoder_adversarial()), got a ",
       class(learner)[1], call. = FALSE)
}

#' Evaluation metrics
#'
#' Compare data with the model's reconstruction of it. As Keras's `evaluate()`, each
#' returns a named list: `loss`, what training minimises (the loss and the variants'
#' penalties, on the scaled data), and the metric.
#' @param learner A trained learner
#' @param data Test data
#' @param ... Keras's `evaluate()` arguments, which ruta passes on: `batch_size`,
#'   `verbose`, `steps` and `callbacks` are accepted and have no effect (evaluation
#'   runs in chunks of its own)
#' @return A named list: `loss` and the metric's value
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' autoencoder(2) |> train(x, verbose = FALSE) |> evaluate_mean_squared_error(x)
#' }
#' @rdname evaluate
#' @export
evaluate_mean_squared_error <- function(learner, data, ...) evaluate_metric(learner, data, "mean_squared_error", ...)

#' @rdname evaluate
#' @export
evaluate_mean_absolute_error <- function(learner, data, ...) {
  evaluate_metric(learner, data, "mean_absolute_error", ...)
}

#' @rdname evaluate
#' @export
evaluate_binary_crossentropy <- function(learner, data, ...) {
  evaluate_metric(learner, data, "binary_crossentropy", ...)
}

#' @rdname evaluate
#' @export
evaluate_binary_accuracy <- function(learner, data, ...) evaluate_metric(learner, data, "binary_accuracy", ...)

#' @rdname evaluate
#' @export
evaluate_kullback_leibler_divergence <- function(learner, data, ...) {
  evaluate_metric(learner, data, "kullback_leibler_divergence", ...)
}

#' @rdname evaluate
#' @param evaluate_f For `evaluation_metric`, a metric: a name the library knows
#'   (`"mean_squared_error"`, `"binary_accuracy"`, ...), or a function of `y_true` and
#'   `y_pred` (Keras's custom metric signature), called with the data and its
#'   reconstruction as matrices (rows are instances) and averaged over what it returns
#' @return `evaluation_metric` returns a function of `learner`, `data` and `...`; for a
#'   function, its list names the metric by its `name` attribute or the expression given
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' largest_error <- function(y_true, y_pred) apply(abs(y_true - y_pred), 1, max)
#' model <- autoencoder(2) |> train(x, verbose = FALSE)
#' evaluation_metric(largest_error)(model, x)
#' }
#' @export
evaluation_metric <- function(evaluate_f) {
  if (is.character(evaluate_f) && length(evaluate_f) == 1) {
    return(function(learner, data, ...) evaluate_metric(learner, data, evaluate_f, ...))
  }
  if (!is.function(evaluate_f)) {
    stop("evaluation_metric(): expected a metric name or a function(y_true, y_pred), got a ", class(evaluate_f)[1],
         call. = FALSE)
  }
  name <- attr(evaluate_f, "name")
  if (is.null(name)) name <- paste(deparse(substitute(evaluate_f)), collapse = "")
  if (!nzchar(name) || grepl("^function", name)) name <- "metric"
  function(learner, data, ...) {
    result <- evaluate_metric(learner, data, character(0), ...)
    y_true <- as_metric_matrix(data)
    y_pred <- as_metric_matrix(reconstruct(learner, data))
    value <- evaluate_f(y_true, y_pred)
    if (!is.numeric(value) || length(value) < 1) {
      stop("evaluation_metric(): the metric function returned a ", class(value)[1], " of length ", length(value),
           "; it should return numbers (one per instance, or one)", call. = FALSE)
    }
    result[[name]] <- mean(value)
    result
  }
}

as_metric_matrix <- function(x) {
  if (is.data.frame(x)) {
    if (!all(vapply(x, is.numeric, logical(1)))) {
      stop("evaluation_metric(): a metric function takes numbers; this data has categorical columns", call. = FALSE)
    }
    x <- as.matrix(x)
  }
  if (length(dim(x)) > 2) x <- matrix(x, nrow = dim(x)[1])
  x
}

evaluate_metric <- function(learner, data, name, ...) {
  extra <- names(list(...))
  unknown <- setdiff(extra, c("batch_size", "verbose", "steps", "callbacks", "sample_weight"))
  if (length(unknown) > 0 || (length(list(...)) > 0 && is.null(extra))) {
    stop("evaluate: unknown argument ", paste0("'", unknown, "'", collapse = ", "),
         " (valid: batch_size, verbose, steps, callbacks, sample_weight)", call. = FALSE)
  }
  as.list(call_core(hg_evaluate, model_of(learner), as_data(data), c("loss", name)))
}

#' Configure a learner for an input shape
#'
#' ruta's `configure(learner, input_shape)`: the learner's network laid out for samples
#' of `input_shape` before any training, so that `summary()` and [count_params()] show
#' its layers, their output shapes and its values. [train()] does this by itself; a
#' network that cannot take the shape is an error here, before any data is read. (The
#' threads and the device, which `configure(threads = )` set in earlier versions, are
#' [backend()]'s.)
#' @param learner A learner ([autoencoder()] and the other constructors)
#' @param input_shape The number of variables, or one sample's shape (`c(1, 28, 28)` for
#'   MNIST's images, channels first)
#' @param ... Unused
#' @return The learner, with its `input_shape`
#' @examples
#' learner <- configure(autoencoder(c(8, 2)), 4)
#' summary(learner)
#' count_params(learner)
#' @export
configure <- function(learner, input_shape, ...) {
  if (missing(learner) && length(list(...)) > 0 && all(names(list(...)) %in% c("threads", "device"))) {
    if (!isTRUE(.hourglass_state$backend_noted)) {
      .hourglass_state$backend_noted <- TRUE
      message("configure(threads = , device = ) is backend() now; configure(learner, input_shape) is ruta's")
    }
    return(backend(...))
  }
  if (!inherits(learner, "ruta_autoencoder")) {
    stop("configure(): expected a learner (autoencoder(...)) and its input_shape, got a ", class(learner)[1],
         "; the threads and the device are backend()'s", call. = FALSE)
  }
  if (missing(input_shape) || !is.numeric(input_shape) || length(input_shape) < 1 || anyNA(input_shape) ||
      any(input_shape < 1) || any(input_shape != round(input_shape))) {
    stop("configure(): input_shape must be the number of variables or one sample's shape in whole numbers ",
         "(4, or c(1, 28, 28)), got ", if (missing(input_shape)) "nothing" else deparse(input_shape),
         call. = FALSE)
  }
  call_core(hg_learner_summary, core_learner(learner), as.numeric(input_shape))  # refuses a shape that does not fit
  learner$input_shape <- as.integer(input_shape)
  learner
}

#' The tensor engine's threads and device
#'
#' @param threads Threads for tensor operations (default: every core, or
#'   `OMP_NUM_THREADS`)
#' @param device `"cpu"`; `"cuda"` needs a build against a CUDA LibTorch
#' @param ... Unused
#' @return The settings in effect (threads, device, BLAS), invisibly
#' @examples
#' backend(threads = 2)
#' @export
backend <- function(threads = NULL, device = NULL, ...) {
  if (!is.null(threads)) threads <- check_count(threads, "backend(): threads")
  invisible(call_core(hg_configure, threads, device))
}

#' A learner's layers and values
#'
#' Keras's `summary()` and `count_params()`: each layer with its output shape and its
#' number of values, then the totals, for a trained learner or one given its input shape
#' by [configure()].
#' @param object,learner A trained or configured learner
#' @param ... Unused
#' @return `summary()`: the table as text, invisibly (it is printed); `count_params()`:
#'   the number of values
#' @examples
#' \donttest{
#' model <- autoencoder(c(8, 2)) |> train(as.matrix(iris[, 1:4]), epochs = 2, verbose = FALSE)
#' summary(model)
#' count_params(model)
#' }
#' @export
summary.ruta_autoencoder <- function(object, ...) {
  table <- if (is_trained(object)) call_core(hg_model_summary, object$models) else layout_of(object)$summary
  cat(table)
  invisible(table)
}

#' @rdname summary.ruta_autoencoder
#' @export
count_params <- function(learner) {
  if (!inherits(learner, "ruta_autoencoder")) {
    stop("count_params(): expected a learner, got a ", class(learner)[1], call. = FALSE)
  }
  if (is_trained(learner)) call_core(hg_parameter_count, learner$models) else layout_of(learner)$params
}

layout_of <- function(learner) {
  if (is.null(learner$input_shape)) {
    stop("the learner has no input shape yet; train it, or give it one with configure(learner, input_shape)",
         call. = FALSE)
  }
  call_core(hg_learner_summary, core_learner(learner), as.numeric(learner$input_shape))
}

#' Save and load models
#'
#' `save_as` writes a trained model to a file that the `hourglass` command line reads,
#' and `load_from` reads one written by either (a safetensors file holding the weights,
#' the learner, the scaler and the history).
#' @param learner A trained learner
#' @param file File name; an absolute path (or one starting with `~`) is used as it is
#' @param dir Directory of a relative `file`
#' @return `save_as`: the path written; `load_from`: the trained learner
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' path <- autoencoder(2) |> train(x, verbose = FALSE) |> save_as("iris.hgm", dir = tempdir())
#' encode(load_from(path), x)
#' }
#' @export
save_as <- function(learner, file = paste0(substitute(learner), ".hgm"), dir = ".") {
  file <- path.expand(file)
  # An absolute file is where it says; a relative one is in dir (ruta's file.path(dir, file)).
  path <- if (startsWith(file, "/")) file else file.path(path.expand(dir), file)
  call_core(hg_save, model_of(learner), path)
  path
}

#' @rdname save_as
#' @export
load_from <- function(file) {
  result <- call_core(hg_load, path.expand(file))
  attach_model(from_core_learner(result$learner), result)
}

#' Export a model to ONNX
#'
#' ruta's `to_keras()`, made for deployment: one part of a trained learner as an ONNX
#' file (opset 17) that ONNX Runtime, in Python, JavaScript, C++ or elsewhere, serves
#' without R or Hourglass. The scaler is part of the graph: it takes rows in the data's
#' own units, flat (float32, rows x values; images flattened channels first) and gives
#' data in those units.
#' @param learner A trained learner
#' @param file The `.onnx` file to write
#' @param part `"encoder"` (data to code; a variational learner's posterior mean),
#'   `"decoder"` (code to data), `"autoencoder"` (data to reconstruction) or `"scorer"`
#'   (data to the loss of each row, as training computes it on the scaled data)
#' @param threshold For the scorer: rows scoring above it are outliers, a second output
#'   `outlier` (1 or 0); the threshold is kept in the file's metadata
#' @param columns The data's column names, kept in the file's metadata
#'   (`hourglass.columns`); by default none
#' @return The path written, invisibly
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' model <- autoencoder(2) |> train(x, epochs = 5, verbose = FALSE)
#' to_onnx(model, file.path(tempdir(), "iris-encoder.onnx"), part = "encoder")
#' to_onnx(model, file.path(tempdir(), "iris-scorer.onnx"), part = "scorer", threshold = 0.5,
#'         columns = colnames(x))
#' }
#' @export
to_onnx <- function(learner, file, part = "autoencoder", threshold = NULL, columns = NULL) {
  if (!is.character(part) || length(part) != 1) {
    stop("to_onnx(): part must be one of \"encoder\", \"decoder\", \"autoencoder\", \"scorer\"", call. = FALSE)
  }
  if (!is.null(threshold) && !(is.numeric(threshold) && length(threshold) == 1 && is.finite(threshold))) {
    stop("to_onnx(): threshold must be one finite number, or NULL for none", call. = FALSE)
  }
  call_core(hg_export_onnx, model_of(learner), path.expand(file), part,
            if (is.null(threshold)) NA_real_ else as.numeric(threshold), as.character(columns))
  invisible(file)
}

#' Principal component analysis
#'
#' The baseline every autoencoder is compared with, as the command line's `hourglass
#' pca`: the `k` leading components of the data (centred, not scaled), computed by the
#' cheaper exact side for wide data (the Gram matrix when there are fewer rows than
#' columns).
#' @param data A numeric matrix (rows are instances) or an array of images
#' @param k Number of components
#' @return A list: `x`, the codes (rows x k); `reconstruction`, shaped like `data`;
#'   `explained_variance` (one per component) and `explained_share` (of the total);
#'   `mse` of the reconstruction; `rotation` (columns x k) and `center`, as `prcomp`
#'   names them
#' @examples
#' p <- pca(as.matrix(iris[, 1:4]), 2)
#' p$mse
#' @export
pca <- function(data, k) {
  k <- check_count(k, "pca(): k")
  result <- call_core(hg_pca, as_data(data), k)
  result$explained_variance <- as.vector(result$explained_variance)
  result$center <- as.vector(result$center)
  result
}

#' Compare a trained model with PCA
#'
#' The comparison `hourglass train` prints after training: PCA with the model's code
#' size (at most the coded width), fitted to `data` after the model's own preprocessing
#' (its scaling, one-hot categories and filled holes), and both reconstructions measured
#' the same way: the mean squared error over the present numeric cells in the data's
#' units, and for tables with categories the share of categorical cells whose level
#' comes back. On more than 10,000 rows, both are fitted and measured on 10,000 of them,
#' evenly spaced (the same ones every time), which keeps the comparison cheap.
#' @param learner A trained learner
#' @param data The data to compare on, as `train()` takes it (usually the training data)
#' @return A data frame with a row per measure: `measure` (`"mse"`,
#'   `"categories_reconstructed"`), `autoencoder`, `pca` and `better` (`"lower"` or
#'   `"higher"`); its attributes `k` (PCA's number of components) and `rows` (the rows
#'   measured)
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' model <- autoencoder(2) |> train(x, epochs = 20, verbose = FALSE)
#' compare_with_pca(model, x)
#' }
#' @export
compare_with_pca <- function(learner, data) {
  result <- call_core(hg_compare_with_pca, model_of(learner), as_data(data))
  comparison <- data.frame(measure = result$measure, autoencoder = result$autoencoder, pca = result$pca,
                           better = result$better)
  attr(comparison, "k") <- as.integer(result$k)
  attr(comparison, "rows") <- result$rows
  comparison
}

#' Read a data file
#'
#' The readers of the `hourglass` command line: CSV or TSV (header detected), NumPy
#' `.npy`, and IDX (MNIST's `*-idx3-ubyte`, plain or `.gz`, scaled to \[0, 1\]).
#' @param file Path of the file
#' @param label A column to keep out of the features as labels (its name), or for IDX
#'   images the IDX label file
#' @param rows Only these rows: `1:1000`, or any run of consecutive row numbers
#' @return `list(x, y)`: `x` a matrix (rows are instances) for tables of numbers, a
#'   data frame for tables with text columns (as factors; missing cells `NA`), an array
#'   `(n, height, width, channels)` for images; `y` the labels (integers where every
#'   one is a whole number, as IDX labels are; text otherwise) or `NULL`
#' @examples
#' \dontrun{
#' mnist <- read_data("train-images-idx3-ubyte.gz", label = "train-labels-idx1-ubyte.gz")
#' dim(mnist$x)  # 60000 28 28 1
#' }
#' @export
read_data <- function(file, label = NULL, rows = NULL) {
  first <- 0
  count <- -1
  if (!is.null(rows)) {
    if (!is.numeric(rows) || length(rows) == 0 || any(is.na(rows)) || any(diff(rows) != 1) || rows[1] < 1) {
      stop("read_data(): rows must be consecutive row numbers from 1, e.g. 1:1000", call. = FALSE)
    }
    first <- rows[1] - 1
    count <- length(rows)
  }
  data <- call_core(hg_read_data, path.expand(file), label %||% "", first, count)
  levels <- attr(data$x, "hourglass_levels")
  if (!is.null(levels)) data$x <- table_frame(data$x, list(names = colnames(data$x), levels = levels))
  # Whole-number labels (IDX digits, a CSV's class numbers) as integers, as keras's
  # dataset_mnist() gives them: `y + 1` and `to_categorical(y)` work.
  if (!is.null(data$y) && length(data$y) > 0 && all(grepl("^-?[0-9]{1,9}$", data$y))) data$y <- as.integer(data$y)
  data
}
