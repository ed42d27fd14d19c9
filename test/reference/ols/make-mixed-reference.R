# Mixed-model pairs for test/stats/compare-groups.test.ts, with lme4/lmerTest/emmeans:
#   Rscript test/reference/ols/make-mixed-reference.R > test/reference/ols/features.mixed.reference.json
suppressMessages({ library(lmerTest); library(emmeans) })
d <- read.csv("test/reference/ols/features.csv")
d$source <- factor(d$source, levels = c("human", "gpt4", "llama2"))
m <- lmer(value ~ source + (1 | post), data = d)
p <- as.data.frame(pairs(emmeans(m, "source", lmer.df = "satterthwaite"), adjust = "holm"))
cat(paste0("{\"pairs_holm\": [", paste(sprintf("{\"contrast\": \"%s\", \"b\": %.15g, \"se\": %.15g, \"df\": %.15g, \"t\": %.15g, \"p\": %.15g}",
  p$contrast, p$estimate, p$SE, p$df, p$t.ratio, p$p.value), collapse = ", "), "]}\n"))
