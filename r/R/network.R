#' Sequential network constructor
#'
#' Prefer joining layers with `+`: `input() + dense(32, "tanh") + output("sigmoid")`.
#' @param ... Zero or more objects of class `"ruta_layer"`
#' @return An object of class `"ruta_network"`
#' @export
new_network <- function(...) {
  layers <- list(...)
  if (!all(vapply(layers, inherits, logical(1), ruta_layer))) {
    stop("a network is made of layers, e.g. input() + dense(2) + output()", call. = FALSE)
  }
  structure(layers, class = ruta_network)
}

#' Coercion to a network
#'
#' A numeric vector lists the encoder's layer sizes, as in the ruta paper: `c(64, 16)`
#' is `input() + dense(64) + dense(16) + dense(64) + output()`, the last size being the
#' encoding and the decoder mirroring the encoder.
#' @param object A network, a layer or a vector of sizes
#' @return An object of class `"ruta_network"`
#' @examples
#' as_network(c(1000, 32))
#' @export
as_network <- function(object) UseMethod("as_network")

#' @rdname as_network
#' @export
as_network.ruta_network <- function(object) object

#' @rdname as_network
#' @export
as_network.ruta_layer <- function(object) new_network(object)

#' @rdname as_network
#' @export
as_network.numeric <- function(object) as_network(as.integer(object))

#' @rdname as_network
#' @export
as_network.integer <- function(object) {
  if (length(object) == 0) stop("as_network(): give at least one layer size, e.g. c(16, 2)", call. = FALSE)
  do.call(new_network, lapply(hg_network_from_sizes(as.numeric(object)), from_core_layer))
}

#' @rdname as_network
#' @export
as_network.default <- function(object) {
  stop("cannot make a network of a ", class(object)[1], "; give layers joined with + or a vector of sizes, ",
       "e.g. c(64, 16)", call. = FALSE)
}

#' Join networks
#'
#' @param e1,e2 Networks or layers
#' @param ... Networks or layers
#' @return The layers of both, in order
#' @examples
#' input() + dense(30) + output("sigmoid")
#' c(input(), dense(30), dense(3), dense(30), output())
#' @export
"+.ruta_network" <- function(e1, e2) c(e1, e2)

#' @rdname plus-.ruta_network
#' @export
c.ruta_network <- function(...) {
  parts <- lapply(list(...), function(part) unclass(as_network(part)))
  do.call(new_network, do.call(c, parts))
}

#' Subnetworks
#'
#' @param net A network
#' @param index Positions of the layers to keep
#' @return A network of those layers
#' @examples
#' long <- input() + dense(1000) + dense(100) + dense(1000) + output()
#' long[c(1, 3, 5)]
#' @export
"[.ruta_network" <- function(net, index) {
  layers <- unclass(net)[index]
  do.call(new_network, layers)
}

#' Index of the encoding layer
#'
#' The middle one of the layers with units (dense, variational); in a convolutional
#' network, the last layer before the decoder starts to upsample.
#' @param net A network
#' @return A position in `net`
#' @export
encoding_index <- function(net) hg_encoding_index(core_layers(net))

#' @export
print.ruta_network <- function(x, ...) {
  cat("Network structure:\n")
  for (layer in x) {
    cat(" ", layer_name(layer), sep = "")
    if (!is.null(layer$units)) cat("(", layer$units, " units)", sep = "")
    if (!is.null(layer$filters)) cat("(", layer$filters, " filters, kernel ", layer$kernel_size, ")", sep = "")
    if (!is.null(layer$activation)) cat(" -", layer$activation)
    cat("\n")
  }
  invisible(x)
}

#' Draw a network
#'
#' Each layer is a box whose height grows with its size (units or filters); dense
#' connections are drawn crossed, others straight.
#' @param x A network
#' @param ... `bg` (fill colour), `fg` (lines and text), `log` (logarithmic heights)
#' @return `x`, invisibly
#' @examples
#' net <- input() + dense(1000, "relu") + dropout() + dense(100, "tanh") +
#'   dense(1000, "relu") + dropout() + output("sigmoid")
#' plot(net, log = TRUE, fg = "#30707a", bg = "#e0e6ea")
#' @export
plot.ruta_network <- function(x, ...) {
  style <- list(...)
  fill <- style$bg %||% "#c0c0c0"
  ink <- style$fg %||% "black"
  sizes <- vapply(x, function(layer) as.numeric(layer$units %||% layer$filters %||% NA), numeric(1))
  labels <- vapply(seq_along(x), function(i) {
    name <- if (inherits(x[[i]], ruta_layer_dense) && is.na(sizes[i])) "output" else layer_name(x[[i]])
    if (is.na(sizes[i])) name else paste(name, sizes[i])
  }, character(1))
  # Layers without a size of their own (input, output, dropout) take the largest one.
  heights <- ifelse(is.na(sizes), max(c(sizes, 1), na.rm = TRUE), sizes)
  if (isTRUE(style$log)) heights <- log1p(heights)
  heights <- 0.9 * heights / max(heights)
  count <- length(x)
  width <- 1 / (2 * count)
  left <- (seq_len(count) - 1) / count + width / 2
  bottom <- (1 - heights) / 2
  top <- bottom + heights
  graphics::plot(c(0, 1), c(0, 1), type = "n", xlab = "", ylab = "", axes = FALSE)
  for (i in seq_len(count)) {
    graphics::rect(left[i], bottom[i], left[i] + width, top[i], col = fill, border = ink)
    if (i > 1) {
      from <- left[i - 1] + width
      crossed <- inherits(x[[i]], ruta_layer_dense) || inherits(x[[i]], ruta_layer_variational)
      ends <- if (crossed) list(c(bottom[i - 1], top[i]), c(top[i - 1], bottom[i])) else
        list(c(bottom[i - 1], bottom[i]), c(top[i - 1], top[i]))
      for (y in ends) graphics::lines(c(from, left[i]), y, col = ink)
    }
    graphics::text(left[i] + width / 2, 0.5, labels[i], srt = 90, col = ink, cex = 0.8)
  }
  invisible(x)
}
