#' Anomaly scores and outliers
#'
#' `anomaly_score` gives each row's reconstruction error under the model's loss, on the
#' scaled data the loss sees in training (the mean over the row's values for `mse`,
#' `mae`, `bce`, ...), or for a variational model with `score = "elbo"` the negative
#' ELBO averaged over `samples` draws (`set.seed()` makes it repeatable). Higher is
#' stranger. With `per_feature = TRUE` it gives each value's share instead: a matrix
#' whose rows sum to the scores.
#'
#' `set_threshold` returns the learner with a threshold kept in its model (and its file,
#' see [save_as()]), set by one rule on the scores of `data`: `contamination` (the
#' `1 - contamination` quantile, PyOD's rule, for data that holds about that share of
#' outliers), `fpr` (the `1 - fpr` quantile of held-out normal data: that share of normal
#' rows is flagged), or `rule`: `"mad:K"` (median + K * 1.4826 * MAD, the MAD scaled as
#' R's [stats::mad()]), `"iqr:K"` (Q3 + K * IQR) or a number. Quantiles are R's type 7.
#' `is_outlier` tells which rows score strictly above it; `anomaly_threshold` returns it
#' (a list: `value`, `rule`, `score`, `samples`, `rows`) or `NULL`.
#' @param learner A trained learner
#' @param data A numeric matrix or array
#' @param score `"reconstruction"` or `"elbo"` (variational models); by default the score
#'   the threshold was set on, or `"reconstruction"`
#' @param samples Draws per row for `"elbo"`
#' @param per_feature Return each value's share of the reconstruction score
#' @param contamination,fpr,rule The threshold rule (give one)
#' @return `anomaly_score`: a numeric vector (a matrix with `per_feature`);
#'   `is_outlier`: a logical vector; `set_threshold`: the learner
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' model <- train(autoencoder(2), x, epochs = 5, verbose = FALSE) |> set_threshold(x, contamination = 0.1)
#' sum(is_outlier(model, x))  # 15
#' head(anomaly_score(model, x))
#' }
#' @export
anomaly_score <- function(learner, data, score = NULL, samples = 16, per_feature = FALSE) {
  score <- score_kind(learner, score)
  call_core(hg_score, model_of(learner), as_data(data), score, samples, per_feature, draw_seed())
}

#' @rdname anomaly_score
#' @export
set_threshold <- function(learner, data = NULL, contamination = NULL, fpr = NULL, rule = NULL,
                          score = "reconstruction", samples = 16) {
  given <- c(contamination = !is.null(contamination), fpr = !is.null(fpr), rule = !is.null(rule))
  if (sum(given) != 1) {
    stop("set_threshold: give one of contamination, fpr or rule (e.g. contamination = 0.1 or rule = \"mad:3\")",
         call. = FALSE)
  }
  text <- if (given[["contamination"]]) {
    paste0("contamination:", as.character(contamination))
  } else if (given[["fpr"]]) {
    paste0("fpr:", as.character(fpr))
  } else {
    as.character(rule)
  }
  x <- if (is.null(data)) NULL else as_data(data)
  learner$models <- call_core(hg_set_threshold, model_of(learner), x, text, score, samples, draw_seed())
  learner
}

#' @rdname anomaly_score
#' @export
is_outlier <- function(learner, data) call_core(hg_is_outlier, model_of(learner), as_data(data), draw_seed())

#' @rdname anomaly_score
#' @export
anomaly_threshold <- function(learner) call_core(hg_threshold, model_of(learner))

score_kind <- function(learner, score) {
  if (!is.null(score)) return(score)
  threshold <- anomaly_threshold(learner)
  if (is.null(threshold)) "reconstruction" else threshold$score
}

#' The default anomaly detector
#'
#' Trains the detector `hourglass train DATA --contamination C` builds without a
#' network, and sets its threshold: a dense layer of one unit per column or per 100
#' rows, whichever is more (at most 64) and a code of half that (relu), z-scores, an ensemble of five networks, each batch's worst 30% of rows left
#' out of the loss, and an "(other)" level for categories training never saw. The network
#' is sized to the data because one with more units than its rows support learns to copy
#' them, outliers too; bench/README.md measures this detector against IsolationForest.
#' @param data Training data, as [train()] takes it: a matrix, or a data frame with
#'   factors and `NA`
#' @param contamination The share of outliers expected in `data`, in (0, 0.5]: the
#'   threshold is the `1 - contamination` quantile of its scores
#' @param ... Further [train()] arguments (`epochs`, `seed`, ...); the detector's options
#'   (`scale`, `ensemble`, `trim`, `other_level`) yield to those given here
#' @return The trained learner with its threshold, for [anomaly_score()] and [is_outlier()]
#' @examples
#' \donttest{
#' x <- as.matrix(iris[, 1:4])
#' detector <- anomaly_detector(x, contamination = 0.05, epochs = 20, verbose = FALSE)
#' sum(is_outlier(detector, x))
#' }
#' @export
anomaly_detector <- function(data, contamination = 0.1, ...) {
  columns <- if (is.null(dim(data))) 1 else prod(dim(data)[-1])
  rows <- if (is.null(dim(data))) length(data) else dim(data)[1]
  recipe <- call_core(hg_default_detector, as.numeric(columns), as.numeric(rows))
  arguments <- list(...)
  for (name in names(recipe$options)) {
    if (is.null(arguments[[name]])) arguments[[name]] <- recipe$options[[name]]
  }
  network <- do.call(new_network, lapply(recipe$network, from_core_layer))
  learner <- do.call(train, c(list(autoencoder(network), data), arguments))
  set_threshold(learner, data, contamination = contamination)
}
