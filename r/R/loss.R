#' Coercion to a loss
#'
#' @param x A loss object or a loss name: `"mean_squared_error"` (or `"mse"`),
#'   `"mean_absolute_error"` (`"mae"`), `"binary_crossentropy"` (`"bce"`)
#' @return An object of class `"ruta_loss"`
#' @export
as_loss <- function(x) UseMethod("as_loss")

#' @rdname as_loss
#' @export
as_loss.character <- function(x) structure(list(name = x), class = c(ruta_loss_named, ruta_loss))

#' @rdname as_loss
#' @export
as_loss.ruta_loss <- function(x) x

#' @rdname as_loss
#' @export
as_loss.default <- function(x) {
  stop("a loss is a name such as \"mean_squared_error\" or a loss object, got ", deparse(x), call. = FALSE)
}

#' @export
print.ruta_loss_named <- function(x, ...) {
  cat("Loss:", x$name, "\n")
  invisible(x)
}

#' @export
print.ruta_loss <- function(x, ...) {
  cat("Loss:", sub("ruta_loss_", "", class(x)[1]), "\n")
  invisible(x)
}

#' Correntropy loss
#'
#' The robust autoencoder's loss: minus the Gaussian kernel of the errors, which large
#' errors (outliers) saturate.
#' @param sigma Width of the kernel
#' @return A loss object
#' @export
correntropy <- function(sigma = variant_default("robust", "sigma")) structure(list(sigma = sigma), class = c(ruta_loss_correntropy, ruta_loss))

#' Contractive loss
#'
#' A reconstruction loss plus `weight` times the squared Frobenius norm of the encoder's
#' Jacobian.
#' @param reconstruction_loss The reconstruction loss (a name or loss object)
#' @param weight Weight of the penalty
#' @return A loss object
#' @export
contraction <- function(reconstruction_loss = "mean_squared_error", weight = variant_default("contractive", "weight")) {
  structure(list(reconstruction_loss = reconstruction_loss, weight = weight),
            class = c(ruta_loss_contraction, ruta_loss))
}

#' Variational loss
#'
#' The evidence lower bound: the reconstruction loss summed over a sample's features plus
#' `beta` times the KL divergence between the encoder's posterior and N(0, I).
#' @param reconstruction_loss The reconstruction loss (a name or loss object)
#' @param beta Weight of the KL divergence (1 is the classic VAE)
#' @return A loss object
#' @export
loss_variational <- function(reconstruction_loss, beta = variant_default("variational", "beta")) {
  structure(list(reconstruction_loss = reconstruction_loss, beta = beta),
            class = c(ruta_loss_variational, ruta_loss))
}

#' Sparsity regularization
#'
#' @param high_probability Target mean activation of the encoding units, in (0, 1)
#' @param weight Weight of the KL-divergence penalty
#' @return A regularizer for the encoding layer
#' @export
sparsity <- function(high_probability, weight) {
  structure(list(high_probability = high_probability, weight = weight), class = c(ruta_regularizer, ruta_sparsity))
}

weight_decay <- function(decay = variant_default("weight_decay", "decay"), all_layers = variant_default("weight_decay", "all_layers")) {
  structure(list(decay = decay, all_layers = all_layers), class = c(ruta_regularizer, ruta_weight_decay))
}
