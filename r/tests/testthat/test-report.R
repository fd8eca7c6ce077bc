report_data <- function(file) {
  page <- paste(readLines(file, warn = FALSE), collapse = "\n")
  start <- regexpr('<script type="application/json" id="hourglass-report-data">', page, fixed = TRUE)
  rest <- substring(page, start + attr(start, "match.length"))
  substring(rest, 1, regexpr("</script>", rest, fixed = TRUE) - 1)
}

test_that("report() writes the page, with the labels of a data frame and the threshold", {
  set.seed(3)
  model <- train(autoencoder(c(6, 2)), as.matrix(iris[, 1:4]), epochs = 4)
  file <- tempfile(fileext = ".html")
  expect_identical(report(model, iris, file, title = "Iris in R", threshold = 0.2), file)
  page <- readLines(file, warn = FALSE)
  expect_true(any(grepl("<title>Iris in R</title>", page, fixed = TRUE)))
  data <- report_data(file)
  # The codes carry the species, the per-feature chart the column names, the history 4 epochs.
  expect_true(grepl('"color":"Species"', data, fixed = TRUE))
  expect_true(grepl('"label":"virginica"', data, fixed = TRUE))
  expect_true(grepl('"feature":"Petal.Width"', data, fixed = TRUE))
  expect_true(grepl('"threshold":0.2', data, fixed = TRUE))
  expect_equal(lengths(regmatches(data, gregexpr('"set":"training"', data, fixed = TRUE))), 4)
  # The mean error is the model's own mse on the data (no scaling here).
  mean_error <- as.numeric(sub('.*"mean":([-0-9.e+]+).*', "\\1", data))
  expect_equal(mean_error, evaluate_mean_squared_error(model, as.matrix(iris[, 1:4]))$mean_squared_error, tolerance = 1e-5)
})

test_that("report() without data shows the model only, and bad arguments are refused", {
  set.seed(3)
  model <- train(autoencoder(c(2)), as.matrix(iris[, 1:4]), epochs = 2)
  file <- tempfile(fileext = ".html")
  report(model, file = file)
  expect_true(grepl('"data":null', report_data(file), fixed = TRUE))
  expect_error(report(model, as.matrix(iris[, 1:3]), file), "4 values")
  expect_error(report(model, iris[, 1:4], file, labels = c("a", "b")), "one per row")
  expect_error(report(autoencoder(2), iris[, 1:4], file), "not trained")
})
