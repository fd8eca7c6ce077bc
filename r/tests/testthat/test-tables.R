# Data frames as they are: factor, character, logical and numeric columns with NA.
animals <- function(n = 120) {
  h <- rep(1:4, length.out = n)
  frame <- data.frame(colour = factor(c("red", "green", "blue", "black")[h]),
                      size = c("S", "M", "L", "XL")[h],
                      big = h > 2,
                      weight = 10 * h + 1)
  frame$colour[5] <- NA
  frame$weight[7] <- NA
  frame
}

test_that("a data frame with factors and NA trains, reconstructs with its levels and imputes", {
  set.seed(3)
  frame <- animals()
  model <- train(autoencoder(c(8, 3), "tanh"), frame, epochs = 60, optimizer = "adam", learning_rate = 0.01,
                 batch_size = 16, scale = "zscore", verbose = FALSE)
  back <- reconstruct(model, frame)
  expect_s3_class(back, "data.frame")
  expect_equal(names(back), names(frame))
  expect_true(is.factor(back$colour) && is.factor(back$size))
  expect_equal(levels(back$colour), levels(frame$colour))
  expect_equal(as.character(back$size), frame$size)
  filled <- impute(model, frame)
  expect_false(anyNA(filled))
  expect_equal(as.character(filled$colour[5]), "red")  # row 5 is of the first kind
  expect_equal(filled$weight[-7], frame$weight[-7])
  expect_true(abs(filled$weight[7] - 31) < 5)           # row 7 is of the third kind
  # Scores: the mean over each row's present columns; the shares add up to it.
  scores <- anomaly_score(model, frame)
  shares <- anomaly_score(model, frame, per_feature = TRUE)
  expect_equal(dim(shares), c(120, 4))
  expect_equal(rowSums(shares), scores, tolerance = 1e-5)
  expect_equal(shares[5, 1], 0)
  expect_equal(dim(encode(model, frame)), c(120L, 3L))
})

test_that("new data is read in the model's levels, whatever its own", {
  set.seed(4)
  model <- train(autoencoder(c(8, 3), "tanh"), animals(), epochs = 2, verbose = FALSE)
  later <- data.frame(colour = factor("black"), size = "XL", big = TRUE, weight = 41)
  expect_equal(dim(encode(model, later)), c(1L, 3L))
  unseen <- data.frame(colour = factor("pink"), size = "XL", big = TRUE, weight = 41)
  expect_error(encode(model, unseen), "'pink' is not one of the levels the model was trained on")
  expect_error(train(autoencoder(2), data.frame(when = Sys.Date() + 1:3)), "column 'when' is a Date")
})

test_that("validation rows are coded in the training data's levels", {
  set.seed(5)
  frame <- animals()
  held_out <- frame[frame$size == "XL", ]  # its character column alone would have one level
  model <- train(autoencoder(c(8, 3), "tanh"), frame, validation_data = held_out, epochs = 3, optimizer = "adam",
                 verbose = FALSE)
  expect_equal(utils::tail(model$history$val_loss, 1), evaluate_mean_squared_error(model, held_out)$loss,
               tolerance = 1e-5)
})

test_that("an other level takes rare and unseen levels, and missing indicators make rare holes score high", {
  set.seed(6)
  frame <- animals(160)
  frame$colour <- factor(as.character(frame$colour), levels = c(levels(frame$colour), "purple"))
  frame$colour[c(10, 90)] <- "purple"  # a colour seen twice
  model <- train(autoencoder(c(8, 3), "tanh"), frame, epochs = 40, optimizer = "adam", learning_rate = 0.01,
                 batch_size = 16, scale = "zscore", other_level = 3, missing_indicators = TRUE, verbose = FALSE)
  back <- reconstruct(model, frame)
  expect_equal(levels(back$colour), c("black", "blue", "green", "red", "(other)"))
  later <- data.frame(colour = factor(c("pink", "red")), size = "S", big = FALSE, weight = c(11, NA))
  scores <- anomaly_score(model, later)
  expect_equal(length(scores), 2)
  # pink reads as "(other)", as the rare purple trained: more surprising than a colour seen often.
  expect_gt(scores[1], anomaly_score(model, data.frame(colour = "red", size = "S", big = FALSE, weight = 11)))
  # The weight's hole is rare (one row in 160): its indicator gives the weight a share far
  # above the weight's shares in the training rows.
  shares <- anomaly_score(model, later, per_feature = TRUE)
  expect_gt(shares[2, 4], 50 * stats::median(anomaly_score(model, frame, per_feature = TRUE)[, 4]))
  expect_equal(rowSums(shares), scores, tolerance = 1e-5)
  expect_error(train(autoencoder(2), frame, other_level = NA, verbose = FALSE), "other_level must be a whole number")
})
