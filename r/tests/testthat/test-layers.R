# ruta's own layer tests (its to_keras test has no counterpart: there is no Keras).
test_that("layers can be joined", {
  expect_equal(length(input() + dense(1)), 2)
  expect_equal(length(input() + (dense(1) + output())), 3)
})

test_that("networks can be subsetted", {
  expect_equal(length((input() + dense(1))[1]), 1)
  expect_equal(length((input() + dense(1) + output())[2:3]), 2)
  long <- input() + dense(1000) + dense(100) + dense(1000) + output()
  expect_equal(vapply(long[c(2, 3)], function(l) l$units, integer(1)), c(1000L, 100L))
})

test_that("layers have correct classes", {
  expect_s3_class(dense(1), ruta_network)
  expect_s3_class(dense(1)[1], ruta_network)
  expect_s3_class((dense(1) + dense(1))[2], ruta_network)
  expect_s3_class(dense(1)[[1]], ruta_layer_dense)
  expect_s3_class(conv(8, 3, max_pooling = 2)[[1]], ruta_layer_conv)
  expect_s3_class(variational_block(2)[[1]], ruta_layer_variational)
})

test_that("a vector of sizes expands to a symmetric network", {
  net <- as_network(c(64, 16))
  expect_equal(length(net), 5)
  expect_s3_class(net[[1]], ruta_layer_input)
  expect_equal(vapply(net[2:4], function(l) l$units, integer(1)), c(64L, 16L, 64L))
  expect_null(net[[5]]$units)
  expect_s3_class(net[[5]], ruta_layer_dense)
  expect_equal(encoding_index(net), 3)
  expect_equal(length(as_network(2)), 3)
  expect_equal(encoding_index(as_network(c(1000, 100, 10))), 4)
  expect_equal(length(c(input(), dense(30), dense(3), dense(30), output())), 5)
})

test_that("bad layer arguments fail with the library's message", {
  expect_error(dense(2, "foo"), "unknown activation 'foo' \\(valid: linear, relu")
  expect_error(dense(0), "units must be a positive whole number")
  expect_error(dropout(1), "rate must be in \\[0, 1\\)")
  expect_error(as_network("a"), "cannot make a network of a character")
  expect_warning(conv(8, 3, max_pooling = 2, upsampling = 2), "More than one pooling")
})

test_that("networks print in ruta's format", {
  expect_output(print(input() + dense(3, "tanh") + output()),
                "Network structure:\n input\n dense\\(3 units\\) - tanh\n dense - linear")
  pdf(NULL)
  on.exit(dev.off())
  expect_silent(plot(input() + dense(100, "relu") + dropout() + dense(2) + output("sigmoid"), log = TRUE))
})
