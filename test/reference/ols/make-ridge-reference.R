# Ridge reference for test/stats/regression.test.ts: columns standardised with scale() (SD with n - 1),
# intercept unpenalised, weights = solve(Xc'Xc + lambda I, Xc'(y - mean(y))).
#   Rscript test/reference/ols/make-ridge-reference.R > test/reference/ols/ridge.reference.json
d <- read.csv("test/reference/logistic/multinomial.csv")
x <- scale(as.matrix(d[, c("x1", "x2", "x3", "x4")]))
y <- 3 + 0.5 * d$x1 - 0.25 * d$x3 + sin(seq_len(nrow(d)))
w <- solve(crossprod(x) + 2 * diag(4), crossprod(x, y - mean(y)))
cat(sprintf("{\"lambda\": 2, \"weights\": [%s], \"intercept\": %.15g, \"y\": [%s]}\n", paste(sprintf("%.15g", w), collapse = ", "),
  mean(y), paste(sprintf("%.15g", y), collapse = ", ")))
