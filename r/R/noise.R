new_noise <- function(type, parameter_name, value) {
  filter <- structure(list(value), class = c(paste0("ruta_noise_", type), ruta_noise, ruta_filter))
  names(filter) <- parameter_name
  call_core(hg_check_noise, core_noise(filter))
  filter
}

#' Noise filters
#'
#' Corruptions for denoising autoencoders, applied with [apply_filter()].
#' `noise_zeros`/`noise_ones`: each value becomes 0 / 1 with probability `p`;
#' `noise_saltpepper`: 0 or 1, each with probability `p / 2`; `noise_gaussian`: adds
#' N(0, sd^2) (give `sd` or `var`); `noise_cauchy`: adds Cauchy(0, scale).
#' @param p Probability that a value is replaced
#' @return A noise filter (class `"ruta_noise"`)
#' @examples
#' apply_filter(noise_saltpepper(0.1), matrix(0.5, 2, 3))
#' @export
noise_zeros <- function(p = 0.05) new_noise("zeros", "p", p)

#' @rdname noise_zeros
#' @export
noise_ones <- function(p = 0.05) new_noise("ones", "p", p)

#' @rdname noise_zeros
#' @export
noise_saltpepper <- function(p = 0.05) new_noise("saltpepper", "p", p)

#' @rdname noise_zeros
#' @param sd Standard deviation of the Gaussian noise
#' @param var Its variance, used when `sd` is not given
#' @export
noise_gaussian <- function(sd = NULL, var = NULL) {
  new_noise("gaussian", "sd", sd %||% if (is.null(var)) 0.1 else sqrt(var))
}

#' @rdname noise_zeros
#' @param scale Scale of the Cauchy noise
#' @export
noise_cauchy <- function(scale = 0.005) new_noise("cauchy", "scale", scale)

#' @rdname noise_zeros
#' @param type `"zeros"`, `"ones"`, `"saltpepper"`, `"gaussian"` or `"cauchy"`
#' @param ... The parameter of that noise
#' @export
noise <- function(type, ...) {
  make <- switch(tolower(type), zeros = noise_zeros, ones = noise_ones, saltpepper = noise_saltpepper,
                 gaussian = noise_gaussian, cauchy = noise_cauchy,
                 stop("unknown noise '", type, "' (valid: zeros, ones, saltpepper, gaussian, cauchy)", call. = FALSE))
  make(...)
}

#' Apply a filter
#'
#' Corrupts data with a noise filter: a copy of the same shape. The draws follow R's
#' random number generator, so `set.seed()` makes them reproducible.
#' @param filter A noise filter
#' @param data A numeric matrix or array
#' @param ... Unused
#' @return The corrupted data
#' @export
apply_filter <- function(filter, data, ...) UseMethod("apply_filter")

#' @rdname apply_filter
#' @export
apply_filter.ruta_noise <- function(filter, data, ...) {
  x <- as_data(data)
  noisy <- call_core(hg_apply_noise, core_noise(filter), x, draw_seed())
  dimnames(noisy) <- dimnames(x)
  noisy
}

#' @rdname apply_filter
#' @export
apply_filter.function <- function(filter, data, ...) filter(data, ...)
