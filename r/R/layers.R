#' Layer constructor
#'
#' Builds one layer of class `cl` (e.g. `"ruta_layer_dense"`) with the given fields.
#' Prefer the layer functions: `dense(30, "tanh")[[1]]` is `new_layer("ruta_layer_dense",
#' units = 30, activation = "tanh")`.
#' @param cl Layer class
#' @param ... Fields of the layer
#' @return An object of class `"ruta_layer"`
#' @export
new_layer <- function(cl, ...) {
  stopifnot(is.character(cl), length(cl) == 1)
  structure(list(...), class = c(cl, ruta_layer))
}

make_atomic_network <- function(cl, ...) as_network(new_layer(cl, ...))

check_activation <- function(activation) {
  if (!is.character(activation) || length(activation) != 1) {
    stop("activation must be one name, e.g. \"tanh\"; got ", deparse(activation), call. = FALSE)
  }
  hg_check_activation(activation)
}

check_count <- function(value, what) {
  if (!is.numeric(value) || length(value) != 1 || is.na(value) || value < 1 || value != round(value)) {
    stop(what, " must be a positive whole number, got ", deparse(value), call. = FALSE)
  }
  as.integer(value)
}

#' Input layer
#'
#' A placeholder for the input: its size comes from the data when training.
#' @return A network of one layer (class `"ruta_network"`)
#' @examples
#' input() + dense(2) + output()
#' @export
input <- function() make_atomic_network(ruta_layer_input)

#' Output layer
#'
#' A dense layer as wide as the input, which it is to reconstruct. After a sequence
#' ([lstm()] or [gru()] with `return_sequences = TRUE`, [repeat_vector()]) it is one dense
#' layer applied at every step, which the network chooses by itself there.
#' @param activation Activation function name (linear by default)
#' @param per_step One dense layer at every step of a sequence (Keras's `TimeDistributed(Dense)`)
#' @return A network of one layer
#' @examples
#' input() + dense(2) + output("sigmoid")
#' @export
output <- function(activation = "linear", per_step = FALSE) {
  check_activation(activation)
  layer <- new_layer(ruta_layer_dense, activation = activation)
  if (isTRUE(per_step)) layer$per_step <- TRUE
  as_network(layer)
}

#' Fully connected layer
#'
#' @param units Number of units
#' @param activation Activation function name: linear, relu, elu, selu, tanh, sigmoid,
#'   hard_sigmoid, softplus, softsign, leaky_relu, softmax, gelu, swish, exponential,
#'   relu6
#' @param use_bias Add a bias vector (Keras's `use_bias`)
#' @return A network of one layer
#' @examples
#' dense(30, "tanh")
#' @export
dense <- function(units, activation = "linear", use_bias = TRUE) {
  units <- check_count(units, "dense(): units")
  check_activation(activation)
  layer <- new_layer(ruta_layer_dense, units = units, activation = activation)
  if (!isTRUE(use_bias)) layer$use_bias <- use_bias
  check_layer(layer)
  as_network(layer)
}

#' Dropout layer
#'
#' Sets a fraction `rate` of its inputs to zero at each training step.
#' @param rate Fraction of units dropped, in \[0, 1)
#' @return A network of one layer
#' @examples
#' input() + dense(100, "relu") + dropout(0.2) + dense(2) + output()
#' @export
dropout <- function(rate = 0.5) {
  if (!is.numeric(rate) || length(rate) != 1 || !(rate >= 0 && rate < 1)) {
    stop("dropout(): rate must be in [0, 1), got ", deparse(rate), call. = FALSE)
  }
  make_atomic_network(ruta_layer_custom, type = "dropout", params = list(rate = rate))
}

