options(hourglass.verbose = FALSE)
