# A data set on which a Nelder-Mead simplex projected onto the bound theta = 0 used to stall at the
# bound (a singular fit, REML criterion 1504.10) while the optimum is inside (1503.46): lme4's fit,
# as the regression reference. boundary-trap.csv is a simulated within-post study (40 raters x 5
# posts x 3 sources, post:rater SD 0.23, written here by empathy-lab's power simulation, seed 4).
# Run from this folder: Rscript make-boundary-trap.R  (writes boundary-trap.lme4.json)
suppressPackageStartupMessages({ library(lmerTest); library(jsonlite) })
d <- read.csv("boundary-trap.csv", stringsAsFactors = FALSE)
d$source <- factor(d$source, levels = c("gpt4", "llama2", "mistral"))
m <- lmer(rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater), data = d, REML = TRUE)
vc <- as.data.frame(VarCorr(m))
out <- list(r = R.version.string, lme4 = as.character(packageVersion("lme4")),
  formula = "rating ~ source + (1 | post:rater) + (1 | post) + (1 | rater)",
  theta = as.list(getME(m, "theta")), reml_criterion = REMLcrit(m), fixef = as.list(fixef(m)),
  se = as.list(summary(m)$coefficients[, "Std. Error"]), singular = isSingular(m),
  varcor = lapply(seq_len(nrow(vc)), function(i) list(grp = vc$grp[i], sdcor = vc$sdcor[i])))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "boundary-trap.lme4.json")
