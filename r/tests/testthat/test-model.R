iris_x <- as.matrix(iris[, 1:4])

test_that("matrices and arrays cross to the library and back unchanged", {
  x <- matrix(as.double(1:12), 3, 4)
  expect_equal(apply_filter(noise_zeros(0), x), x)
  images <- array(runif(2 * 5 * 4 * 3), c(2, 5, 4, 3))  # (n, height, width, channels)
  expect_equal(apply_filter(noise_ones(0), images), images, tolerance = 1e-7)
  steps <- array(runif(2 * 6 * 2), c(2, 6, 2))  # (n, steps, channels)
  expect_equal(apply_filter(noise_saltpepper(0), steps), steps, tolerance = 1e-7)
})

test_that("noise follows set.seed() and its definition", {
  x <- matrix(0.5, 200, 50)
  set.seed(2)
  a <- apply_filter(noise_saltpepper(0.2), x)
  set.seed(2)
  expect_identical(apply_filter(noise_saltpepper(0.2), x), a)
  expect_equal(mean(a == 0), 0.1, tolerance = 0.1)
  expect_equal(mean(a == 1), 0.1, tolerance = 0.1)
  expect_setequal(unique(as.vector(a)), c(0, 0.5, 1))
  g <- apply_filter(noise_gaussian(sd = 0.3), x)
  expect_equal(sd(as.vector(g - x)), 0.3, tolerance = 0.05)
  expect_true(all(apply_filter(noise("zeros", p = 0.3), x) %in% c(0, 0.5)))
})

test_that("a saved model loads with the same encodings, in R and in the CLI", {
  set.seed(4)
  model <- train(autoencoder_denoising(c(3, 2), noise_type = "gaussian", sd = 0.05) |> add_weight_decay(0.001),
                 iris_x, epochs = 3)
  path <- save_as(model, "iris.hgm", dir = tempdir())
  again <- load_from(path)
  expect_equal(encode(again, iris_x), encode(model, iris_x))
  expect_true(is_denoising(again))
  expect_equal(again$filter$sd, 0.05, tolerance = 1e-12)
  expect_equal(again$network[[3]]$kernel_regularizer$decay, 0.001)
  expect_equal(again$history$loss, model$history$loss)
  expect_error(load_from(file.path(tempdir(), "missing.hgm")), "missing.hgm")
  expect_error(encode(model, iris[0, 1:4]), "has no rows")
  expect_error(train(autoencoder(2), iris[0, 1:4], epochs = 1), "has no rows")
  # An absolute file is where it says, whatever dir is.
  absolute <- file.path(normalizePath(tempdir()), "absolute.hgm")
  expect_equal(save_as(model, absolute), absolute)
  expect_equal(encode(load_from(absolute), iris_x), encode(model, iris_x))

  cli <- Sys.getenv("HOURGLASS_CLI")
  skip_if(cli == "", "HOURGLASS_CLI is not set")
  csv <- file.path(tempdir(), "iris.csv")
  write.csv(iris_x, csv, row.names = FALSE)
  codes <- read.csv(text = system2(cli, c("encode", path, csv), stdout = TRUE))
  expect_equal(unname(as.matrix(codes)), encode(model, iris_x), tolerance = 1e-5)

  cli_model <- file.path(tempdir(), "cli.hgm")
  system2(cli, c("train", csv, "--network", "'input() + dense(2, tanh) + output()'", "--type", "sparse",
                 "--epochs", "2", "--seed", "1", "-q", "-o", cli_model))
  from_cli <- load_from(cli_model)
  expect_true(is_sparse(from_cli))
  expect_equal(from_cli$network[[2]]$activation, "tanh")
  cli_codes <- read.csv(text = system2(cli, c("encode", cli_model, csv), stdout = TRUE))
  expect_equal(encode(from_cli, iris_x), unname(as.matrix(cli_codes)), tolerance = 1e-5)
})

test_that("convolutional autoencoders take and give (n, height, width, channels) arrays", {
  set.seed(5)
  images <- array(runif(16 * 8 * 8), c(16, 8, 8, 1))
  net <- input() + conv(4, 3, max_pooling = 2, activation = "relu") + conv(4, 3, upsampling = 2, activation = "relu") +
    conv(1, 3, activation = "sigmoid")
  model <- train(autoencoder(net, "binary_crossentropy"), images, epochs = 2, batch_size = 8)
  back <- reconstruct(model, images)
  expect_equal(dim(back), dim(images))
  expect_true(all(back > 0 & back < 1))
  expect_equal(evaluate_mean_squared_error(model, images)$mean_squared_error, mean((back - images)^2),
               tolerance = 1e-5)
  # The code keeps its shape, channels last as Keras gives it, and decodes back.
  codes <- encode(model, images)
  expect_equal(dim(codes), c(16L, 4L, 4L, 4L))
  expect_equal(decode(model, codes), back, tolerance = 1e-6)
  expect_equal(model$input_shape, c(1L, 8L, 8L))
})

test_that("a variational autoencoder generates ruta's grid", {
  set.seed(6)
  x <- matrix(runif(64 * 10), 64, 10)
  net <- input() + dense(8, "elu") + variational_block(3, seed = 42) + dense(8, "elu") + output("sigmoid")
  model <- train(autoencoder_variational(net, loss = "binary_crossentropy"), x, epochs = 2)
  expect_equal(names(model$history)[2:4], c("loss", "reconstruction", "kl"))
  samples <- model %>% generate(dimensions = c(3, 1), side = 4, fixed_values = 0.99)
  expect_equal(dim(samples), c(16L, 10L))
  expect_true(all(samples > 0 & samples < 1))
  grid <- generate(model, dimensions = 2, side = 5)
  expect_equal(decode(model, cbind(qnorm(0.5), qnorm(seq(0.05, 0.95, length.out = 5)), qnorm(0.5))), grid,
               tolerance = 1e-6)
  expect_error(generate(train(autoencoder(2), x, epochs = 1)), "needs a trained variational or adversarial autoencoder")
})

