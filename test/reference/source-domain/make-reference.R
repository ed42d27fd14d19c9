# Reference values for analyze's source x domain model, from lme4 + lmerTest (Debian's r-cran-*).
# Run from the repository root:  Rscript test/reference/source-domain/make-reference.R
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
d <- read.csv("test/reference/lmm/ratings-within.csv")
d$source <- relevel(factor(d$source), ref = "human")
d$domain <- factor(d$domain)
random <- "(1 | post:rater) + (1 | post) + (1 | rater)"
full <- lmer(as.formula(paste("rating ~ source * domain +", random)), data = d, REML = TRUE)
m0 <- lmer(as.formula(paste("rating ~ source + domain +", random)), data = d, REML = FALSE)
m1 <- lmer(as.formula(paste("rating ~ source * domain +", random)), data = d, REML = FALSE)
a <- anova(m0, m1, refit = FALSE)
co <- summary(full)$coefficients
out <- list(
  lme4 = as.character(packageVersion("lme4")),
  fixef = as.list(setNames(co[, "Estimate"], rownames(co))),
  se = as.list(setNames(co[, "Std. Error"], rownames(co))),
  df = as.list(setNames(co[, "df"], rownames(co))),
  lrt = list(chisq = a$Chisq[2], df = a$Df[2], p = a$`Pr(>Chisq)`[2])
)
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file = "test/reference/source-domain/reference.json")
