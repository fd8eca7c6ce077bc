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
#' A dense layer as wide as the input, which it is to reconstruct.
#' @param activation Activation function name (linear by default)
#' @return A network of one layer
#' @examples
#' input() + dense(2) + output("sigmoid")
#' @export
output <- function(activation = "linear") {
  check_activation(activation)
  make_atomic_network(ruta_layer_dense, activation = activation)
}

#' Fully connected layer
#'
#' @param units Number of units
#' @param activation Activation function name: linear, relu, elu, selu, tanh, sigmoid,
#'   hard_sigmoid, softplus, softsign
#' @return A network of one layer
#' @examples
#' dense(30, "tanh")
#' @export
dense <- function(units, activation = "linear") {
  units <- check_count(units, "dense(): units")
  check_activation(activation)
  make_atomic_network(ruta_layer_dense, units = units, activation = activation)
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

#' Convolutional layer
#'
#' A 1-D or 2-D convolution, chosen by the shape of the data: an array
#' `(n, steps, channels)` or `(n, height, width, channels)`, Keras's layout. At most one
#' of pooling or upsampling follows the convolution.
#' @param filters Number of filters
#' @param kernel_size Side of the (square) kernel
#' @param padding `"same"` or `"valid"`
#' @param max_pooling,average_pooling Reduction factor of a pooling after the convolution
#' @param upsampling Enlargement factor of an upsampling after the convolution
#' @param activation Activation function name
#' @return A network of one layer
#' @examples
#' net <- input() +
#'   conv(16, 3, max_pooling = 2, activation = "relu") +
#'   conv(8, 3, max_pooling = 2, activation = "relu") +
#'   conv(8, 3, upsampling = 2, activation = "relu") +
#'   conv(16, 3, upsampling = 2, activation = "relu") +
#'   conv(1, 3, activation = "sigmoid")
#' @export
conv <- function(filters, kernel_size, padding = "same", max_pooling = NULL, average_pooling = NULL,
                 upsampling = NULL, activation = "linear") {
  filters <- check_count(filters, "conv(): filters")
  if (length(unique(kernel_size)) != 1) {
    stop("conv(): kernels are square in Hourglass; give one size, e.g. kernel_size = 3, not ",
         deparse(kernel_size), call. = FALSE)
  }
  kernel_size <- check_count(kernel_size[[1]], "conv(): kernel_size")
  check_activation(activation)
  if (sum(!vapply(list(max_pooling, average_pooling, upsampling), is.null, logical(1))) > 1) {
    warning("More than one pooling or upsampling operation has been selected in this layer.")
  }
  make_atomic_network(ruta_layer_conv, filters = filters, kernel_size = kernel_size, padding = padding,
                      activation = activation, max_pooling = max_pooling, average_pooling = average_pooling,
                      upsampling = upsampling)
}

#' Variational block
#'
#' The encoding of a variational autoencoder: a mean and a log-variance layer of `units`
#' units and a sample z = mean + exp(log_var / 2) * epsilon, epsilon ~ N(0, epsilon_std^2).
#' @param units Size of the latent space
#' @param epsilon_std Standard deviation of epsilon
#' @param seed Accepted for ruta's code; training's `seed` (see [train()]) fixes the draws
#' @return A network of one layer
#' @examples
#' input() + dense(256, "elu") + variational_block(3) + dense(256, "elu") + output("sigmoid")
#' @export
variational_block <- function(units, epsilon_std = 1.0, seed = NULL) {
  units <- check_count(units, "variational_block(): units")
  make_atomic_network(ruta_layer_variational, units = units, epsilon_std = epsilon_std, seed = seed)
}

# The name print() and plot() give a layer: "dense", "conv", "dropout", ...
layer_name <- function(layer) {
  if (inherits(layer, ruta_layer_custom)) layer$type else sub("ruta_layer_", "", class(layer)[1])
}
