# Reference for the multinomial L2 logistic regression (test/stats/logistic.test.ts), with glmnet:
#   Rscript test/reference/logistic/make-reference.R > test/reference/logistic/multinomial.glmnet.json
# Objective: -(1/N) loglik + (lambda/2) sum ||beta_k||^2 (alpha = 0), intercepts unpenalised;
# features used as given (standardize = FALSE), converged tightly.
suppressMessages(library(glmnet))
d <- read.csv("test/reference/logistic/multinomial.csv")
d$y <- factor(d$y, levels = c("human", "gpt4", "llama2"))
x <- as.matrix(d[, c("x1", "x2", "x3", "x4")])
lambda <- 0.05
fit <- glmnet(x, d$y, family = "multinomial", alpha = 0, lambda = lambda, standardize = FALSE, thresh = 1e-16, maxit = 1e7)
cf <- coef(fit, s = lambda)
rows <- sapply(levels(d$y), function(k) {
  v <- as.numeric(cf[[k]])
  sprintf("\"%s\": [%s]", k, paste(sprintf("%.12g", v), collapse = ", "))
})
cat(sprintf("{\"lambda\": %g, \"coefficients\": {%s}}\n", lambda, paste(rows, collapse = ", ")))
