# Reference values for variant arms (style effects) and panels, on a synthetic study written here.
# Run from this folder: Rscript make-style-panels.R  (writes style-panels.csv and style-panels.json)
# Needs Debian's r-cran-lme4, r-cran-lmertest, r-cran-emmeans, r-cran-psych and r-cran-jsonlite.
suppressPackageStartupMessages({ library(lmerTest); library(emmeans); library(psych); library(jsonlite) })
emm_options(lmer.df = "satterthwaite", lmerTest.limit = 1e6)

# The design: 30 posts, each with a human reply, a gpt4 reply and gpt4-plain (gpt4's reply with its
# emojis removed: the same reply, another version). Two panels of 40 raters; each rater rates 6 posts,
# and for each the human reply and ONE version of the gpt4 reply (never both), in turn.
set.seed(2026)
posts <- sprintf("p%02d", 1:30)
post_eff <- setNames(rnorm(30, 0, 0.3), posts)
rows <- list()
for (panel in c("crowd", "experts")) {
  for (r in 1:40) {
    rater <- sprintf("%s-%02d", panel, r)
    lenient <- rnorm(1, 0, if (panel == "crowd") 0.5 else 0.35)
    for (k in 0:5) {
      i <- ((r - 1) * 6 + k) %% 30 + 1
      version <- if (((r - 1) * 6 + k) %/% 30 %% 2 == 0) "gpt4" else "gpt4-plain"
      pr <- rnorm(1, 0, 0.25)
      for (src in c("human", version)) {
        mu <- 3 + post_eff[[posts[i]]] + lenient + pr +
          (if (src == "gpt4") 0.45 else if (src == "gpt4-plain") 0.25 else 0) +
          (if (panel == "experts" && src != "human") -0.4 else 0)
        rows[[length(rows) + 1]] <- data.frame(value = min(5, max(1, round(mu + rnorm(1, 0, 0.7)))), source = src, post = posts[i],
          rater = rater, panel = panel, response = paste(posts[i], src, sep = "/"), family = paste(posts[i], if (src == "human") "human" else "gpt4", sep = "/"))
      }
    }
  }
}
d <- do.call(rbind, rows)
write.csv(d, "style-panels.csv", row.names = FALSE)
d$source <- factor(d$source, levels = c("human", "gpt4", "gpt4-plain"))
d$panel <- factor(d$panel, levels = c("crowd", "experts"))

# 1. The style effect within the parent: gpt4-plain against gpt4 on the same replies. Each post:rater
#    cell holds one rating of this subset, so (1 | post:rater) is left out.
s <- droplevels(d[d$source %in% c("gpt4", "gpt4-plain"), ])
ms <- lmer(value ~ source + (1 | post) + (1 | rater), data = s, REML = TRUE)
cs <- summary(ms)$coefficients["sourcegpt4-plain", ]
vc <- as.data.frame(VarCorr(ms))
den <- sqrt(sum(vc$vcov[is.na(vc$var2)]))
half <- qt(0.975, cs[["df"]]) * cs[["Std. Error"]]
style <- list(formula = "value ~ source + (1 | post) + (1 | rater)", estimate = cs[["Estimate"]], SE = cs[["Std. Error"]], df = cs[["df"]],
  t = cs[["t value"]], p = cs[["Pr(>|t|)"]], lower.CL = cs[["Estimate"]] - half, upper.CL = cs[["Estimate"]] + half,
  d = cs[["Estimate"]] / den, d.lower.CL = (cs[["Estimate"]] - half) / den, d.upper.CL = (cs[["Estimate"]] + half) / den)

# 2. Panels: the source x panel interaction by a likelihood-ratio test of ML fits.
f0 <- value ~ source + panel + (1 | post:rater) + (1 | post) + (1 | rater)
f1 <- value ~ source * panel + (1 | post:rater) + (1 | post) + (1 | rater)
m0 <- lmer(f0, data = d, REML = FALSE)
m1 <- lmer(f1, data = d, REML = FALSE)
a <- anova(m0, m1)
interaction <- list(chisq = a$Chisq[2], df = a$Df[2], p = a[["Pr(>Chisq)"]][2], logLik0 = as.numeric(logLik(m0)), logLik1 = as.numeric(logLik(m1)))

# 3. Per panel: the model fitted to the panel's ratings, all pairwise contrasts (Holm p, Bonferroni CI).
per_panel <- lapply(levels(d$panel), function(p) {
  mp <- lmer(value ~ source + (1 | post:rater) + (1 | post) + (1 | rater), data = d[d$panel == p, ], REML = TRUE)
  pr <- pairs(emmeans(mp, ~ source), adjust = "holm")
  tests <- as.data.frame(summary(pr, infer = c(FALSE, TRUE)))
  ci <- as.data.frame(confint(pr, level = 0.95))
  list(panel = p, pairs = lapply(seq_len(nrow(tests)), function(i) list(contrast = as.character(tests$contrast[i]), estimate = tests$estimate[i],
    SE = tests$SE[i], df = tests$df[i], t.ratio = tests$t.ratio[i], p.value = tests$p.value[i], lower.CL = ci$lower.CL[i], upper.CL = ci$upper.CL[i])))
})

# 4. Agreement between the panels on each reply's mean rating (replies rated in both): Pearson r with
#    its Fisher-z 95% CI, ICC(A,1) (psych's ICC2: two-way random, absolute agreement, single rater)
#    with its F-based 95% CI; and Kendall's tau-b between the panels' rankings of the sources (means of post means).
means <- aggregate(value ~ response + panel, data = d, FUN = mean)
wide <- reshape(means, idvar = "response", timevar = "panel", direction = "wide")
wide <- wide[complete.cases(wide), ]
wide <- wide[order(wide$response), ]
ct <- cor.test(wide$value.crowd, wide$value.experts)
ic <- ICC(as.matrix(wide[, c("value.crowd", "value.experts")]), lmer = FALSE)$results
icc2 <- ic[ic$type == "ICC2", ]
post_means <- aggregate(value ~ source + post + panel, data = d, FUN = mean)
source_means <- aggregate(value ~ source + panel, data = post_means, FUN = mean)
sm <- reshape(source_means, idvar = "source", timevar = "panel", direction = "wide")
agreement <- list(replies = nrow(wide), pearson = list(r = unname(ct$estimate), lower = ct$conf.int[1], upper = ct$conf.int[2]),
  icc_a1 = list(icc = icc2$ICC, lower = icc2$`lower bound`, upper = icc2$`upper bound`),
  kendall_tau = cor(sm$value.crowd, sm$value.experts, method = "kendall"),
  source_means = lapply(seq_len(nrow(sm)), function(i) list(source = as.character(sm$source[i]), crowd = sm$value.crowd[i], experts = sm$value.experts[i])))

out <- list(r = R.version.string, lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
  emmeans = as.character(packageVersion("emmeans")), psych = as.character(packageVersion("psych")),
  style = style, interaction = interaction, per_panel = per_panel, agreement = agreement)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "style-panels.json")
