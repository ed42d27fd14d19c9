# R references for the rating-format analyses (R 4.2; BradleyTerry2, sandwich, psych from Debian).
#   Rscript test/reference/formats/formats.R test/reference/formats
# Bradley-Terry with a position effect: glm on the paired design (a column per non-reference source,
# +1 for the left reply's source, -1 for the right's; the intercept is the position effect), the same
# model by BradleyTerry2::BTm (the left reply "at home"), and sandwich::vcovCL clustered by rater and
# by rater and post (type HC0, G/(G-1) per clustering). Alpha, Feldt's interval and the corrected
# item-total correlations by psych::alpha; omega total by psych::omega(nfactors = 1). The ordinal
# extension for choices with a strength by ordinal::clm(threshold = "symmetric").
suppressPackageStartupMessages({ library(BradleyTerry2); library(sandwich); library(psych); library(ordinal); library(jsonlite) })
dir <- commandArgs(trailingOnly = TRUE)[1]

d <- read.csv(file.path(dir, "choices.csv"), stringsAsFactors = FALSE)
sources <- c("human", "gpt4", "llama2", "mistral")  # the reference first
d$y <- as.integer(d$choice == "left")
for (s in sources[-1]) d[[s]] <- (d$left_source == s) - (d$right_source == s)
f <- glm(y ~ gpt4 + llama2 + mistral, family = binomial, data = d)
v_rater <- vcovCL(f, cluster = ~ PROLIFIC_PID, type = "HC0", cadjust = TRUE)
v_two <- vcovCL(f, cluster = ~ PROLIFIC_PID + post_id, type = "HC0", cadjust = TRUE, multi0 = FALSE)

left <- data.frame(source = factor(d$left_source, levels = sources), at.home = 1)
right <- data.frame(source = factor(d$right_source, levels = sources), at.home = 0)
bt <- BTm(cbind(d$y, 1 - d$y), left, right, formula = ~ source + at.home, id = "source")

# The ordinal extension: the four answers ordered right clearly < right slightly < left slightly <
# left clearly, the Bradley-Terry predictor, symmetric thresholds.
d$k <- factor(ifelse(d$choice == "left", ifelse(d$strength == "clearly", 3, 2), ifelse(d$strength == "clearly", 0, 1)), levels = 0:3, ordered = TRUE)
o <- clm(k ~ gpt4 + llama2 + mistral, data = d, threshold = "symmetric", link = "logit")

items <- read.csv(file.path(dir, "items.csv"), stringsAsFactors = FALSE)
x <- data.frame(warm = items$warm, understood = items$understood, helpful = items$helpful, cold = 6 - items$cold)
a <- psych::alpha(x)
om <- suppressWarnings(psych::omega(x, nfactors = 1, plot = FALSE))

out <- list(
  bt = list(
    names = names(coef(f)),
    coef = unname(coef(f)),
    se_model = unname(sqrt(diag(vcov(f)))),
    se_rater = unname(sqrt(diag(v_rater))),
    se_rater_post = unname(sqrt(diag(v_two))),
    vcov_rater = unname(v_rater),
    loglik = as.numeric(logLik(f)),
    btm_coef = unname(coef(bt)),
    btm_names = names(coef(bt)),
    btm_se = unname(sqrt(diag(vcov(bt))))
  ),
  ordinal = list(
    names = names(coef(o)),
    coef = unname(coef(o)),
    se = unname(sqrt(diag(vcov(o)))),
    loglik = as.numeric(logLik(o))
  ),
  items = list(
    alpha = a$total$raw_alpha,
    feldt_lower = a$feldt$lower.ci[[1]],
    feldt_upper = a$feldt$upper.ci[[1]],
    r_drop = unname(a$item.stats$r.drop),
    omega_tot = om$omega.tot,
    n = nrow(x)
  )
)
write_json(out, file.path(dir, "formats.r.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
cat("wrote", file.path(dir, "formats.r.json"), "\n")
