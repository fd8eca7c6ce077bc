iris_x <- as.matrix(iris[, 1:4])

test_that("anomaly_score is the loss of each row, and the shares sum to it", {
  set.seed(1)
  model <- train(autoencoder(c(3, 2)), iris_x, epochs = 3, verbose = FALSE)
  scores <- anomaly_score(model, iris_x)
  expect_length(scores, 150)
  # No scaler: the mse between each row and its reconstruction.
  expect_equal(scores, rowMeans((reconstruct(model, iris_x) - iris_x)^2), tolerance = 1e-5)
  shares <- anomaly_score(model, iris_x, per_feature = TRUE)
  expect_equal(dim(shares), c(150, 4))
  expect_equal(rowSums(shares), scores, tolerance = 1e-5)
  expect_equal(shares, (reconstruct(model, iris_x) - iris_x)^2 / 4, tolerance = 1e-5, ignore_attr = TRUE)
})

test_that("thresholds follow their definitions and are kept in the model file", {
  set.seed(2)
  model <- train(autoencoder(c(3, 2)), iris_x, epochs = 3, verbose = FALSE)
  expect_null(anomaly_threshold(model))
  expect_error(is_outlier(model, iris_x), "has no threshold")
  scores <- anomaly_score(model, iris_x)

  flagged <- set_threshold(model, iris_x, contamination = 0.1)
  expect_equal(anomaly_threshold(flagged)$value, unname(quantile(scores, 0.9, type = 7)), tolerance = 1e-12)
  expect_equal(anomaly_threshold(flagged)$rule, "contamination:0.1")
  expect_equal(sum(is_outlier(flagged, iris_x)), 15)
  expect_null(anomaly_threshold(model))  # the learner given keeps its own

  q <- unname(quantile(scores, c(0.25, 0.75)))
  expect_equal(anomaly_threshold(set_threshold(model, iris_x, rule = "iqr:1.5"))$value, q[2] + 1.5 * diff(q))
  expect_equal(anomaly_threshold(set_threshold(model, iris_x, rule = "mad:3"))$value,
               median(scores) + 3 * mad(scores), tolerance = 1e-6)
  expect_equal(anomaly_threshold(set_threshold(model, iris_x, fpr = 0.05))$value,
               unname(quantile(scores, 0.95)), tolerance = 1e-12)
  expect_equal(is_outlier(set_threshold(model, rule = "0"), iris_x), scores > 0)
  expect_error(set_threshold(model, contamination = 0.1),
               "the rule 'contamination:0.1' is read from the scores of data: give the rows")

  path <- save_as(flagged, "flagged.hgm", dir = tempdir())
  expect_equal(anomaly_threshold(load_from(path)), anomaly_threshold(flagged))
  expect_equal(is_outlier(load_from(path), iris_x), is_outlier(flagged, iris_x))

  expect_error(set_threshold(model, iris_x), "give one of contamination, fpr or rule")
  expect_error(set_threshold(model, iris_x, contamination = 0.8), "must be in \\(0, 0.5\\]")
  expect_error(set_threshold(model, iris_x, rule = "pot:1"), "unknown rule 'pot'")
  expect_error(anomaly_score(model, iris_x, score = "elbo"), "needs a variational model")
})

test_that("a variational model's elbo score follows set.seed()", {
  set.seed(3)
  vae <- train(autoencoder_variational(c(4, 2), loss = "mean_squared_error"), iris_x, epochs = 2, verbose = FALSE)
  set.seed(5)
  a <- anomaly_score(vae, iris_x, score = "elbo", samples = 4)
  set.seed(5)
  expect_identical(anomaly_score(vae, iris_x, score = "elbo", samples = 4), a)
  expect_true(all(a > 0))
  expect_error(anomaly_score(vae, iris_x, score = "elbo", per_feature = TRUE), "per-feature")
})

test_that("an ensemble's scores are the mean of its networks' and it trains in full at once", {
  backend(threads = 1)  # identical weights for a fixed seed
  on.exit(backend(threads = parallel::detectCores()))
  one <- train(autoencoder(c(3, 2)), iris_x, epochs = 2, seed = 11, scale = "zscore")
  two <- train(autoencoder(c(3, 2)), iris_x, epochs = 2, seed = 12, scale = "zscore")
  both <- train(autoencoder(c(3, 2)), iris_x, epochs = 2, seed = 11, scale = "zscore", ensemble = 2)
  expect_equal(anomaly_score(both, iris_x), (anomaly_score(one, iris_x) + anomaly_score(two, iris_x)) / 2,
               tolerance = 1e-5)
  expect_equal(encode(both, iris_x), encode(one, iris_x))
  expect_error(train(both, iris_x, epochs = 1), "an ensemble trains in full at once")
  expect_error(train(autoencoder(2), iris_x, ensemble = 0), "expected 1 to 100 networks, got 0")
})

test_that("anomaly_detector() is the default detector, sized to the data, with its threshold", {
  x <- as.matrix(iris[, 1:4])
  detector <- anomaly_detector(x, contamination = 0.1, epochs = 3, seed = 2, verbose = FALSE)
  scores <- anomaly_score(detector, x)
  expect_equal(anomaly_threshold(detector)$value, unname(quantile(scores, 0.9, type = 7)), tolerance = 1e-6)
  expect_equal(sum(is_outlier(detector, x)), 15)
  # The same as the command line's default detector: the CLI's model scores identically.
  cli <- Sys.getenv("HOURGLASS_CLI")
  if (cli != "") {
    model <- tempfile(fileext = ".hgm")
    csv <- tempfile(fileext = ".csv")
    write.csv(iris[, 1:4], csv, row.names = FALSE)
    status <- system2(cli, c("train", csv, "--contamination", "0.1", "--epochs", "3", "--seed", "2", "--no-baseline",
                             "-q", "-o", model))
    expect_equal(status, 0)
    expect_equal(anomaly_score(load_from(model), x), scores)
  }
  # An option given wins over the detector's.
  single <- anomaly_detector(x, epochs = 1, ensemble = 1, seed = 2, verbose = FALSE)
  expect_false(isTRUE(all.equal(anomaly_score(single, x), scores)))
})
