iris_x <- as.matrix(iris[, 1:4])

pca_mse <- function(x, k) {
  centered <- scale(x, scale = FALSE)
  p <- prcomp(centered, center = FALSE)
  back <- p$x[, 1:k] %*% t(p$rotation[, 1:k])
  mean((back - centered)^2)
}

test_that("a linear autoencoder on iris comes within 10% of PCA", {
  set.seed(3)
  model <- train(autoencoder(2), iris_x, epochs = 400, batch_size = 16, optimizer = "adam",
                 learning_rate = 0.01)
  ours <- evaluate_mean_squared_error(model, iris_x)$mean_squared_error
  baseline <- pca_mse(iris_x, 2)
  expect_lt(ours, 1.10 * baseline)
  expect_gte(ours, 0.999 * baseline)  # PCA is the best linear 2-D code
})

test_that("compare_with_pca() is train's comparison, checked against prcomp", {
  set.seed(4)
  model <- train(autoencoder(2), iris_x, epochs = 30, verbose = FALSE)
  comparison <- compare_with_pca(model, iris_x)
  expect_equal(comparison$measure, "mse")
  expect_equal(attr(comparison, "k"), 2L)
  expect_equal(comparison$autoencoder, mean((reconstruct(model, iris_x) - iris_x)^2), tolerance = 1e-5)
  expect_equal(comparison$pca, pca_mse(iris_x, 2), tolerance = 1e-5)
  expect_error(compare_with_pca(model, iris_x[, 1:3]), "4 columns")
  # A table with a category and holes: its present numbers, and the species that come back.
  holed <- iris
  holed$Sepal.Length[c(3, 60)] <- NA
  table_model <- train(autoencoder(c(6, 3)), holed, epochs = 20, verbose = FALSE)
  table_comparison <- compare_with_pca(table_model, holed)
  expect_equal(table_comparison$measure, c("mse", "categories_reconstructed"))
  expect_equal(table_comparison$better, c("lower", "higher"))
  back <- reconstruct(table_model, holed)
  expect_equal(table_comparison$autoencoder[2], mean(back$Species == holed$Species))
  numbers <- as.matrix(holed[, 1:4])
  expect_equal(table_comparison$autoencoder[1], mean((as.matrix(back[, 1:4]) - numbers)^2, na.rm = TRUE),
               tolerance = 1e-5)
})

test_that("evaluate_* match their formulas computed in R", {
  set.seed(1)
  x <- matrix(runif(200), 50, 4)
  model <- train(autoencoder(input() + dense(3) + output("sigmoid"), "binary_crossentropy"), x, epochs = 3)
  r <- reconstruct(model, x)
  expect_equal(dim(r), dim(x))
  expect_equal(evaluate_mean_squared_error(model, x)$mean_squared_error, mean((r - x)^2), tolerance = 1e-5)
  expect_equal(evaluate_mean_absolute_error(model, x)$mean_absolute_error, mean(abs(r - x)), tolerance = 1e-5)
  p <- pmin(pmax(r, 1e-7), 1 - 1e-7)
  expect_equal(evaluate_binary_crossentropy(model, x)$binary_crossentropy,
               -mean(x * log(p) + (1 - x) * log(1 - p)), tolerance = 1e-5)
  # Keras's binary accuracy rounds the prediction and compares the target as it is.
  expect_equal(evaluate_binary_accuracy(model, round(x))$binary_accuracy, mean((reconstruct(model, round(x)) > 0.5) ==
                                                                                  round(x)), tolerance = 1e-6)
  q <- pmin(pmax(r, 1e-7), 1)
  expect_equal(evaluate_kullback_leibler_divergence(model, x)$kullback_leibler_divergence,
               mean(rowSums(x * log(x / q))), tolerance = 1e-4)
  expect_equal(decode(model, encode(model, x)), r, tolerance = 1e-6)
  expect_equal(predict(model, x), r)
})

test_that("train() reports metrics and validation per epoch, and set.seed() makes it repeatable", {
  set.seed(7)
  a <- train(autoencoder(2), iris_x[1:100, ], validation_data = iris_x[101:150, ], epochs = 3,
             metrics = list("mean_absolute_error"))
  set.seed(7)
  b <- train(autoencoder(2), iris_x[1:100, ], validation_data = iris_x[101:150, ], epochs = 3,
             metrics = list("mean_absolute_error"))
  expect_equal(names(a$history), c("epoch", "loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error",
                                   "seconds"))
  expect_equal(nrow(a$history), 3)
  expect_equal(a$history$loss, b$history$loss)
  expect_equal(encode(a, iris_x), encode(b, iris_x))
  expect_true(is_trained(a))
  expect_false(is_trained(autoencoder(2)))
})

