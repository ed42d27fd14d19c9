# More reference fits of cumulative link mixed models (this repository's own, beside shared/'s
# ratings-within.clmm.json): the same data with a probit link, and with domain as a second
# fixed effect (logit). Run from this folder: Rscript make-clmm.R  (writes ratings-within.clmm-more.json)
# Needs Debian's r-cran-ordinal and r-cran-jsonlite.
suppressPackageStartupMessages({ library(ordinal); library(jsonlite) })
d <- read.csv("ratings-within.csv", stringsAsFactors = FALSE)
d$source <- factor(d$source, levels = c("human", "gpt4", "llama2", "mistral"))
d$domain <- factor(d$domain)
one <- function(formula, link) {
  m <- clmm(formula, data = d, link = link)
  s <- summary(m)$coefficients
  th <- m$alpha
  b <- m$beta
  list(formula = deparse(formula), link = link, method = "Laplace",
    thresholds = unname(th), beta = as.list(b), beta_se = as.list(s[names(b), "Std. Error"]),
    random_sd = lapply(VarCorr(m), function(v) sqrt(v[1])), logLik = as.numeric(logLik(m)),
    domain_levels = levels(d$domain))
}
out <- list(r = R.version.string, ordinal = as.character(packageVersion("ordinal")),
  fits = list(one(ordered(rating) ~ source + (1 | rater) + (1 | post), "probit"),
              one(ordered(rating) ~ source + domain + (1 | rater) + (1 | post), "logit")))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "ratings-within.clmm-more.json")
