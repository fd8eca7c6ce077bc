# ruta's own autoencoder tests, then what Hourglass adds to them.
test_that("can create autoencoders", {
  expect_s3_class(autoencoder(1), ruta_autoencoder)
  expect_s3_class(autoencoder_sparse(1), ruta_autoencoder)
  expect_s3_class(autoencoder_contractive(1), ruta_autoencoder)
  expect_s3_class(autoencoder_denoising(1), ruta_autoencoder)
  expect_s3_class(autoencoder_robust(1), ruta_autoencoder)
  expect_message(vae <- autoencoder_variational(1), "Transforming encoding layer into variational block")
  expect_s3_class(vae, ruta_autoencoder_variational)
})

test_that("can convert autoencoders", {
  ae <- autoencoder(1)

  sae <- make_sparse(ae)
  cae <- make_contractive(ae)
  dae <- make_denoising(ae)
  rae <- make_robust(ae)

  expect_s3_class(sae$network[[2]]$activity_regularizer, ruta_sparsity)
  expect_s3_class(cae$loss, ruta_loss_contraction)
  expect_s3_class(dae$filter, ruta_noise)
  expect_s3_class(rae$loss, ruta_loss_correntropy)
})

test_that("can check autoencoders", {
  ae <- autoencoder(1)
  sae <- make_sparse(ae)
  cae <- make_contractive(ae)
  dae <- make_denoising(ae)
  rae <- make_robust(ae)
  vae <- suppressMessages(autoencoder_variational(1))
  learners <- list(sae = sae, cae = cae, dae = dae, rae = rae, vae = vae)
  predicates <- list(sae = is_sparse, cae = is_contractive, dae = is_denoising, rae = is_robust,
                     vae = is_variational)
  for (kind in names(learners)) {
    for (asked in names(predicates)) {
      expect_identical(predicates[[asked]](learners[[kind]]), kind == asked, info = paste(asked, kind))
    }
  }
})

test_that("make_* keep the properties a learner has", {
  both <- autoencoder(c(8, 2)) |> make_contractive(1e-3) |> make_denoising("gaussian", sd = 0.2) |>
    add_weight_decay(0.01)
  expect_true(is_contractive(both) && is_denoising(both))
  expect_equal(both$filter$sd, 0.2)
  expect_equal(both$network[[3]]$kernel_regularizer$decay, 0.01)
  expect_output(print(both), "Type: contractive, denoising")
})

test_that("the paper's autoencoder(c(6, 2), \"sigmoid\") makes a sigmoid encoding", {
  learner <- autoencoder(c(6, 2), "sigmoid")
  expect_equal(learner$network[[3]]$activation, "sigmoid")
  expect_equal(learner$network[[2]]$activation, "linear")
  expect_equal(learner$loss$name, "mean_squared_error")
})

test_that("invalid learners fail when made, with the library's message", {
  expect_error(autoencoder(2, "hinge"), "unknown loss 'hinge' \\(valid: mse, mean_squared_error, mae")
  expect_error(make_sparse(autoencoder(2), high_probability = 2), "high_probability")
  expect_error(make_robust(suppressMessages(autoencoder_variational(2))), "variational")
  expect_error(noise("pink"), "unknown noise 'pink'")
  expect_error(noise_zeros(2), "p")
})

test_that("learners print in ruta's format", {
  expect_output(print(autoencoder_sparse(input() + dense(3, "tanh") + output())),
                paste0("Autoencoder learner \n-{60}\nType: sparse \n\nNetwork structure:\n input\n",
                       " dense\\(3 units\\) - tanh\n dense - linear\n\nLoss: mean_squared_error \n-{60}"))
})

test_that("an adversarial autoencoder is made, checked, trained, saved and generates from its prior", {
  iris_x <- as.matrix(iris[, 1:4])
  aae <- autoencoder_adversarial(c(8, 2), prior = "uniform", discriminator = c(16, 8), weight = 0.5)
  expect_s3_class(aae, "ruta_autoencoder_adversarial")
  expect_true(is_adversarial(aae))
  expect_false(is_adversarial(autoencoder(c(8, 2))))
  expect_output(print(make_denoising(aae)), "Type: denoising, adversarial")
  expect_equal(make_adversarial(autoencoder(c(8, 2)))$adversarial,
               list(prior = "normal", discriminator = c(64, 64), weight = 1))
  expect_error(make_adversarial(autoencoder(2), prior = "cauchy"), "unknown prior 'cauchy'")
  expect_error(make_adversarial(autoencoder(2), discriminator = c(64, 0)), "hidden sizes from 1 to 4096")
  expect_error(suppressMessages(make_variational(aae)), "cannot be both variational and adversarial")

  set.seed(3)
  model <- train(aae, iris_x, epochs = 3, scale = "zscore")
  expect_equal(names(model$history)[2:4], c("loss", "discriminator_loss", "discriminator_accuracy"))
  expect_true(all(model$history$discriminator_accuracy >= 0 & model$history$discriminator_accuracy <= 1))
  again <- load_from(save_as(model, "aae.hgm", dir = tempdir()))
  expect_true(is_adversarial(again))
  expect_equal(again$adversarial$discriminator, c(16, 8))
  expect_equal(encode(again, iris_x), encode(model, iris_x))
  # The uniform prior's quantiles are 2 p - 1; the other unit sits at its median, 0.
  grid <- generate(again, dimensions = 1, side = 3, from = 0.25, to = 0.75)
  expect_equal(grid, decode(again, cbind(c(-0.5, 0, 0.5), 0)), tolerance = 1e-6)
})

test_that("the variants' parameters and defaults are the library's declaration", {
  declared <- variant_parameters()
  expect_true(all(c("sparse", "contractive", "denoising", "robust", "variational", "adversarial", "weight_decay") %in%
                    declared$variant))
  expect_equal(declared$default[declared$variant == "sparse" & declared$parameter == "weight"], "0.2")
  sparse <- make_sparse(autoencoder(2))
  regularizer <- sparse$network[[encoding_index(sparse$network)]]$activity_regularizer
  expect_equal(c(regularizer$high_probability, regularizer$weight),
               c(hourglass:::variant_default("sparse", "high_probability"),
                 hourglass:::variant_default("sparse", "weight")))
  expect_equal(formals(make_robust)$sigma, quote(variant_default("robust", "sigma")))
  expect_error(hourglass:::variant_default("sparse", "wieght"), "no parameter 'wieght' of the variant 'sparse'")
  # A learner with every property keeps its parameters through the library and back.
  learner <- make_sparse(autoencoder(c(8, 2), "mean_absolute_error"), 0.3, 0.7) |>
    make_contractive(0.01) |> make_denoising("gaussian", sd = 0.25) |> make_robust(0.5) |> add_weight_decay(0.05, TRUE)
  properties <- c("sparsity", "contraction", "noise", "correntropy", "weight_decay")
  spec <- hourglass:::core_learner(learner)
  expect_equal(spec[properties], list(sparsity = list(high_probability = 0.3, weight = 0.7),
                                      contraction = list(weight = 0.01),
                                      noise = list(type = "gaussian", parameter = 0.25),
                                      correntropy = list(sigma = 0.5),
                                      weight_decay = list(decay = 0.05, all_layers = TRUE)))
  back <- hourglass:::from_core_learner(spec)
  expect_equal(hourglass:::core_learner(back)[properties], spec[properties])
  expect_output(print(learner), "Type: sparse, contractive, denoising, robust")
})
