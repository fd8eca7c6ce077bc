#' Autoencoder learner constructor
#'
#' @param network A network or anything [as_network()] takes
#' @param loss A loss name or object
#' @param extra_class Classes to put before `"ruta_autoencoder"`
#' @return An object of class `"ruta_autoencoder"`
#' @export
new_autoencoder <- function(network, loss, extra_class = NULL) {
  network <- as_network(network)
  loss <- as_loss(loss)
  # A variational block is only trained with the variational loss (as in the library).
  has_block <- any(vapply(network, inherits, logical(1), ruta_layer_variational))
  if (has_block && !inherits(loss, ruta_loss_variational)) {
    loss <- loss_variational(loss)
  }
  if (inherits(loss, ruta_loss_variational)) extra_class <- union(extra_class, ruta_autoencoder_variational)
  structure(list(network = network, loss = loss), class = c(extra_class, ruta_autoencoder, ruta_learner))
}

#' Basic autoencoder
#'
#' @param network A network (`input() + dense(2) + output()`) or a vector of hidden
#'   layer sizes (`c(64, 16)`)
#' @param loss A loss name (`"mean_squared_error"`, `"binary_crossentropy"`,
#'   `"mean_absolute_error"`) or object. As in the ruta paper's example
#'   `autoencoder(c(6, 2), "sigmoid")`, an activation name here sets the activation of
#'   the encoding layer, and the loss stays the mean squared error.
#' @return An object of class `"ruta_autoencoder"`
#' @examples
#' autoencoder(c(256, 36), loss = "binary_crossentropy")
#' autoencoder(input() + dense(256, "relu") + dense(36, "tanh") + dense(256, "relu") + output("sigmoid"))
#' @export
autoencoder <- function(network, loss = "mean_squared_error") {
  network <- as_network(network)
  if (is.character(loss) && length(loss) == 1 && is_activation(loss)) {
    code <- encoding_index(network)
    network[[code]]$activation <- loss
    loss <- "mean_squared_error"
  }
  checked(new_autoencoder(network, loss))
}

is_activation <- function(name) {
  tryCatch({
    hg_check_activation(name)
    TRUE
  }, error = function(e) FALSE)
}

#' Sparse autoencoder
#'
#' Adds a KL-divergence penalty that keeps the encoding units' mean activation near
#' `high_probability` (meant for sigmoid or tanh encodings).
#' @inheritParams autoencoder
#' @param high_probability Target mean activation, in (0, 1)
#' @param weight Weight of the penalty
#' @return A sparse learner
#' @examples
#' autoencoder_sparse(input() + dense(3, "sigmoid") + output(), "mean_squared_error")
#' @export
autoencoder_sparse <- function(network, loss = "mean_squared_error", high_probability = variant_default("sparse", "high_probability"),
                               weight = variant_default("sparse", "weight")) {
  autoencoder(network, loss) |> make_sparse(high_probability, weight)
}

#' @rdname autoencoder_sparse
#' @param learner A learner
#' @export
make_sparse <- function(learner, high_probability = variant_default("sparse", "high_probability"),
                        weight = variant_default("sparse", "weight")) {
  code <- encoding_index(learner$network)
  learner$network[[code]]$activity_regularizer <- sparsity(high_probability, weight)
  checked(learner)
}

#' @rdname autoencoder_sparse
#' @export
is_sparse <- function(learner) {
  !is.null(learner$network[[encoding_index(learner$network)]]$activity_regularizer)
}

#' Contractive autoencoder
#'
#' Adds `weight` times the squared Frobenius norm of the encoder's Jacobian to the loss.
#' @inheritParams autoencoder
#' @param weight Weight of the penalty
#' @return A contractive learner
#' @export
autoencoder_contractive <- function(network, loss = "mean_squared_error", weight = variant_default("contractive", "weight")) {
  autoencoder(network, loss) |> make_contractive(weight)
}

#' @rdname autoencoder_contractive
#' @param learner A learner
#' @export
make_contractive <- function(learner, weight = variant_default("contractive", "weight")) {
  if (is_contractive(learner)) learner$loss$weight <- weight else learner$loss <- contraction(learner$loss, weight)
  checked(learner)
}

#' @rdname autoencoder_contractive
#' @export
is_contractive <- function(learner) inherits(learner$loss, ruta_loss_contraction)

