library(testthat)
library(hourglass)

test_check("hourglass")