#' Convolutional layers
#'
#' `conv` is a 1-D or 2-D convolution, chosen by the shape of the data: an array
#' `(n, steps, channels)` or `(n, height, width, channels)`, Keras's layout. At most one
#' of pooling or upsampling follows the convolution. `conv_transpose` is a transposed
#' convolution, for decoders: `"same"` padding multiplies the side by the stride,
#' `"valid"` adds `max(kernel_size - strides, 0)` to it.
#' @param filters Number of filters
#' @param kernel_size Side of the (square) kernel
#' @param padding `"same"` or `"valid"`
#' @param max_pooling,average_pooling Reduction factor of a pooling after the convolution
#' @param upsampling Enlargement factor of an upsampling after the convolution
#' @param activation Activation function name
#' @param strides Step of the kernel
#' @param use_bias Add a bias per filter
#' @return A network of one layer
#' @examples
#' net <- input() +
#'   conv(16, 3, max_pooling = 2, activation = "relu") +
#'   conv(8, 3, max_pooling = 2, activation = "relu") +
#'   conv(8, 3, upsampling = 2, activation = "relu") +
#'   conv(16, 3, upsampling = 2, activation = "relu") +
#'   conv(1, 3, activation = "sigmoid")
#' decoder <- conv_transpose(64, 5, activation = "leaky_relu", strides = 2, use_bias = FALSE)
#' @export
conv <- function(filters, kernel_size, padding = "same", max_pooling = NULL, average_pooling = NULL,
                 upsampling = NULL, activation = "linear", strides = 1, use_bias = TRUE) {
  convolution(ruta_layer_conv, "conv", filters, kernel_size, padding, max_pooling, average_pooling, upsampling,
              activation, strides, use_bias)
}

#' @rdname conv
#' @export
conv_transpose <- function(filters, kernel_size, padding = "same", max_pooling = NULL, average_pooling = NULL,
                           upsampling = NULL, activation = "linear", strides = 1, use_bias = TRUE) {
  convolution("ruta_layer_conv_transpose", "conv_transpose", filters, kernel_size, padding, max_pooling,
              average_pooling, upsampling, activation, strides, use_bias)
}

convolution <- function(cl, name, filters, kernel_size, padding, max_pooling, average_pooling, upsampling,
                        activation, strides, use_bias) {
  filters <- check_count(filters, paste0(name, "(): filters"))
  if (length(unique(kernel_size)) != 1) {
    stop(name, "(): kernels are square in Hourglass; give one size, e.g. kernel_size = 3, not ",
         deparse(kernel_size), call. = FALSE)
  }
  kernel_size <- check_count(kernel_size[[1]], paste0(name, "(): kernel_size"))
  check_activation(activation)
  if (sum(!vapply(list(max_pooling, average_pooling, upsampling), is.null, logical(1))) > 1) {
    warning("More than one pooling or upsampling operation has been selected in this layer.")
  }
  layer <- new_layer(cl, filters = filters, kernel_size = kernel_size, padding = padding, activation = activation,
                     max_pooling = max_pooling, average_pooling = average_pooling, upsampling = upsampling)
  if (!identical(as.numeric(strides), 1)) layer$strides <- check_count(strides[[1]], paste0(name, "(): strides"))
  if (!isTRUE(use_bias)) layer$use_bias <- use_bias
  check_layer(layer)
  as_network(layer)
}

#' Variational block
#'
#' The encoding of a variational autoencoder: a mean and a log-variance layer of `units`
#' units and a sample z = mean + exp(log_var / 2) * epsilon, epsilon ~ N(0, epsilon_std^2).
#' With `covariance = "full"`, one layer gives the mean and a lower-triangular scale L
#' (TensorFlow Probability's `MultivariateNormalTriL`) and z = mean + L epsilon.
#' @param units Size of the latent space
#' @param epsilon_std Standard deviation of epsilon
#' @param seed Accepted for ruta's code; training's `seed` (see [train()]) fixes the draws
#' @param covariance `"diagonal"` or `"full"`
#' @return A network of one layer
#' @examples
#' input() + dense(256, "elu") + variational_block(3) + dense(256, "elu") + output("sigmoid")
#' @export
variational_block <- function(units, epsilon_std = 1.0, seed = NULL, covariance = "diagonal") {
  units <- check_count(units, "variational_block(): units")
  layer <- new_layer(ruta_layer_variational, units = units, epsilon_std = epsilon_std, seed = seed)
  if (!identical(covariance, "diagonal")) layer$covariance <- covariance
  check_layer(layer)
  as_network(layer)
}

