# Fits the same file with lme4 (and lmerTest when installed) and prints seconds and the estimates.
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d$source <- relevel(factor(d$source), ref = "human")
f <- as.formula(args[2])
if (startsWith(args[2], "ordered(")) {
  t <- system.time(m <- ordinal::clmm(f, data = d))[["elapsed"]]
  cat(sprintf('{"fitSeconds": %.4f, "logLik": %.10f, "fixef": {%s}}\n', t, as.numeric(logLik(m)),
    paste(sprintf('"%s": %.10f', names(m$beta), m$beta), collapse = ", ")))
  quit(save = "no")
}
satt <- args[3] == "yes" && requireNamespace("lmerTest", quietly = TRUE)
t <- system.time(m <- if (satt) lmerTest::lmer(f, data = d) else lme4::lmer(f, data = d))[["elapsed"]]
cat(sprintf('{"fitSeconds": %.4f, "criterion": %.10f, "satterthwaite": %s, "fixef": {%s}}\n', t,
  lme4::REMLcrit(m), tolower(satt), paste(sprintf('"%s": %.10f', names(lme4::fixef(m)), lme4::fixef(m)), collapse = ", ")))
