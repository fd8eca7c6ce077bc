iris_x <- as.matrix(iris[, 1:4])

test_that("train() on a trained learner continues it, as fitting a Keras model again does", {
  set.seed(1)
  model <- train(autoencoder(2), iris_x, epochs = 30, optimizer = "adam", learning_rate = 0.01, scale = "zscore")
  before <- evaluate_mean_squared_error(model, iris_x)$mean_squared_error
  more <- train(model, iris_x, epochs = 5)
  expect_equal(nrow(more$history), 35)
  expect_equal(more$history$epoch, 1:35)
  # From the weights it had: no jump back to an untrained model's error.
  expect_lt(evaluate_mean_squared_error(more, iris_x)$mean_squared_error, 1.05 * before)
  expect_equal(evaluate_mean_squared_error(model, iris_x)$mean_squared_error, before)  # the first is unchanged
  # Two fits of 3 epochs equal one of 6 (same seed, one thread).
  backend(threads = 1)
  set.seed(2)
  once <- train(autoencoder(2), iris_x, epochs = 6, optimizer = "adam")
  set.seed(2)
  twice <- train(train(autoencoder(2), iris_x, epochs = 3, optimizer = "adam"), iris_x, epochs = 3)
  expect_equal(encode(twice, iris_x), encode(once, iris_x))
  expect_equal(twice$history$loss, once$history$loss)
  backend(threads = parallel::detectCores())
  expect_error(train(model, iris_x[, 1:3], epochs = 1), "trained on samples of shape 4 but this data has samples of shape 3")
})

test_that("R functions are callbacks, with the epoch's logs as a named list", {
  set.seed(3)
  seen <- list()
  batches <- 0
  model <- train(autoencoder(2), iris_x, epochs = 4, validation_split = 0.2, batch_size = 40,
                 callbacks = list(callback_lambda(
                   on_epoch_end = function(epoch, logs) seen[[epoch]] <<- logs,
                   on_batch_end = function(batch, logs) batches <<- batches + 1)))
  expect_equal(length(seen), 4)
  expect_equal(names(seen[[1]]), c("epoch", "loss", "val_loss"))
  expect_equal(vapply(seen, function(l) l$val_loss, numeric(1)), model$history$val_loss)
  expect_equal(batches, 4 * 3)  # 120 training rows in batches of 40
  stopped <- train(autoencoder(2), iris_x, epochs = 50, callbacks = callback_lambda(
    on_epoch_end = function(epoch, logs) if (epoch == 3) stop_training("three is enough")))
  expect_equal(nrow(stopped$history), 3)
  expect_error(train(autoencoder(2), iris_x, epochs = 2, callbacks = callback_lambda(
    on_epoch_end = function(epoch, logs) stop("my callback broke"))), "my callback broke")
  expect_error(stop_training(), "works inside a callback")
  expect_error(train(autoencoder(2), iris_x, callbacks = list(function(epoch) 1)), "callbacks must be a list of callbacks")
})

test_that("Keras's callbacks: early stopping, plateau, scheduler, checkpoint and CSV log", {
  set.seed(4)
  model <- train(autoencoder(2), iris_x, epochs = 40, validation_split = 0.2, optimizer = "sgd",
                 learning_rate = 0.001,
                 callbacks = list(callback_reduce_lr_on_plateau(patience = 1, factor = 0.5, min_delta = 10),
                                  callback_early_stopping(patience = 3, min_delta = 10, restore_best_weights = TRUE)))
  # No epoch improves by 10: the rate halves after epochs 2 and 3, early stopping ends epoch 4.
  expect_equal(model$history$lr, c(0.001, 0.001, 0.0005, 0.00025))
  expect_equal(evaluate_mean_squared_error(model, iris_x[121:150, ])$loss, model$history$val_loss[1],
               tolerance = 1e-5)
  scheduled <- train(autoencoder(2), iris_x, epochs = 3, optimizer = "sgd", scale = "zscore",
                     callbacks = callback_learning_rate_scheduler(function(epoch, lr) 0.01 / epoch))
  expect_equal(scheduled$history$lr, 0.01 / 1:3)
  path <- file.path(tempdir(), "checkpoint.hgm")
  csv <- file.path(tempdir(), "history.csv")
  checkpointed <- train(autoencoder(2), iris_x, epochs = 3,
                        callbacks = list(callback_model_checkpoint(path), callback_csv_logger(csv)))
  expect_equal(encode(load_from(path), iris_x), encode(checkpointed, iris_x))
  expect_equal(read.csv(csv)$loss, checkpointed$history$loss, tolerance = 1e-6)
})