test_that("read_data reads the CLI's formats", {
  csv <- file.path(tempdir(), "labelled.csv")
  write.csv(iris, csv, row.names = FALSE)
  data <- read_data(csv, label = "Species")
  expect_equal(unname(data$x), unname(as.matrix(iris[, 1:4])), tolerance = 1e-6)
  expect_equal(colnames(data$x), names(iris)[1:4])
  expect_equal(data$y, as.character(iris$Species))
  unlabelled <- read_data(csv)$x  # the text column is a factor
  expect_s3_class(unlabelled, "data.frame")
  expect_equal(levels(unlabelled$Species), levels(iris$Species))
  expect_equal(as.character(unlabelled$Species), as.character(iris$Species))
  expect_error(read_data(file.path(tempdir(), "none.csv")), "none.csv")
  # IDX images come as (n, height, width, channels), row r and column c where MNIST has them.
  idx <- file.path(tempdir(), "images-idx3-ubyte")
  con <- file(idx, "wb")
  writeBin(as.integer(c(2051, 2, 2, 3)), con, size = 4, endian = "big")
  writeBin(as.raw(c(0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0)), con)
  close(con)
  images <- read_data(idx)$x
  expect_equal(dim(images), c(2L, 2L, 3L, 1L))
  expect_equal(images[1, , , 1], matrix(c(0, 51, 102, 153, 204, 255) / 255, 2, byrow = TRUE), tolerance = 1e-6)
  # IDX labels are digits: integers, so that seed 004's `labels + 1` works.
  labels <- file.path(tempdir(), "labels-idx1-ubyte")
  con <- file(labels, "wb")
  writeBin(as.integer(c(2049, 2)), con, size = 4, endian = "big")
  writeBin(as.raw(c(7, 0)), con)
  close(con)
  digits <- read_data(idx, label = labels)
  expect_identical(digits$y, c(7L, 0L))
  expect_equal(digits$y + 1, c(8, 1))
})

test_that("to_onnx() writes parts that ONNX Runtime runs as the learner does", {
  runner <- normalizePath(file.path("..", "..", "..", "tools", "onnx", "run_onnx.js"), mustWork = FALSE)
  skip_if(!file.exists(runner) || Sys.which("node") == "", "ONNX Runtime (tools/onnx) is not installed")
  set.seed(5)
  model <- train(autoencoder(input() + dense(3, "tanh") + output()), iris_x, epochs = 3, scale = "zscore")
  run <- function(part, input_name, input, output_name = "reconstruction", ...) {
    file <- to_onnx(model, file.path(tempdir(), paste0("iris-", part, ".onnx")), part = part, ...)
    data_file <- file.path(tempdir(), paste0(part, ".f32"))
    writeBin(as.vector(t(input)), data_file, size = 4, endian = "little")
    out <- file.path(tempdir(), paste0("ort-", part))
    status <- system2("node", c(runner, file, out, sprintf("%s=%s:%dx%d", input_name, data_file, nrow(input), ncol(input))))
    expect_equal(status, 0)
    values <- if (output_name == "outlier") {
      readBin(file.path(out, "outlier.bin"), "integer", n = 1e6, size = 8, endian = "little")
    } else {
      readBin(file.path(out, paste0(output_name, ".bin")), "double", n = 1e6, size = 4, endian = "little")
    }
    matrix(values, nrow = nrow(input), byrow = TRUE)
  }
  codes <- encode(model, iris_x)
  expect_equal(run("encoder", "data", iris_x, "code"), codes, tolerance = 1e-5, ignore_attr = TRUE)
  expect_equal(run("autoencoder", "data", iris_x), reconstruct(model, iris_x), tolerance = 1e-5, ignore_attr = TRUE)
  expect_equal(run("decoder", "code", codes), decode(model, codes), tolerance = 1e-5, ignore_attr = TRUE)
  # The scorer: the mse of each row on the z-scored data (sd() is the scaler's scale).
  scores <- rowMeans(sweep(reconstruct(model, iris_x) - iris_x, 2, apply(iris_x, 2, sd), "/")^2)
  threshold <- median(scores)
  expect_equal(run("scorer", "data", iris_x, "score", threshold = threshold, columns = colnames(iris_x))[, 1],
               unname(scores), tolerance = 1e-5)
  flags <- run("scorer", "data", iris_x, "outlier", threshold = threshold)[, 1]
  clear <- abs(scores - threshold) > 1e-5  # rows whose float32 score is on the same side
  expect_equal(flags[clear], as.integer(scores > threshold)[clear])
  expect_gt(sum(flags), 50)
  expect_lt(sum(flags), 100)
  expect_error(to_onnx(model, file.path(tempdir(), "x.onnx"), part = "encoder", threshold = 1),
               "a threshold applies to the scorer, not the encoder")
  expect_error(to_onnx(model, file.path(tempdir(), "x.onnx"), part = "scorer", threshold = "high"),
               "threshold must be one finite number")
  expect_error(to_onnx(model, file.path(tempdir(), "x.onnx"), part = "generator"),
               "unknown ONNX part 'generator' \\(valid: encoder, decoder, autoencoder, scorer\\)")
})
