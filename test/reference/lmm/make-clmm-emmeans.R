# Marginal means, contrasts, probabilities and likelihood-ratio tests of cumulative link mixed models
# on ratings-within.csv, for empathy-lab's CLMM (src/stats/clmm.ts, clmm-means.ts).
# Run from this folder: Rscript make-clmm-emmeans.R  (writes ratings-within.clmm-emmeans.json)
# Needs Debian's r-cran-ordinal, r-cran-emmeans and r-cran-jsonlite.
#  - emmeans mode "latent": the sources' means on the latent scale, pairwise contrasts (Holm);
#  - emmeans mode "prob": each category's probability per source at the random effects' mean (0);
#  - the same probabilities averaged over the random effects (u_rater + u_post ~ N(0, s_r^2 + s_p^2))
#    with R's integrate(), which emmeans does not do;
#  - anova() of nested CLMMs (LR statistic, df, p);
#  - an equidistant-threshold fit.
suppressPackageStartupMessages({ library(ordinal); library(emmeans); library(jsonlite) })
d <- read.csv("ratings-within.csv", stringsAsFactors = FALSE)
d$source <- factor(d$source, levels = c("human", "gpt4", "llama2", "mistral"))
d$domain <- factor(d$domain)
d$y <- ordered(d$rating)
m <- clmm(y ~ source + (1 | rater) + (1 | post), data = d, link = "logit")
lat <- emmeans(m, ~ source, mode = "latent")
lat_s <- as.data.frame(summary(lat))
pr <- as.data.frame(summary(pairs(lat, adjust = "holm"), infer = c(TRUE, TRUE)))
prob <- as.data.frame(summary(emmeans(m, ~ source | y, mode = "prob")))
mc <- as.data.frame(summary(emmeans(m, ~ source, mode = "mean.class")))
s2 <- sum(sapply(VarCorr(m), function(v) v[1]))
th <- m$alpha
marginal <- lapply(levels(d$source), function(s) {
  eta <- if (s == "human") 0 else m$beta[[paste0("source", s)]]
  cum <- c(sapply(th, function(t) integrate(function(u) plogis(t - eta - u) * dnorm(u, 0, sqrt(s2)), -Inf, Inf, rel.tol = 1e-10)$value), 1)
  diff(c(0, cum))
})
names(marginal) <- levels(d$source)
m0 <- clmm(y ~ 1 + (1 | rater) + (1 | post), data = d, link = "logit")
m2 <- clmm(y ~ source + domain + (1 | rater) + (1 | post), data = d, link = "logit")
a1 <- anova(m0, m)
a2 <- anova(m, m2)
lrt <- function(a) list(chisq = a$LR.stat[2], df = a$df[2], p = a$`Pr(>Chisq)`[2], logLik = a$logLik)
eq <- clmm(y ~ source + (1 | rater) + (1 | post), data = d, link = "logit", threshold = "equidistant")
out <- list(
  r = R.version.string, ordinal = as.character(packageVersion("ordinal")), emmeans = as.character(packageVersion("emmeans")),
  latent = lapply(seq_len(nrow(lat_s)), function(i) list(source = as.character(lat_s$source[i]), emmean = lat_s$emmean[i], SE = lat_s$SE[i], lower = lat_s$asymp.LCL[i], upper = lat_s$asymp.UCL[i])),
  pairs = lapply(seq_len(nrow(pr)), function(i) list(contrast = as.character(pr$contrast[i]), estimate = pr$estimate[i], SE = pr$SE[i], z = pr$z.ratio[i], p = pr$p.value[i], lower = pr$asymp.LCL[i], upper = pr$asymp.UCL[i])),
  prob = lapply(levels(d$source), function(s) list(source = s, prob = prob$prob[prob$source == s], SE = prob$SE[prob$source == s])),
  mean_class = lapply(seq_len(nrow(mc)), function(i) list(source = as.character(mc$source[i]), mean_class = mc$mean.class[i])),
  prob_marginal = lapply(levels(d$source), function(s) list(source = s, prob = marginal[[s]])),
  lrt_source = lrt(a1), lrt_domain = lrt(a2),
  equidistant = list(thresholds = unname(eq$alpha), beta = as.list(eq$beta), beta_se = as.list(summary(eq)$coefficients[names(eq$beta), "Std. Error"]),
    random_sd = lapply(VarCorr(eq), function(v) sqrt(v[1])), logLik = as.numeric(logLik(eq)))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "ratings-within.clmm-emmeans.json")
