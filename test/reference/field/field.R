# R references for the field-study analysis (R 4.2; lme4, lmerTest, emmeans, jsonlite from Debian).
#   Rscript test/reference/field/field.R test/reference/field
# The outcome by arm with the pre-measure as covariate and the supporter as a random effect, fitted
# by lmerTest (REML, Satterthwaite df); estimated means by emmeans at the mean pre-measure; pairs
# Holm-adjusted, their intervals Bonferroni-adjusted (as emmeans' confint does for Holm). The rating
# by arm without a covariate. Medians of hours to reply and of the edit share with the
# distribution-free interval [x_(j), x_(n+1-j)], j the largest with 1 - 2 pbinom(j - 1, n, 1/2) >= .95.
suppressPackageStartupMessages({ library(lmerTest); library(emmeans); library(jsonlite) })
dir <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(file.path(dir, "field-posts.csv"), stringsAsFactors = FALSE)
d$arm <- factor(d$arm, levels = c("human", "assisted", "model"))

arm_model <- function(formula) {
  m <- lmer(formula, data = d, REML = TRUE)
  cf <- summary(m)$coefficients
  emm <- emmeans(m, ~ arm, lmer.df = "satterthwaite")
  e <- as.data.frame(summary(emm))
  p <- as.data.frame(summary(pairs(emm), adjust = "holm"))
  ci <- as.data.frame(confint(pairs(emm), adjust = "bonferroni"))
  vc <- as.data.frame(VarCorr(m))
  list(
    fixed = list(term = rownames(cf), estimate = unname(cf[, 1]), se = unname(cf[, 2]), df = unname(cf[, 3]), p = unname(cf[, 5])),
    emmeans = list(level = as.character(e$arm), emmean = e$emmean, se = e$SE, df = e$df, lower = e$lower.CL, upper = e$upper.CL),
    contrasts = list(contrast = as.character(p$contrast), estimate = p$estimate, se = p$SE, df = p$df, t = p$t.ratio, p = p$p.value, lower = ci$lower.CL, upper = ci$upper.CL),
    sdSupporter = vc$sdcor[vc$grp == "supporter"], sigma = sigma(m)
  )
}

median_ci <- function(x) {
  x <- sort(x); n <- length(x); j <- 0
  for (cand in seq_len(floor(n / 2))) if (1 - 2 * pbinom(cand - 1, n, 0.5) >= 0.95) j <- cand else break
  list(n = n, median = median(x), lower = x[j], upper = x[n + 1 - j])
}

out <- list(
  outcome = arm_model(post_feeling ~ arm + pre_feeling + (1 | supporter)),
  rating = arm_model(rating_empathy ~ arm + (1 | supporter)),
  hours = lapply(split(d$hours_to_reply, d$arm), median_ci),
  edit_share = median_ci(d$edit_share[d$arm == "assisted"])
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path(dir, "field.r.json"))