#' Denoising autoencoder
#'
#' Trains on corrupted copies of the data (fresh noise every batch) to reconstruct the
#' clean data.
#' @inheritParams autoencoder
#' @param noise_type `"zeros"`, `"ones"`, `"saltpepper"`, `"gaussian"` or `"cauchy"`
#' @param ... The noise's parameter: `p` (zeros, ones, saltpepper), `sd` or `var`
#'   (gaussian), `scale` (cauchy)
#' @return A denoising learner
#' @export
autoencoder_denoising <- function(network, loss = "mean_squared_error", noise_type = variant_default("denoising", "type"), ...) {
  autoencoder(network, loss) |> make_denoising(noise_type, ...)
}

#' @rdname autoencoder_denoising
#' @param learner A learner
#' @export
make_denoising <- function(learner, noise_type = variant_default("denoising", "type"), ...) {
  learner$filter <- if (inherits(noise_type, ruta_noise)) noise_type else noise(noise_type, ...)
  checked(learner)
}

#' @rdname autoencoder_denoising
#' @export
is_denoising <- function(learner) inherits(learner$filter, ruta_noise)

#' Robust autoencoder
#'
#' Replaces the loss with correntropy, which outliers do not dominate.
#' @inheritParams autoencoder
#' @param sigma Width of the correntropy kernel
#' @return A robust learner
#' @export
autoencoder_robust <- function(network, sigma = variant_default("robust", "sigma")) {
  autoencoder(network, correntropy(sigma))
}

#' @rdname autoencoder_robust
#' @param learner A learner
#' @export
make_robust <- function(learner, sigma = variant_default("robust", "sigma")) {
  if (is_contractive(learner)) learner$loss$reconstruction_loss <- correntropy(sigma) else learner$loss <- correntropy(sigma)
  checked(learner)
}

#' @rdname autoencoder_robust
#' @export
is_robust <- function(learner) {
  loss <- learner$loss
  if (inherits(loss, ruta_loss_contraction)) loss <- loss$reconstruction_loss
  inherits(loss, ruta_loss_correntropy)
}

#' Variational autoencoder
#'
#' Without a [variational_block()] in the network, the encoding layer becomes one of the
#' same size.
#' @inheritParams autoencoder
#' @param auto_transform_network Turn the encoding layer into a variational block when
#'   there is none?
#' @param beta Weight of the KL divergence in the loss (see [loss_variational()])
#' @return A variational learner (class `"ruta_autoencoder_variational"`)
#' @examples
#' network <- input() + dense(256, "elu") + variational_block(3) + dense(256, "elu") + output("sigmoid")
#' autoencoder_variational(network, loss = "binary_crossentropy")
#' @export
autoencoder_variational <- function(network, loss = "binary_crossentropy", auto_transform_network = TRUE,
                                    beta = variant_default("variational", "beta")) {
  new_autoencoder(as_variational_network(as_network(network), auto_transform_network), loss) |>
    make_variational(beta)
}

as_variational_network <- function(network, auto_transform_network = TRUE) {
  if (any(vapply(network, inherits, logical(1), ruta_layer_variational))) return(network)
  if (!auto_transform_network) stop("Can't build a variational autoencoder without a variational block", call. = FALSE)
  message("Transforming encoding layer into variational block")
  code <- encoding_index(network)
  if (is.null(network[[code]]$units)) {
    stop("the encoding layer is not dense and cannot become a variational block; add variational_block(units)",
         call. = FALSE)
  }
  network[[code]] <- variational_block(network[[code]]$units)[[1]]
  network
}

#' @rdname autoencoder_variational
#' @param learner A learner
#' @export
make_variational <- function(learner, beta = variant_default("variational", "beta")) {
  learner$network <- as_variational_network(learner$network)
  base <- if (is_variational(learner)) learner$loss$reconstruction_loss else learner$loss
  learner$loss <- loss_variational(base, beta)
  class(learner) <- union(ruta_autoencoder_variational, class(learner))
  checked(learner)
}

#' @rdname autoencoder_variational
#' @export
is_variational <- function(learner) inherits(learner$loss, ruta_loss_variational)

