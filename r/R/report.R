#' HTML report of what a model learned
#'
#' Writes one self-contained HTML page that opens offline (no network, no server): the
#' learner and its network, training curves of every history column, and, for data,
#' the distribution of each row's reconstruction error, the codes coloured by label
#' (their first two principal components when the code is wider than 2), the error of
#' each feature next to PCA's, originals next to reconstructions for images, generated
#' images for variational models, and the comparison with PCA at the code's size. The
#' charts are interactive (hover, zoom). The command line's `hourglass report` writes
#' the same page.
#' @param learner A trained learner
#' @param x Data to show the model on (optional): a matrix, array or data frame. A data
#'   frame's one non-numeric column (iris's Species) becomes the labels.
#' @param file The HTML file to write
#' @param labels One label per row of `x`, to colour the codes by
#' @param title The page's heading
#' @param threshold An anomaly threshold on the per-row error, drawn on its distribution
#' @return `file`, invisibly
#' @examples
#' \donttest{
#' model <- train(autoencoder(c(8, 2)), as.matrix(iris[, 1:4]), epochs = 20, verbose = FALSE)
#' report(model, iris, file.path(tempdir(), "iris.html"))
#' }
#' @export
report <- function(learner, x = NULL, file = "report.html", labels = NULL, title = "", threshold = NULL) {
  label_name <- "label"
  if (is.data.frame(x)) {
    numeric <- vapply(x, is.numeric, logical(1))
    if (sum(!numeric) == 1 && is.null(labels)) {
      label_name <- names(x)[!numeric]
      labels <- x[[label_name]]
      x <- x[numeric]
    }
  }
  columns <- character()
  if (!is.null(x)) {
    x <- as_data(x)
    if (length(dim(x)) == 2 && !is.null(colnames(x))) columns <- colnames(x)
    if (!is.null(labels) && length(labels) != dim(x)[1]) {
      stop("labels: expected one per row of x (", dim(x)[1], "), got ", length(labels), call. = FALSE)
    }
  }
  if (!is.null(threshold) && !(is.numeric(threshold) && length(threshold) == 1)) {
    stop("threshold: expected one number, got ", deparse(threshold), call. = FALSE)
  }
  call_core(hg_report, model_of(learner), x, columns, as.character(labels %||% character()), label_name,
            path.expand(file), title, if (is.null(threshold)) NA_real_ else as.numeric(threshold))
  invisible(file)
}
