# The bridge to the C++ library: ruta's objects flattened into the lists the bindings
# read (src/convert.h), and back; data as double matrices or arrays; warnings and
# errors of the library as R's.

.onLoad <- function(libname, pkgname) hg_init()

# What the package remembers during a session.
.hourglass_state <- new.env(parent = emptyenv())

# Calls the library and then raises, as R warnings, those it queued.
call_core <- function(f, ...) {
  on.exit(for (message in hg_take_warnings()) warning(message, call. = FALSE), add = TRUE)
  f(...)
}

# A seed for the library's generator, drawn from R's so that set.seed() governs it.
draw_seed <- function() as.numeric(sample.int(.Machine$integer.max, 1))

as_data <- function(data, what = "data", levels = NULL) {
  if (is.data.frame(data)) return(table_matrix(data, what, levels))
  if (!(is.numeric(data) || is.logical(data)) || is.null(dim(data))) {
    stop(what, ": expected a numeric matrix (rows are instances) or array, got ",
         if (is.null(dim(data))) paste("a", class(data)[1], "without dimensions") else class(data)[1],
         "; e.g. as.matrix(x) or matrix(x, nrow = 1)", call. = FALSE)
  }
  storage.mode(data) <- "double"
  if (anyNA(data)) note_missing_cells(what, sum(is.na(data)))
  data
}

# ruta refuses NA; Hourglass takes a missing cell as the CLI does, so it says so, once a
# session (options(hourglass.quiet_na = TRUE) silences it).
note_missing_cells <- function(what, count) {
  if (isTRUE(getOption("hourglass.quiet_na")) || isTRUE(.hourglass_state$na_noted)) return(invisible())
  .hourglass_state$na_noted <- TRUE
  message(what, ": ", count, " missing cells (NA) are filled with their column's training mean on the way in ",
          "and left out of the loss; impute() fills them from the reconstruction (said once a session)")
}

# A data frame as the library reads a table: numeric and logical columns as numbers,
# factor and character columns as the index of their level counted from 0 (NA stays NA),
# and each column's levels (character(0) for a number) in the attribute
# "hourglass_levels" when some column has levels. With `levels` (another table's), the
# text columns are coded in those.
table_matrix <- function(data, what, levels = NULL) {
  if (nrow(data) == 0) stop(what, ": the data frame has no rows; give at least one", call. = FALSE)
  columns <- lapply(seq_along(data), function(i) {
    column <- data[[i]]
    given <- if (i <= length(levels)) levels[[i]] else character(0)
    if (length(given) && (is.character(column) || is.factor(column))) return(factor(as.character(column), given))
    if (is.character(column)) factor(column) else column
  })
  names(columns) <- names(data)
  taken <- vapply(columns, function(column) is.numeric(column) || is.logical(column) || is.factor(column),
                  logical(1))
  if (!all(taken)) {
    bad <- which(!taken)[1]
    stop(what, ": column '", names(data)[bad], "' is a ", class(data[[bad]])[1],
         "; expected numeric, logical, factor or character columns", call. = FALSE)
  }
  values <- matrix(vapply(columns, function(column) {
    if (is.factor(column)) as.numeric(as.integer(column) - 1L) else as.numeric(column)
  }, numeric(nrow(data))), nrow = nrow(data), dimnames = list(NULL, names(data)))
  levels <- lapply(columns, function(column) if (is.factor(column)) levels(column) else character(0))
  if (any(lengths(levels) > 0)) attr(values, "hourglass_levels") <- unname(levels)
  values
}

# The library's rows of a table back as a data frame: categorical columns as factors
# with the model's levels.
table_frame <- function(values, columns) {
  frame <- as.data.frame(values)
  names(frame) <- columns$names
  for (i in seq_along(columns$levels)) {
    levels <- columns$levels[[i]]
    if (length(levels)) frame[[i]] <- factor(levels[frame[[i]] + 1], levels = levels)
  }
  frame
}

# A model's results in data space as the data came: a data frame with factors for a
# model of categorical columns, a matrix (named as the data) otherwise.
as_given <- function(result, learner, x) {
  columns <- call_core(hg_table_columns, model_of(learner))
  if (length(columns$levels)) {
    if (!length(columns$names)) columns$names <- colnames(x) %||% paste0("V", seq_len(ncol(result)))
    return(table_frame(result, columns))
  }
  if (identical(dim(result), dim(x))) dimnames(result) <- dimnames(x)
  result
}

core_layer <- function(layer) {
  name <- layer_name(layer)
  if (inherits(layer, ruta_layer_input)) return(list(type = "input"))
  if (inherits(layer, ruta_layer_dense)) {
    if (is.null(layer$units)) return(list(type = "output", activation = layer$activation, per_step = layer$per_step))
    return(list(type = "dense", units = layer$units, activation = layer$activation, use_bias = layer$use_bias))
  }
  if (inherits(layer, ruta_layer_custom)) {
    if (name != "dropout") stop("layer '", name, "' is not available in Hourglass", call. = FALSE)
    return(list(type = "dropout", rate = layer$params$rate))
  }
  if (inherits(layer, ruta_layer_variational)) {
    return(list(type = "variational", units = layer$units, epsilon_std = layer$epsilon_std,
                covariance = layer$covariance))
  }
  if (inherits(layer, ruta_layer_conv)) {
    # ruta warns about a second resampling and applies the first.
    factors <- list(max_pooling = layer$max_pooling, average_pooling = layer$average_pooling,
                    upsampling = layer$upsampling)
    chosen <- Filter(Negate(is.null), factors)
    chosen <- chosen[seq_len(min(1, length(chosen)))]
    return(c(list(type = "conv", filters = layer$filters, kernel_size = layer$kernel_size, padding = layer$padding,
                  strides = layer$strides, use_bias = layer$use_bias, activation = layer$activation), chosen))
  }
  # Every other kind: its fields are the arguments of the library's definition.
  c(list(type = name), unclass(layer)[setdiff(names(layer), c("activity_regularizer", "kernel_regularizer"))])
}