#' Batch normalisation, flatten, reshape and activation layers
#'
#' `batch_norm()` normalises each feature or channel over the batch (Keras's defaults:
#' momentum 0.99, epsilon 1e-3). `flatten()` turns `(height, width, channels)` into one
#' dimension, so that a convolutional encoder can end in a dense code; `reshape()`
#' goes the other way, so that a dense decoder can feed convolutions: its sizes are in
#' Keras's order, channels last (`reshape(8, 8, 128)`, Keras's `layer_reshape(c(8, 8,
#' 128))`). `activation()` applies an activation on its own (Keras's
#' `layer_activation()`); `leaky_relu()` is Keras's LeakyReLU layer, with its slope.
#' @param ... The target sizes, e.g. `reshape(7, 7, 8)` or `reshape(c(7, 7, 8))`
#' @param activation Activation function name
#' @param alpha Slope below zero (Keras's default 0.3; the activation named
#'   `"leaky_relu"` has the slope 0.2 of `tf$nn$leaky_relu`)
#' @return A network of one layer
#' @examples
#' input() + conv(8, 3, max_pooling = 2, activation = "relu") + flatten() + dense(2) +
#'   dense(128, "relu") + reshape(4, 4, 8) + conv(1, 3, upsampling = 2, activation = "sigmoid")
#' @export
batch_norm <- function() make_checked_network("ruta_layer_batch_norm")

#' @rdname batch_norm
#' @export
flatten <- function() make_checked_network("ruta_layer_flatten")

#' @rdname batch_norm
#' @export
reshape <- function(...) {
  sizes <- as.numeric(unlist(list(...)))
  if (length(sizes) == 0 || any(is.na(sizes))) {
    stop("reshape(): give the target sizes, channels last, e.g. reshape(7, 7, 8)", call. = FALSE)
  }
  # Keras's order, channels last, to the library's channels first.
  dims <- if (length(sizes) > 1) c(sizes[length(sizes)], sizes[-length(sizes)]) else sizes
  make_checked_network("ruta_layer_reshape", dims = dims)
}

#' @rdname batch_norm
#' @export
activation <- function(activation) {
  check_activation(activation)
  make_checked_network("ruta_layer_activation", activation = activation)
}

#' @rdname batch_norm
#' @export
leaky_relu <- function(alpha = 0.3) make_checked_network("ruta_layer_leaky_relu", alpha = alpha)

#' Recurrent layers and repeat_vector
#'
#' `lstm()` and `gru()` read sequences in Keras's layout, as [conv()] takes them: an
#' array `(n, steps, channels)`, or a matrix whose columns are the steps of one channel
#' (`train()` warns when an array has fewer steps than channels, the sign of an array
#' given as `(n, channels, steps)`), and give the last step's output, or every step's
#' with `return_sequences = TRUE`.
#' `repeat_vector(n)` copies a code to each of `n` steps, so that a recurrent decoder can
#' unroll it; an [output()] right after a sequence is applied at every step (Keras's
#' `TimeDistributed(Dense)`), so Keras's LSTM autoencoder reads the same.
#' @param units Output width per step
#' @param activation Activation of the cell and its output (the gates stay sigmoid)
#' @param return_sequences Every step's output instead of the last one's
#' @param use_bias Add the bias vectors
#' @param n Number of steps
#' @return A network of one layer
#' @examples
#' # sine waves of 101 steps into a 3-unit code and back
#' net <- input() + lstm(3) + repeat_vector(101) + lstm(32, return_sequences = TRUE) + output()
#' @export
lstm <- function(units, activation = "tanh", return_sequences = FALSE, use_bias = TRUE) {
  recurrent("ruta_layer_lstm", "lstm", units, activation, return_sequences, use_bias)
}

#' @rdname lstm
#' @export
gru <- function(units, activation = "tanh", return_sequences = FALSE, use_bias = TRUE) {
  recurrent("ruta_layer_gru", "gru", units, activation, return_sequences, use_bias)
}

#' @rdname lstm
#' @export
repeat_vector <- function(n) make_checked_network("ruta_layer_repeat_vector", n = check_count(n, "repeat_vector(): n"))

recurrent <- function(cl, name, units, activation, return_sequences, use_bias) {
  check_activation(activation)
  make_checked_network(cl, units = check_count(units, paste0(name, "(): units")), activation = activation,
                       return_sequences = isTRUE(return_sequences), use_bias = isTRUE(use_bias))
}

# A layer of a kind ruta has no class for, checked by the library's definition of it.
make_checked_network <- function(cl, ...) {
  layer <- new_layer(cl, ...)
  check_layer(layer)
  as_network(layer)
}

# The library checks every argument of every layer against the kind's definition.
check_layer <- function(layer) hg_check_layer(core_layer(layer))

# The name print() and plot() give a layer: "dense", "conv", "dropout", ...
layer_name <- function(layer) {
  if (inherits(layer, ruta_layer_custom)) layer$type else sub("ruta_layer_", "", class(layer)[1])
}