#' Adversarial autoencoder
#'
#' Makhzani et al.'s adversarial autoencoder: after each batch's reconstruction step, a
#' discriminator learns to tell samples of the prior from the batch's codes (binary
#' cross-entropy), then the encoder learns to fool it. Both steps use Adam (learning rate
#' 1e-3, beta1 0.5). The history gains `discriminator_loss` and `discriminator_accuracy`
#' (near `log(2)` and 0.5 when the codes look like the prior); [generate()] decodes a
#' grid of the prior's quantiles. Combines with denoising, contractive, robust and weight
#' decay, not with variational or sparse.
#' @inheritParams autoencoder
#' @param prior `"normal"` (N(0, I)), `"uniform"` (U(-1, 1) in every unit) or
#'   `"mixture:K"`: K Gaussians of standard deviation 0.5 whose means lie evenly on a
#'   circle of radius 2 in the plane of the first two code units
#' @param discriminator The discriminator's hidden layer sizes (ReLU)
#' @param weight Weight of the encoder's loss against the discriminator
#' @return An adversarial learner (class `"ruta_autoencoder_adversarial"`)
#' @examples
#' autoencoder_adversarial(c(16, 2), prior = "mixture:3", discriminator = c(32, 32))
#' @export
autoencoder_adversarial <- function(network, loss = "mean_squared_error", prior = variant_default("adversarial", "prior"),
                                    discriminator = variant_default("adversarial", "discriminator"),
                                    weight = variant_default("adversarial", "weight")) {
  autoencoder(network, loss) |> make_adversarial(prior, discriminator, weight)
}

#' @rdname autoencoder_adversarial
#' @param learner A learner
#' @export
make_adversarial <- function(learner, prior = variant_default("adversarial", "prior"),
                             discriminator = variant_default("adversarial", "discriminator"),
                             weight = variant_default("adversarial", "weight")) {
  learner$adversarial <- list(prior = prior, discriminator = discriminator, weight = weight)
  class(learner) <- union(ruta_autoencoder_adversarial, class(learner))
  checked(learner)
}

#' @rdname autoencoder_adversarial
#' @export
is_adversarial <- function(learner) !is.null(learner$adversarial)

#' Weight decay
#'
#' Adds `decay` times the sum of the squared weights of the encoding layer (or of every
#' layer) to the loss.
#' @param learner A learner
#' @param decay Weight of the penalty
#' @param all_layers Penalise every dense and conv kernel, not only the encoding's?
#' @return The learner with weight decay
#' @export
add_weight_decay <- function(learner, decay = variant_default("weight_decay", "decay"),
                             all_layers = variant_default("weight_decay", "all_layers")) {
  code <- encoding_index(learner$network)
  learner$network[[code]]$kernel_regularizer <- weight_decay(decay, all_layers)
  checked(learner)
}

# The library checks every parameter and combination of properties; an invalid learner
# fails when it is made, as in ruta, not when it is trained.
checked <- function(learner) {
  call_core(hg_check_learner, core_learner(learner))
  learner
}

#' Is a learner trained?
#' @param learner A learner
#' @return `TRUE` when it holds a trained model
#' @export
is_trained <- function(learner) !is.null(learner$models)

#' @export
print.ruta_autoencoder <- function(x, ...) {
  cat("Autoencoder learner", if (is_trained(x)) "(trained)", "\n")
  rule()
  cat("Type:", paste(call_core(hg_learner_types, core_learner(x)), collapse = ", "), "\n\n")
  print(x$network)
  cat("\n")
  print(x$loss)
  rule()
  invisible(x)
}

rule <- function() cat(strrep("-", 60), "\n", sep = "")

#' The variants' parameters
#'
#' Every variant and its parameters as the library declares them once: the defaults of
#' [make_sparse()] and the other constructors, the command line's flags (`--sparsity`)
#' and the Python estimators' arguments read the same declaration.
#' @return A data frame with a row per parameter: `variant`, `parameter`, `default` (as
#'   text), `help`
#' @examples
#' variant_parameters()[, c("variant", "parameter", "default")]
#' @export
variant_parameters <- function() {
  kinds <- hg_variant_kinds()
  rows <- lapply(names(kinds), function(variant) {
    parameters <- kinds[[variant]]$parameters
    data.frame(variant = rep(variant, length(parameters)), parameter = names(parameters),
               default = vapply(parameters, function(p) if (is.null(p$default)) "NULL" else
                 paste(format(p$default), collapse = ", "), ""),
               help = vapply(parameters, function(p) p$help, ""), stringsAsFactors = FALSE, row.names = NULL)
  })
  do.call(rbind, rows)
}

# A parameter's default, as the library declares it.
variant_default <- function(variant, parameter) {
  kind <- hg_variant_kinds()[[variant]]
  if (is.null(kind) || !parameter %in% names(kind$parameters)) {
    stop("no parameter '", parameter, "' of the variant '", variant, "'", call. = FALSE)
  }
  kind$parameters[[parameter]]$default
}
