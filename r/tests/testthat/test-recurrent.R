# Sequences in R: seed 002's sine waves through an LSTM autoencoder, as Keras writes it.
sine_waves <- function(n, steps = 24) {
  t(vapply(seq_len(n), function(i) runif(1, 0.5, 2) * sin((0:(steps - 1)) * runif(1, 0.1, 0.5) - runif(1, 0, 6)),
           numeric(steps)))
}

test_that("lstm, gru and repeat_vector build Keras's LSTM autoencoder", {
  net <- input() + lstm(8) + repeat_vector(24) + lstm(8, return_sequences = TRUE) + output()
  expect_equal(encoding_index(net), 2)
  expect_error(lstm(0), "units")
  expect_error(gru(4, activation = "tanhh"), "tanhh")
  expect_error(repeat_vector(-1), "n must be")
})

test_that("an LSTM autoencoder trains on a matrix of waves, encodes and reconstructs", {
  set.seed(1)
  x <- sine_waves(60)
  net <- input() + lstm(8) + repeat_vector(24) + gru(8, return_sequences = TRUE) + output()
  model <- train(autoencoder(net), x, epochs = 3, batch_size = 16, seed = 1)
  expect_equal(dim(encode(model, x)), c(60, 8))
  reconstruction <- reconstruct(model, x)
  expect_equal(dim(reconstruction), dim(x))
  path <- save_as(model, "waves.hgm", dir = tempdir())
  expect_equal(reconstruct(load_from(path), x), reconstruction)
})

test_that("an array of fewer steps than channels gets a warning naming R's layout", {
  set.seed(2)
  x <- array(rnorm(60 * 2 * 12), c(60, 2, 12))  # meant: 12 steps of 2 channels
  net <- input() + lstm(3) + repeat_vector(2) + lstm(4, return_sequences = TRUE) + output()
  expect_warning(train(autoencoder(net), x, epochs = 1, verbose = FALSE),
                 "60 sequences of 2 steps with 12 channels each .* aperm\\(x, c\\(1, 3, 2\\)\\)")
  meant <- input() + lstm(3) + repeat_vector(12) + lstm(4, return_sequences = TRUE) + output()
  expect_no_warning(train(autoencoder(meant), aperm(x, c(1, 3, 2)), epochs = 1, verbose = FALSE))
})
