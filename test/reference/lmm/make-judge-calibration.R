# Reference values for a judge's calibration against people, on a synthetic study written here.
# Run from this folder: Rscript make-judge-calibration.R  (writes judge-calibration.csv and .json)
# Needs Debian's r-cran-lme4, r-cran-lmertest, r-cran-emmeans, r-cran-psych and r-cran-jsonlite.
# Krippendorff's alpha (interval) is computed by hand from its coincidence-matrix definition
# (Krippendorff 2011), since the irr package is not in Debian.
suppressPackageStartupMessages({ library(lmerTest); library(emmeans); library(psych); library(jsonlite) })
emm_options(lmer.df = "satterthwaite", lmerTest.limit = 1e6)
set.seed(417)
posts <- sprintf("p%02d", 1:40)
sources <- c("human", "gpt4", "llama2")
replies <- expand.grid(post = posts, source = sources, stringsAsFactors = FALSE)
replies$response <- paste(replies$post, replies$source, sep = "/")
replies$words <- round(runif(nrow(replies), 60, 180))
truth <- 3 + rnorm(40, 0, 0.4)[match(replies$post, posts)] + c(human = 0, gpt4 = 0.5, llama2 = 0.1)[replies$source] + rnorm(nrow(replies), 0, 0.4)
replies$truth <- truth
# Five raters per reply from a pool of 30; ratings on a 1..5 scale.
ratings <- do.call(rbind, lapply(seq_len(nrow(replies)), function(i) {
  raters <- sprintf("r%02d", sample(1:30, 5))
  data.frame(response = replies$response[i], source = replies$source[i], post = replies$post[i], rater = raters,
    value = pmin(5, pmax(1, round(replies$truth[i] + rnorm(5, 0, 0.8)))))
}))
# The judge: two samples per reply, the truth plus a bias for llama2 and for length, rounded.
judge <- function() pmin(5, pmax(1, round(replies$truth + ifelse(replies$source == "llama2", 0.6, 0) + 0.004 * (replies$words - 120) + rnorm(nrow(replies), 0, 0.5))))
replies$judge1 <- judge()
replies$judge2 <- judge()
out_rows <- merge(ratings, replies[, c("response", "words", "judge1", "judge2")], by = "response")
write.csv(out_rows[order(out_rows$response, out_rows$rater), ], "judge-calibration.csv", row.names = FALSE)

# What the calibration compares: the judge's score (the median of its two samples, their mean) and
# the mean human rating of each reply.
hm <- aggregate(value ~ response + source + post, data = ratings, FUN = mean)
d <- merge(hm, replies[, c("response", "words", "judge1", "judge2")], by = "response")
d <- d[order(d$response), ]
d$judge <- (d$judge1 + d$judge2) / 2
n <- nrow(d)
ct <- cor.test(d$judge, d$value)
rho <- cor(d$judge, d$value, method = "spearman")
half <- qnorm(0.975) * sqrt((1 + rho^2 / 2) / (n - 3))

alpha_interval <- function(long) {
  # long: data.frame(unit, coder, value); pairable units have two or more values.
  units <- split(long$value, long$unit)
  units <- units[sapply(units, length) >= 2]
  vals <- sort(unique(unlist(units)))
  o <- matrix(0, length(vals), length(vals))
  for (u in units) {
    m <- length(u)
    for (a in seq_len(m)) for (b in seq_len(m)) if (a != b) {
      i <- match(u[a], vals); j <- match(u[b], vals)
      o[i, j] <- o[i, j] + 1 / (m - 1)
    }
  }
  nc <- rowSums(o); N <- sum(nc)
  delta <- outer(vals, vals, function(x, y) (x - y)^2)
  do <- sum(o * delta)
  de <- sum(outer(nc, nc) * delta) / (N - 1)
  1 - do / de
}
humans_long <- data.frame(unit = ratings$response, coder = ratings$rater, value = ratings$value)
with_judge <- rbind(humans_long, data.frame(unit = d$response, coder = "judge", value = d$judge))

bias <- lapply(sources, function(s) {
  x <- d$judge[d$source == s] - d$value[d$source == s]
  tt <- t.test(x)
  list(source = s, bias = mean(x), lower = tt$conf.int[1], upper = tt$conf.int[2])
})
pm_j <- aggregate(judge ~ source + post, data = d, FUN = mean); sm_j <- aggregate(judge ~ source, data = pm_j, FUN = mean)
pm_h <- aggregate(value ~ source + post, data = d, FUN = mean); sm_h <- aggregate(value ~ source, data = pm_h, FUN = mean)
sm <- merge(sm_j, sm_h, by = "source")
tau <- cor(sm$judge, sm$value, method = "kendall")

ic <- ICC(as.matrix(d[, c("judge1", "judge2")]), lmer = FALSE)$results
icc2 <- ic[ic$type == "ICC2", ]

rjh <- cor(d$judge, d$value); rjw <- cor(d$judge, d$words); rhw <- cor(d$value, d$words)
partial <- (rjw - rjh * rhw) / sqrt((1 - rjh^2) * (1 - rhw^2))
# The same partial correlation by residuals, as a check of the formula.
partial_resid <- cor(resid(lm(judge ~ value, data = d)), resid(lm(words ~ value, data = d)))

a_h <- alpha_interval(humans_long)
m <- mean(table(ratings$response))
rm <- m * a_h / (1 + (m - 1) * a_h)
target <- unname(ct$estimate)^2 / rm
worth <- if (target >= 1) NA else target * (1 - a_h) / (a_h * (1 - target))

d$source <- factor(d$source, levels = sources)
mj <- lmer(judge ~ source + (1 | post), data = d, REML = TRUE)
pj <- as.data.frame(summary(pairs(emmeans(mj, ~ source), adjust = "holm"), infer = c(FALSE, TRUE)))

out <- list(r = R.version.string, lme4 = as.character(packageVersion("lme4")), psych = as.character(packageVersion("psych")),
  replies = n,
  pearson = list(r = unname(ct$estimate), lower = ct$conf.int[1], upper = ct$conf.int[2]),
  spearman = list(rho = rho, lower = tanh(atanh(rho) - half), upper = tanh(atanh(rho) + half)),
  mae = mean(abs(d$judge - d$value)),
  alpha = list(humans = a_h, with_judge = alpha_interval(with_judge)),
  bias = bias, kendall_tau = tau,
  test_retest = list(icc = icc2$ICC, lower = icc2$`lower bound`, upper = icc2$`upper bound`),
  length = list(judge_partial = partial, judge_partial_by_residuals = partial_resid, human = rhw),
  worth = list(mean_raters = m, raters = worth),
  judge_contrasts = lapply(seq_len(nrow(pj)), function(i) list(contrast = as.character(pj$contrast[i]), estimate = pj$estimate[i], p = pj$p.value[i])))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "judge-calibration.json")
