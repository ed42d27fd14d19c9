# What simr::powerSim does for an lmer model, written out (simr is not in Debian): simulate new
# responses from the model with lme4's simulate() at the given parameters, refit with lmer, and test
# each pairwise contrast of the sources with lmerTest's Satterthwaite t test (contest1D), unadjusted.
# Counts the rejections at alpha = .05.
#
#   Rscript bench/power/power-loop.R design.csv params.json nsim seed out.json
#
# design.csv: post,rater,source (one row per rating; source levels in the order of params$sources).
# params.json: { "sources": [...], "means": {source: mean}, "sd_post", "sd_rater", "sd_post_rater",
#                "sd_residual", "type": "within-post" | "one-per-post" }
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE, colClasses = "character")
pr <- fromJSON(a[2])
nsim <- as.integer(a[3]); set.seed(as.integer(a[4]))
d$source <- factor(d$source, levels = pr$sources)
d$value <- rnorm(nrow(d))
within <- pr$type == "within-post"
f <- if (within) value ~ source + (1 | post:rater) + (1 | post) + (1 | rater) else value ~ source + (1 | post) + (1 | rater)
template <- lme4::lmer(f, data = d)
means <- unlist(pr$means[pr$sources])
beta <- c(means[1], means[-1] - means[1])
th <- getME(template, "theta")
sds <- c("post:rater.(Intercept)" = pr$sd_post_rater, "rater.(Intercept)" = pr$sd_rater, "post.(Intercept)" = pr$sd_post)
theta <- sds[names(th)] / pr$sd_residual
names(theta) <- names(th)
k <- length(pr$sources)
pairs <- combn(k, 2)
L <- t(apply(pairs, 2, function(ij) { l <- numeric(k); if (ij[1] > 1) l[ij[1]] <- 1; if (ij[2] > 1) l[ij[2]] <- l[ij[2]] - 1; l }))
labels <- apply(pairs, 2, function(ij) paste(pr$sources[ij[1]], "-", pr$sources[ij[2]]))
rejections <- numeric(ncol(pairs)); estimates <- numeric(ncol(pairs)); singular <- 0; warned <- 0; failed <- 0
start <- proc.time()[["elapsed"]]
for (i in seq_len(nsim)) {
  d$value <- simulate(template, nsim = 1, newparams = list(beta = unname(beta), theta = theta, sigma = pr$sd_residual))[[1]]
  m <- tryCatch(lmerTest::lmer(f, data = d), error = function(e) NULL)
  if (is.null(m)) { failed <- failed + 1; next }
  if (isSingular(m)) singular <- singular + 1
  if (length(m@optinfo$conv$lme4$messages) > 0) warned <- warned + 1
  for (j in seq_len(nrow(L))) {
    ct <- contest1D(m, L[j, ], ddf = "Satterthwaite")
    estimates[j] <- estimates[j] + ct$Estimate
    if (ct[["Pr(>|t|)"]] < 0.05) rejections[j] <- rejections[j] + 1
  }
}
seconds <- proc.time()[["elapsed"]] - start
out <- list(r = R.version.string, lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
  nsim = nsim, rows = nrow(d), seconds = seconds, failed = failed, singular = singular, not_converged = warned,
  contrasts = lapply(seq_along(labels), function(j) {
    ci <- binom.test(rejections[j], nsim)$conf.int
    list(contrast = labels[j], rejections = rejections[j], power = rejections[j] / nsim, lower = ci[1], upper = ci[2], mean_estimate = estimates[j] / (nsim - failed))
  }))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), a[5])
