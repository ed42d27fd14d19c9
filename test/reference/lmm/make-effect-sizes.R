# Contrasts with confidence intervals and Westfall, Kenny & Judd's d for ratings-within.csv.
# Run from this folder: Rscript make-effect-sizes.R  (writes ratings-within.effect-sizes.json)
# Needs Debian's r-cran-lme4, r-cran-lmertest, r-cran-emmeans and r-cran-jsonlite.
suppressPackageStartupMessages({ library(lmerTest); library(emmeans); library(jsonlite) })
emm_options(lmer.df = "satterthwaite", lmerTest.limit = 1e6)

d <- read.csv("ratings-within.csv", stringsAsFactors = FALSE)
d$source <- factor(d$source, levels = c("human", "gpt4", "llama2", "mistral"))
m <- lmer(rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater), data = d, REML = TRUE)

# The denominator of d, by hand: the square root of the sum of every variance component
# (post:rater, rater, post and the residual), as Westfall, Kenny & Judd (2014) define it.
vc <- as.data.frame(VarCorr(m))
denominator <- sqrt(sum(vc$vcov[is.na(vc$var2)]))

emm <- emmeans(m, ~ source)
pairs_for <- function(adjust) {
  pr <- pairs(emm, adjust = adjust)
  tests <- as.data.frame(summary(pr, infer = c(FALSE, TRUE)))
  ci_summary <- confint(pr, level = 0.95)
  ci_adjust <- attr(ci_summary, "mesg")
  ci <- as.data.frame(ci_summary)
  list(
    adjust = adjust,
    ci_note = paste(ci_adjust, collapse = " | "),
    pairs = lapply(seq_len(nrow(tests)), function(i) list(
      contrast = as.character(tests$contrast[i]),
      estimate = tests$estimate[i], SE = tests$SE[i], df = tests$df[i],
      t.ratio = tests$t.ratio[i], p.value = tests$p.value[i],
      lower.CL = ci$lower.CL[i], upper.CL = ci$upper.CL[i],
      d = tests$estimate[i] / denominator,
      d.lower.CL = ci$lower.CL[i] / denominator, d.upper.CL = ci$upper.CL[i] / denominator
    ))
  )
}
out <- list(
  dataset = "ratings-within",
  formula = "rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater)",
  versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
                  lmerTest = as.character(packageVersion("lmerTest")), emmeans = as.character(packageVersion("emmeans"))),
  varcor = vc,
  d_denominator = denominator,
  holm = pairs_for("holm"), tukey = pairs_for("tukey"), none = pairs_for("none")
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = 12, pretty = TRUE, na = "null"), "ratings-within.effect-sizes.json")
