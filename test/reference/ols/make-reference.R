# Reference values for test/stats/compare-groups.test.ts, computed with R's lm and lme4/lmerTest:
#   Rscript test/reference/ols/make-reference.R > test/reference/ols/features.reference.json
# The data set (features.csv) is fixed and committed beside this script.
d <- read.csv("test/reference/ols/features.csv")
d$source <- factor(d$source, levels = c("human", "gpt4", "llama2"))
m <- lm(value ~ source, data = d)
s <- summary(m)
pairs <- function(m) {
  b <- coef(m); V <- vcov(m); lv <- levels(d$source); out <- list()
  for (a in 1:2) for (c in (a + 1):3) {
    L <- rep(0, 3); if (a > 1) L[a] <- 1; if (c > 1) L[c] <- -1
    est <- sum(L * b); se <- sqrt(drop(t(L) %*% V %*% L)); t <- est / se
    out[[length(out) + 1]] <- list(contrast = paste(lv[a], "-", lv[c]), b = est, se = se, t = t, p = 2 * pt(-abs(t), df.residual(m)))
  }
  out
}
res <- list(
  coef = as.list(coef(m)), se = as.list(s$coefficients[, 2]), t = as.list(s$coefficients[, 3]), p = as.list(s$coefficients[, 4]),
  sigma = s$sigma, r_squared = s$r.squared, df = df.residual(m), pairs = pairs(m))
cat(paste0("{\"coef\": {", paste(sprintf("\"%s\": %.15g", names(coef(m)), coef(m)), collapse = ", "),
  "}, \"se\": [", paste(sprintf("%.15g", s$coefficients[, 2]), collapse = ", "),
  "], \"t\": [", paste(sprintf("%.15g", s$coefficients[, 3]), collapse = ", "),
  "], \"p\": [", paste(sprintf("%.15g", s$coefficients[, 4]), collapse = ", "),
  "], \"sigma\": ", sprintf("%.15g", s$sigma), ", \"r_squared\": ", sprintf("%.15g", s$r.squared), ", \"df\": ", df.residual(m),
  ", \"pairs\": [", paste(sapply(res$pairs, function(p) sprintf("{\"contrast\": \"%s\", \"b\": %.15g, \"se\": %.15g, \"t\": %.15g, \"p\": %.15g}", p$contrast, p$b, p$se, p$t, p$p)), collapse = ", "), "]}\n"))