test_that("the callbacks' defaults and checks are the library's declaration", {
  kinds <- hourglass:::hg_callback_kinds()
  for (name in c("early_stopping", "model_checkpoint", "reduce_lr_on_plateau")) {
    f <- get(paste0("callback_", name), envir = asNamespace("hourglass"))
    declared <- kinds[[name]]$parameters
    expect_equal(names(formals(f)), names(declared))
    made <- if (name == "model_checkpoint") f("m.hgm") else f()
    for (parameter in setdiff(names(declared), "filepath")) {
      expect_identical(made[[parameter]], declared[[parameter]]$default, info = paste(name, parameter))
    }
  }
  expect_equal(callback_early_stopping()$monitor, "val_loss")  # Keras's default
  expect_error(train(autoencoder(2), iris_x, epochs = 1, callbacks = callback_early_stopping(patience = -1)),
               "EarlyStopping: patience must be an integer >= 0, got -1")
  expect_error(train(autoencoder(2), iris_x, epochs = 1, callbacks = callback_reduce_lr_on_plateau(mode = "up")),
               "ReduceLROnPlateau: unknown mode 'up' \\(valid: auto, min, max\\)")
  expect_error(train(autoencoder(2), iris_x, epochs = 1, callbacks = callback_early_stopping(patience = "3")),
               "callback_early_stopping\\(\\): patience must be")
})

test_that("evaluate_* returns Keras's named list and takes ruta's extra arguments", {
  set.seed(5)
  model <- train(autoencoder(2, "mean_absolute_error"), iris_x, epochs = 2)
  result <- evaluate_mean_squared_error(model, iris_x, batch_size = 32, verbose = 0)
  expect_equal(names(result), c("loss", "mean_squared_error"))
  expect_equal(result$loss, evaluate_mean_absolute_error(model, iris_x)$mean_absolute_error, tolerance = 1e-6)
  expect_error(evaluate_mean_squared_error(model, iris_x, epochs = 3), "unknown argument 'epochs'")
})

test_that("backend() sets the threads and refuses a device this build lacks", {
  settings <- backend(threads = 1)
  expect_equal(settings$threads, 1)
  expect_equal(settings$device, "cpu")
  expect_error(backend(device = "cuda"), "runs on the CPU")
  # The earlier spelling still works, and says where it went.
  expect_message(configure(threads = 2), "backend\\(\\) now")
  expect_equal(backend()$threads, 2)
  backend(threads = parallel::detectCores())
})

test_that("configure(learner, input_shape) lays out the network as ruta's does", {
  learner <- configure(autoencoder(c(8, 2)), 4)
  expect_equal(learner$input_shape, 4L)
  # 4-8-2-8-4: 40 + 18 + 24 + 36 values
  expect_equal(count_params(learner), 40 + 18 + 24 + 36)
  expect_output(summary(learner), "Total params: 118")
  # A dense network reads an 8 x 8 image as 64 values; a shape a network cannot take is
  # refused here, before any data.
  images <- configure(autoencoder(c(16, 2)), c(1, 8, 8))
  expect_equal(count_params(images), (64 * 16 + 16) + (16 * 2 + 2) + (2 * 16 + 16) + (16 * 64 + 64))
  expect_error(configure(autoencoder(input() + conv(4, 3, max_pooling = 2) + dense(2) + output()), c(1, 8, 8)),
               "add flatten\\(\\) before it")
  expect_error(configure(autoencoder(c(8, 2)), 0), "input_shape must be")
  expect_error(configure("x", 4), "expected a learner")
  expect_error(count_params(autoencoder(2)), "configure\\(learner, input_shape\\)")
  # A trained learner counts what it trained, the same number.
  model <- train(autoencoder(c(8, 2)), iris_x, epochs = 1, verbose = FALSE)
  expect_equal(count_params(model), count_params(learner))
  expect_output(summary(model), "<- encoding")
})

test_that("evaluation_metric() takes a function of y_true and y_pred, as ruta's", {
  model <- train(autoencoder(2), iris_x, epochs = 5, verbose = FALSE)
  largest_error <- function(y_true, y_pred) apply(abs(y_true - y_pred), 1, max)
  result <- evaluation_metric(largest_error)(model, iris_x)
  expect_equal(names(result), c("loss", "largest_error"))
  expect_equal(result$largest_error, mean(apply(abs(iris_x - reconstruct(model, iris_x)), 1, max)), tolerance = 1e-6)
  squared <- evaluation_metric(function(y_true, y_pred) (y_true - y_pred)^2)(model, iris_x)
  expect_equal(squared$metric, evaluate_mean_squared_error(model, iris_x)$mean_squared_error, tolerance = 1e-5)
  expect_error(evaluation_metric(function(y_true, y_pred) "a")(model, iris_x), "should return numbers")
  expect_error(evaluation_metric(3), "metric name or a function")
})
