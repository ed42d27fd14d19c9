# lme4 + lmerTest on the very data sets empathy-lab's power simulation draws (write-sims.ts): per
# data set, the Satterthwaite p value of each pairwise contrast, the REML criterion and singularity.
#   npx tsx test/reference/power/write-sims.ts /tmp/sims.csv 200
#   Rscript test/reference/power/paired.R /tmp/sims.csv test/reference/power/paired.r.json
suppressPackageStartupMessages({ library(lmerTest); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE)
d$source <- factor(d$source, levels = c("gpt4", "llama2", "mistral"))
L <- rbind(c(0, -1, 0), c(0, 0, -1), c(0, 1, -1))  # gpt4 - llama2, gpt4 - mistral, llama2 - mistral
res <- lapply(split(d, d$sim), function(s) {
  m <- suppressMessages(suppressWarnings(lmer(value ~ source + (1 | post:rater) + (1 | post) + (1 | rater), s)))
  list(sim = s$sim[1], p = sapply(1:3, function(j) contest1D(m, L[j, ], ddf = "Satterthwaite")[["Pr(>|t|)"]]),
       estimate = sapply(1:3, function(j) contest1D(m, L[j, ])$Estimate), reml = REMLcrit(m), singular = isSingular(m))
})
writeLines(toJSON(list(r = R.version.string, lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")), sims = unname(res)), digits = NA, auto_unbox = TRUE), a[2])