test_that("data frames, pipes and errors", {
  # A text column is a categorical feature (test-tables.R); other kinds are refused.
  expect_s3_class(reconstruct(train(autoencoder(2), iris, epochs = 1, verbose = FALSE), iris), "data.frame")
  expect_error(train(autoencoder(2), data.frame(x = 1:3, when = Sys.Date() + 1:3)), "column 'when' is a Date")
  expect_error(encode(autoencoder(2), iris_x), "the learner is not trained")
  expect_error(train(autoencoder(2), 1:10), "expected a numeric matrix")
  expect_error(train(autoencoder(2), iris_x, epochs = 0), "epochs must be at least 1, got 0")
  expect_error(train(autoencoder(2), iris_x, batchsize = 8), "unknown option 'batchsize'")
  expect_error(train(autoencoder(2), iris_x, optimizer = "nadam"), "unknown optimizer 'nadam'")
  codes <- iris[, 1:4] %>% as.matrix() %>% autoencode(2, "robust")
  expect_equal(dim(codes), c(150L, 2L))
  codes <- iris[, 1:4] |> autoencode(3, "sparse", "sigmoid", epochs = 2)
  expect_true(all(codes > 0 & codes < 1))
  expect_error(autoencode(iris_x, 2, "adversarial"), "unknown autoencoder type 'adversarial'")
})

test_that("library warnings become R warnings", {
  expect_warning(train(autoencoder(2), iris_x, epochs = 2, callbacks = list(callback_csv_logger("/nonexistent/h.csv"))),
                 "could not write the history .*training goes on")
})

test_that("Ctrl-C stops training after a batch and keeps the model", {
  skip_on_os("windows")
  x <- matrix(runif(20000 * 32), 20000, 32)
  # The signal comes once the first epoch is in the history file: training is under way,
  # however slow the machine (never a fixed sleep; the loop gives up after 10 minutes).
  history <- tempfile(fileext = ".csv")
  # In parentheses: R runs `sh -c "COMMAND &"` and waits for sh, so all of it must go to
  # the background, not only its last command.
  system(sprintf("(for i in $(seq 6000); do [ -s %s ] && break; sleep 0.1; done; kill -INT %d)",
                 history, Sys.getpid()), wait = FALSE)
  expect_warning(model <- train(autoencoder(c(64, 8)), x, epochs = 1000, batch_size = 8,
                                callbacks = list(callback_csv_logger(history))),
                 "training stopped by the user \\(interrupted during epoch")
  expect_lt(nrow(model$history), 1000)
  expect_equal(dim(encode(model, x[1:5, ])), c(5L, 8L))  # c(64, 8) is 64-8-64
})

test_that("train() takes the options the library declares, a plug-in's too", {
  options <- train_options()
  expect_true(all(c("epochs", "batch_size", "learning_rate", "seed", "trim", "ensemble") %in% options$name))
  expect_equal(options$default[options$name == "batch_size"], "32")
  expect_equal(options$default[options$name == "seed"], "none")
  expect_match(options$choices[options$name == "optimizer"], "rmsprop")
  expect_false("verbose" %in% options$name)  # R's own: printing to the console
  expect_equal(train_option_default("epochs"), 20)
  expect_error(train(autoencoder(2), iris_x, test_only_warmup = 2, verbose = FALSE), "unknown option 'test_only_warmup'")

  # What a C++ plug-in does when it loads: the option is then train()'s too.
  hourglass:::hg_declare_train_option("test_only_warmup", "integer", 3, "epochs at a lower rate first (a test's own)")
  options <- train_options()
  expect_equal(options$default[options$name == "test_only_warmup"], "3")
  expect_equal(options$help[options$name == "test_only_warmup"], "epochs at a lower rate first (a test's own)")
  model <- train(autoencoder(2), iris_x, epochs = 1, test_only_warmup = 2, verbose = FALSE)
  expect_true(is_trained(model))
  expect_error(train(autoencoder(2), iris_x, epochs = 1, test_only_warmup = 2.5, verbose = FALSE),
               "test_only_warmup must be a whole number, got 2.5")
  expect_error(train(autoencoder(2), iris_x, epochs = 1, shuffle = NA, verbose = FALSE),
               "shuffle must be TRUE or FALSE, got NA")
})

test_that("NA in a matrix of numbers is said once, then taken as the CLI takes a missing cell", {
  holed <- iris_x
  holed[c(3, 60), 1] <- NA
  assign("na_noted", FALSE, envir = hourglass:::.hourglass_state)
  expect_message(model <- train(autoencoder(2), holed, epochs = 1, verbose = FALSE),
                 "data: 2 missing cells \\(NA\\) are filled with their column's training mean")
  expect_silent(encode(model, holed))  # once a session
  filled <- impute(model, holed)
  expect_false(anyNA(filled))
  expect_identical(filled[-c(3, 60), ], holed[-c(3, 60), ])  # the present cells exactly
})

test_that("Keras's optimizer spellings are taken and a removed argument says what replaced it", {
  model <- train(autoencoder(2), iris_x, epochs = 1, optimizer = "Adam", verbose = FALSE)
  expect_equal(nrow(model$history), 1)
  expect_error(train(autoencoder(2), iris_x, epochs = 1, optimizer = "Adamm", verbose = FALSE), "Adamm")
  # adadelta, as ruta users name it (Keras's default rate 0.001 barely moves; 1.0 learns)
  slow <- train(autoencoder(2), iris_x, epochs = 20, optimizer = "adadelta", verbose = FALSE)
  fast <- train(autoencoder(2), iris_x, epochs = 20, optimizer = "Adadelta", learning_rate = 1, verbose = FALSE)
  expect_lt(tail(fast$history$loss, 1), tail(slow$history$loss, 1))
  expect_error(train(autoencoder(2), iris_x, epochs = 1, resume = "run.hgm"),
               "resume = was removed; train\\(load_from")
})
