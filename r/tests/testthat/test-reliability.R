# Damaged files and impossible requests are R errors with the library's one-line
# message; the R process never dies (issue 15).
iris_x <- as.matrix(iris[, 1:4])

test_that("a model file with any byte flipped is an R error, never a crash", {
  set.seed(1)
  path <- save_as(train(autoencoder(2), iris_x, epochs = 2, optimizer = "adam"), "good.hgm", dir = tempdir())
  bytes <- readBin(path, "raw", file.size(path))
  damaged <- file.path(tempdir(), "damaged.hgm")
  for (i in c(1, 9, 50, length(bytes) %/% 2, length(bytes))) {
    flipped <- bytes
    flipped[i] <- xor(flipped[i], as.raw(0x5a))
    writeBin(flipped, damaged)
    expect_error(load_from(damaged), "damaged.hgm", info = paste("byte", i))
  }
  writeBin(bytes[-length(bytes)], damaged)
  expect_error(load_from(damaged), "corrupted|not a valid Hourglass model")
})

test_that("a header nested 65,000 levels deep is refused, not a stack overflow", {
  deep <- paste0('{"a":{"dtype":"F32","shape":', strrep("[", 65000), strrep("]", 65000), ',"data_offsets":[0,0]}}')
  path <- file.path(tempdir(), "deep.hgm")
  con <- file(path, "wb")
  writeBin(c(as.integer(nchar(deep)), 0L), con, size = 4, endian = "little")
  writeBin(charToRaw(deep), con)
  close(con)
  expect_error(load_from(path), "nests more than 32 levels")
})

test_that("folders, devices, gzip bombs and networks too large for memory are R errors", {
  expect_error(read_data(tempdir()), "it is a folder")
  expect_error(read_data("/dev/zero"), "not a regular file")
  bomb <- file.path(tempdir(), "bomb.idx.gz")
  con <- gzfile(bomb, "wb")
  writeBin(as.raw(c(0, 0, 8, 1, 0, 0, 0, 10)), con)
  writeBin(raw(4e6), con)
  close(con)
  expect_error(read_data(bomb), "its header announces")
  expect_error(train(autoencoder(input() + dense(1e9) + output()), iris_x, epochs = 1), "of memory")
})

test_that("a message quoting a huge cell stays short", {
  path <- file.path(tempdir(), "huge-cell.csv")
  writeLines(c("a,b", "1,2", "3,4", paste0("5,", strrep("x", 1e6))), path)
  message <- tryCatch(read_data(path), error = conditionMessage)
  expect_match(message, "is not a number")
  expect_lt(nchar(message), 400)
})