core_layers <- function(network) lapply(network, core_layer)

from_core_layer <- function(spec) {
  switch(spec$type,
         input = input()[[1]],
         dense = {
           layer <- new_layer(ruta_layer_dense, units = as.integer(spec$units), activation = spec$activation)
           if (!isTRUE(spec$use_bias)) layer$use_bias <- FALSE
           layer
         },
         output = output(spec$activation, isTRUE(spec$per_step))[[1]],
         dropout = dropout(spec$rate)[[1]],
         variational = {
           layer <- new_layer(ruta_layer_variational, units = as.integer(spec$units), epsilon_std = spec$epsilon_std,
                              seed = NULL)
           if (!identical(spec$covariance, "diagonal")) layer$covariance <- spec$covariance
           layer
         },
         conv = {
           layer <- new_layer(ruta_layer_conv, filters = as.integer(spec$filters),
                              kernel_size = as.integer(spec$kernel_size), padding = spec$padding,
                              activation = spec$activation)
           for (resampling in c("max_pooling", "average_pooling", "upsampling")) {
             if (!is.null(spec[[resampling]])) layer[[resampling]] <- spec[[resampling]]
           }
           if (spec$strides != 1) layer$strides <- spec$strides
           if (!isTRUE(spec$use_bias)) layer$use_bias <- FALSE
           layer
         },
         do.call(new_layer, c(list(paste0("ruta_layer_", spec$type)), spec[names(spec) != "type"])))
}

core_noise <- function(filter) {
  list(type = sub("ruta_noise_", "", class(filter)[1]), parameter = filter$p %||% filter$sd %||% filter$scale)
}

core_learner <- function(learner) {
  spec <- list()
  loss <- as_loss(learner$loss)
  if (inherits(loss, ruta_loss_contraction)) {
    spec$contraction <- list(weight = loss$weight)
    loss <- as_loss(loss$reconstruction_loss)
  }
  if (inherits(loss, ruta_loss_variational)) {
    spec$variational <- list(beta = loss$beta)  # NULL: the declared default
    loss <- as_loss(loss$reconstruction_loss)
  }
  if (inherits(loss, ruta_loss_correntropy)) {
    spec$correntropy <- list(sigma = loss$sigma)
    loss <- as_loss("mean_squared_error")
  }
  if (!inherits(loss, ruta_loss_named)) stop("unsupported loss of class ", class(loss)[1], call. = FALSE)
  spec$loss <- loss$name
  network <- learner$network
  spec$layers <- core_layers(network)
  code <- network[[hg_encoding_index(spec$layers)]]
  if (!is.null(code$activity_regularizer)) {
    spec$sparsity <- list(high_probability = code$activity_regularizer$high_probability,
                          weight = code$activity_regularizer$weight)
  }
  if (!is.null(code$kernel_regularizer)) {
    spec$weight_decay <- list(decay = code$kernel_regularizer$decay,
                              all_layers = isTRUE(code$kernel_regularizer$all_layers))
  }
  if (!is.null(learner$filter)) spec$noise <- core_noise(learner$filter)
  if (!is.null(learner$adversarial)) {
    spec$adversarial <- list(prior = learner$adversarial$prior,
                             discriminator = as.numeric(learner$adversarial$discriminator),
                             weight = learner$adversarial$weight)
  }
  spec
}

from_core_learner <- function(spec) {
  network <- do.call(new_network, lapply(spec$layers, from_core_layer))
  loss <- if (!is.null(spec$correntropy)) correntropy(spec$correntropy$sigma) else spec$loss
  if (!is.null(spec$variational)) loss <- loss_variational(loss, spec$variational$beta)
  if (!is.null(spec$contraction)) loss <- contraction(loss, spec$contraction$weight)
  learner <- new_autoencoder(network, loss)
  code <- hg_encoding_index(spec$layers)
  if (!is.null(spec$sparsity)) {
    learner$network[[code]]$activity_regularizer <- sparsity(spec$sparsity$high_probability, spec$sparsity$weight)
  }
  if (!is.null(spec$weight_decay)) {
    learner$network[[code]]$kernel_regularizer <- weight_decay(spec$weight_decay$decay, spec$weight_decay$all_layers)
  }
  if (!is.null(spec$noise)) learner$filter <- noise(spec$noise$type, spec$noise$parameter)
  if (!is.null(spec$adversarial)) {
    learner$adversarial <- spec$adversarial
    class(learner) <- union(ruta_autoencoder_adversarial, class(learner))
  }
  learner
}

# A learner with the model the library returned (from training or a file).
attach_model <- function(learner, result) {
  learner$models <- result$model
  learner$history <- as.data.frame(result$history)
  learner$input_shape <- hg_sample_shape(result$model)
  learner
}

model_of <- function(learner) {
  if (!is_trained(learner)) {
    stop("the learner is not trained; train it first, e.g. model <- train(learner, x)", call. = FALSE)
  }
  learner$models
}
