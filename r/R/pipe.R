#' The pipe
#'
#' magrittr's pipe, as ruta re-exports it: `x %>% f(y)` is `f(x, y)`, so that
#' `autoencoder(2) %>% train(x, epochs = 10) %>% encode(x)` reads left to right.
#' See magrittr's help, `?magrittr::"%>%"`, for the details.
#' @name %>%
#' @rdname pipe
#' @usage lhs \%>\% rhs
#' @param lhs A value
#' @param rhs A function call whose first argument `lhs` becomes
#' @return The result of `rhs` with `lhs` as its first argument
#' @keywords internal
NULL
