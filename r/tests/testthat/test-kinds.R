# Every layer kind of the library has its R constructor, taking every argument the kind
# has, with the same defaults (the R names of two kinds are ruta's).
r_names <- c(variational = "variational_block")

test_that("every layer kind of the library has an R constructor with all its arguments", {
  kinds <- hourglass:::hg_layer_kinds()
  expect_true(all(c("dense", "conv", "conv_transpose", "batch_norm", "flatten", "reshape", "variational",
                    "leaky_relu", "activation") %in% names(kinds)))
  exported <- getNamespaceExports("hourglass")
  for (kind in names(kinds)) {
    r_name <- if (kind %in% names(r_names)) r_names[[kind]] else kind
    expect_true(r_name %in% exported, info = kind)
    constructor <- get(r_name, envir = asNamespace("hourglass"))
    arguments <- formals(constructor)
    for (parameter in names(kinds[[kind]]$parameters)) {
      definition <- kinds[[kind]]$parameters[[parameter]]
      if (parameter == "dims") {  # reshape's sizes come as ...
        expect_true("..." %in% names(arguments), info = kind)
        next
      }
      expect_true(parameter %in% names(arguments), info = paste(kind, parameter))
      if (!definition$required) {
        expect_equal(eval(arguments[[parameter]]), definition$default, info = paste(kind, parameter))
      }
    }
  }
})

test_that("seed 001's and seed 004's networks are written in R", {
  seed001 <- input() + dense(150, "tanh") + batch_norm() + dropout(0.2) + dense(50, "tanh") + dense(25, "tanh") +
    dense(2) + dense(25, "tanh") + dense(50, "tanh") + dense(150, "tanh") + output()
  expect_equal(encoding_index(seed001), 7)
  flower <- input() + conv(32, 5, activation = "leaky_relu", padding = "valid") +
    conv(32, 5, activation = "leaky_relu", padding = "valid", strides = 2) +
    conv(64, 5, activation = "leaky_relu", padding = "valid") +
    conv(64, 5, activation = "leaky_relu", padding = "valid", strides = 2) +
    conv(128, 7, activation = "leaky_relu", padding = "valid") + flatten() +
    variational_block(10, covariance = "full") + dense(8192, "relu") + reshape(8, 8, 128) +
    conv_transpose(128, 7, activation = "leaky_relu", padding = "valid", use_bias = FALSE) +
    conv_transpose(64, 5, activation = "leaky_relu", padding = "valid", strides = 2, use_bias = FALSE) +
    conv_transpose(64, 5, activation = "leaky_relu", padding = "valid", use_bias = FALSE) +
    conv_transpose(32, 5, activation = "leaky_relu", padding = "valid", strides = 2, use_bias = FALSE) +
    conv_transpose(32, 5, activation = "leaky_relu", padding = "valid", use_bias = FALSE) +
    conv_transpose(3, 4, activation = "sigmoid", padding = "valid", use_bias = FALSE)
  # Keras's count for the seed's model: 2,394,337 parameters.
  model <- train(autoencoder_variational(flower, "binary_crossentropy", beta = 0.0006),
                 array(runif(2 * 80 * 80 * 3), c(2, 80, 80, 3)), epochs = 1, verbose = FALSE)
  expect_equal(dim(reconstruct(model, array(runif(80 * 80 * 3), c(1, 80, 80, 3)))), c(1L, 80L, 80L, 3L))
  expect_equal(hourglass:::hg_parameter_count(model$models), 2394337)
  # A learner round-trips through the library with every argument.
  again <- load_from(save_as(model, "flower.hgm", tempdir()))
  expect_equal(again$network[[15]]$use_bias, FALSE)
  expect_equal(again$network[[8]]$covariance, "full")
  expect_equal(again$network[[10]]$dims, c(128, 8, 8))
})

test_that("layer arguments are checked by the library's definitions", {
  expect_error(leaky_relu(-1), "alpha must be a number >= 0, got -1")
  expect_error(conv_transpose(8, 3, padding = "full"), "unknown padding 'full' \\(valid: same, valid\\)")
  expect_error(variational_block(3, covariance = "block"), "unknown covariance 'block'")
  expect_error(dense(4, use_bias = NA), "use_bias must be TRUE or FALSE")
  expect_error(reshape(), "give the target sizes")
  expect_error(activation("relux"), "unknown activation 'relux'")
  expect_equal(reshape(c(7, 7, 8))[[1]]$dims, c(8, 7, 7))
})

test_that("pca() gives the CLI's numbers", {
  x <- as.matrix(iris[, 1:4])
  p <- pca(x, 2)
  expect_equal(dim(p$x), c(150L, 2L))
  expect_equal(p$mse, 0.0253411, tolerance = 1e-5)
  expect_equal(p$explained_share, 0.977685, tolerance = 1e-5)
  reference <- prcomp(x)
  expect_equal(p$explained_variance, reference$sdev[1:2]^2, tolerance = 1e-5)
  expect_equal(abs(p$x), abs(unname(reference$x[, 1:2])), tolerance = 1e-4)
  expect_equal(dim(p$reconstruction), dim(x))
  wide <- matrix(rnorm(20 * 3000), 20, 3000)
  expect_equal(dim(pca(wide, 3)$x), c(20L, 3L))
})
