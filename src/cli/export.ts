import { storedExclusions } from '../analysis/stored.js';
import { SUMMARIES } from './commands.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { prolificDecisions } from '../analysis/prolific.js';
import { prolificParticipants } from '../store/admin.repository.js';
import { attributesOf } from '../store/sessions.repository.js';
import path from 'node:path';
import type { Command } from 'commander';
import { toCsv } from '../corpus/table.js';
import { UserError } from '../errors.js';
import type { Study } from '../study/schema.js';
import { exportTables } from '../store/export.repository.js';
import { choicesForAnalysis, ratingsForAnalysis } from '../store/ratings.repository.js';
import { itemScaleId, pairwiseScale, ratedScales } from '../study/formats.js';
import type { Output } from './output.js';
import { withStudy, type StudyOptions } from './study-context.js';
import { fieldPostRows } from '../analysis/field.js';
import { fieldData } from '../store/field.repository.js';
import type { Db } from '../store/tables.js';
import { armLabel } from '../study/arm.js';
import { ordinalFormula } from '../analysis/ordinal.js';
import { CODEBOOK_COLUMNS, codebook, codebookMarkdown, datasetDescription } from '../study/codebook.js';

/** An R script that reads the exported ratings and refits the manifest's model per scale with lme4 + lmerTest. */
export function refitScript(study: Study): string {
  const formula = study.analysis.formula;
  return `# Refits the models of the empathy-lab study "${study.name}" with lme4 + lmerTest (Satterthwaite df),
# from the tidy files written beside this script. Run: Rscript refit.R
# Needs: install.packages(c("lme4", "lmerTest"${study.analysis.models.includes('clmm') ? ', "ordinal"' : ''})) (or Debian: r-cran-lme4 r-cran-lmertest${study.analysis.models.includes('clmm') ? ' r-cran-ordinal' : ''}).
suppressMessages(library(lmerTest))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(trailingOnly = FALSE), value = TRUE)))
if (length(here) == 0 || here == "") here <- "."
ratings <- read.csv(file.path(here, "ratings.csv"), stringsAsFactors = FALSE)
# As empathy-lab analyze does, leave out the raters the manifest's exclusion rules remove
# (participants.csv says which rule and why). Set keep_excluded to TRUE to fit every rating.
keep_excluded <- FALSE
if (!keep_excluded) ratings <- ratings[!as.logical(ratings$excluded), ]
${compositesR(study)}out <- list()
for (s in c(${ratedScales(study).map((x) => `"${x.id}"`).join(', ')})) {
  d <- ratings[ratings$scale == s, ]
  d$source <- relevel(factor(d$source), ref = "${study.analysis.reference_source}")
  m <- lmer(${formula}, data = d, REML = ${study.analysis.reml ? 'TRUE' : 'FALSE'})
  co <- summary(m)$coefficients
  cat(sprintf('{"scale": "%s", "fixef": {%s}, "se": {%s}, "df": {%s}, "criterion": %.10g}\\n', s,
    paste(sprintf('"%s": %.12g', rownames(co), co[, "Estimate"]), collapse = ", "),
    paste(sprintf('"%s": %.12g', rownames(co), co[, "Std. Error"]), collapse = ", "),
    paste(sprintf('"%s": %.12g', rownames(co), co[, "df"]), collapse = ", "),
    ${study.analysis.reml ? 'REMLcrit(m)' : 'deviance(m)'}))${ordinalRefit(study)}
}
${pairwiseR(study)}`;
}

/** A multi-item scale's composite per rater and reply (the mean of its items, reverse-keyed items recoded), added to the ratings. */
function compositesR(study: Study): string {
  const multi = ratedScales(study).filter((s) => s.type === 'multi-item');
  if (multi.length === 0) return '';
  return multi
    .map((m) => {
      const items = m.items.map((i) => `"${itemScaleId(m, i.id)}"`).join(', ');
      const reverse = m.items.filter((i) => i.reverse).map((i) => `"${itemScaleId(m, i.id)}"`);
      return `# ${m.id}: the mean of its items${reverse.length ? `, ${reverse.join(', ')} reverse-keyed (${m.points} + 1 - answer)` : ''}, per rater and reply.
items <- ratings[ratings$scale %in% c(${items}), ]
${reverse.length ? `items$value <- ifelse(items$scale %in% c(${reverse.join(', ')}), ${m.points + 1} - items$value, items$value)
` : ''}complete <- aggregate(value ~ rater + response, data = items, FUN = length)
complete <- complete[complete$value == ${m.items.length}, c("rater", "response")]
composite <- aggregate(value ~ rater + post + domain + source + response + excluded, data = merge(items, complete), FUN = mean)
composite$scale <- "${m.id}"
ratings <- rbind(ratings, composite[, names(ratings)])
`;
    })
    .join('');
}

/** With a pairwise scale: the Bradley-Terry model with a position effect, as glm on the paired design. */
function pairwiseR(study: Study): string {
  const pw = pairwiseScale(study);
  if (!pw) return '';
  const reference = study.analysis.reference_source;
  return `
# Pairwise choices (${pw.id}): Bradley-Terry with a position effect, glm on the paired design
# (+1 for the left reply's source, -1 for the right's; the intercept is the position effect).
# empathy-lab reports two-way cluster-robust SEs (rater and post): sandwich::vcovCL gives them.
choices <- read.csv(file.path(here, "choices.csv"), stringsAsFactors = FALSE)
if (!keep_excluded) choices <- choices[!as.logical(choices$excluded), ]
choices$y <- as.integer(choices$value < 0)
others <- setdiff(sort(unique(c(choices$left_source, choices$right_source))), "${reference}")
for (x in others) choices[[make.names(x)]] <- (choices$left_source == x) - (choices$right_source == x)
bt <- glm(reformulate(make.names(others), "y"), family = binomial, data = choices)
v <- if (requireNamespace("sandwich", quietly = TRUE)) sandwich::vcovCL(bt, cluster = ~ rater + post, type = "HC0", cadjust = TRUE) else vcov(bt)
cat(sprintf('{"scale": "${pw.id}", "model": "bradley-terry", "coef": {%s}, "se": {%s}}\n',
  paste(sprintf('"%s": %.12g', names(coef(bt)), coef(bt)), collapse = ", "),
  paste(sprintf('"%s": %.12g', names(coef(bt)), sqrt(diag(v))), collapse = ", ")))
`;
}

/** With clmm among the analysis models: the same loop refits the ordinal model with ordinal::clmm. */
function ordinalRefit(study: Study): string {
  if (!study.analysis.models.includes('clmm')) return '';
  const f = ordinalFormula(study.analysis.formula);
  if ('error' in f) return `\n  # The ordinal model is not refitted: ${f.error}.`;
  const { link, thresholds } = study.analysis.clmm;
  return `
  # The ordinal model beside it on the Likert scales (analysis.models has clmm)${f.note ? `; ${f.note}` : ''}.
  if (s %in% c(${ratedScales(study).flatMap((x) => (x.type === 'likert' ? [`"${x.id}"`] : [])).join(', ')})) {
    m2 <- ordinal::clmm(${f.formula}, data = d, link = "${link}", threshold = "${thresholds}")
    cat(sprintf('{"scale": "%s", "model": "clmm", "beta": {%s}, "se": {%s}, "logLik": %.10g}\\n', s,
      paste(sprintf('"%s": %.12g', names(m2$beta), m2$beta), collapse = ", "),
      paste(sprintf('"%s": %.12g', names(m2$beta), summary(m2)$coefficients[names(m2$beta), "Std. Error"]), collapse = ", "),
      as.numeric(logLik(m2))))
  }`;
}

export function registerExport(program: Command, output: Output): void {
  program
    .command('export')
    .summary(SUMMARIES.export)
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--out <dir>', 'the folder to write (default: export/ in the study folder)')
    .option('--with-text', 'a field study: also write the seekers\' posts, the drafts and the replies (personal data; left out by default)')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab export my-study --out my-study/export && Rscript my-study/export/refit.R\n  $ empathy-lab export my-field-study            # no free text\n  $ empathy-lab export my-field-study --with-text')
    .action(async (dir: string, o: StudyOptions & { out?: string; withText?: boolean }) => {
      await withStudy(dir, o, async ({ loaded, store, row }) => {
        const out = o.out ?? path.join(loaded.dir, 'export');
        await mkdir(out, { recursive: true });
        const db = store.db;
        if (loaded.study.field) return exportField(loaded.study, db, row.id, out, o.withText === true, output, dir);
        if (o.withText) throw new UserError('--with-text is for field studies', '--with-text', 'a rating study\'s export always has its posts and replies');
        const { posts, responses, participants } = await exportTables(db, row.id);
        const ratings = await ratingsForAnalysis(db, row.id);
        const choices = pairwiseScale(loaded.study) ? await choicesForAnalysis(db, row.id) : [];
        const exclusions = await storedExclusions(db, loaded.study, row.id, { ratings, choices });
        const why = new Map<string, string[]>();
        for (const e of exclusions) e.raters.forEach((r, i) => (why.get(r) ?? why.set(r, []).get(r))?.push(`${e.rule} (${e.reasons[i]})`));
        if (posts.length === 0) throw new UserError('the study is empty', dir, 'import a corpus first');
        const tables: Array<[string, ReadonlyArray<Record<string, string | number | null>>]> = [
          ['posts', posts],
          ['responses', responses],
          ['participants', participants.map((p) => ({ ...p, excluded: why.has(p.rater) ? 'true' : 'false', exclusion_reasons: (why.get(p.rater) ?? []).join('; ') }))],
          ['ratings', ratings.map((r) => ({ rater: r.rater, post: r.post, domain: r.domain, source: armLabel(r.source, r.condition), response: r.response, scale: r.scale, value: r.value, excluded: why.has(r.rater) ? 'true' : 'false' }))],
          ...(pairwiseScale(loaded.study)
            ? [
                [
                  'choices',
                  choices.map((c) => ({
                    rater: c.rater,
                    post: c.post,
                    domain: c.domain,
                    scale: c.scale,
                    left: c.left,
                    left_source: armLabel(c.leftSource, c.leftCondition),
                    right: c.right,
                    right_source: armLabel(c.rightSource, c.rightCondition),
                    value: c.value,
                    chosen: c.value < 0 ? 'left' : 'right',
                    strength: Math.abs(c.value) === 2 ? 'clearly' : pairwiseScale(loaded.study)?.strength ? 'slightly' : '',
                    excluded: why.has(c.rater) ? 'true' : 'false',
                  })),
                ] as [string, ReadonlyArray<Record<string, string | number | null>>],
              ]
            : []),
        ];
        for (const [name, rows] of tables) {
          const columns = rows.length > 0 ? Object.keys(rows[0] as object) : [];
          await writeFile(path.join(out, `${name}.csv`), toCsv(columns, rows));
          await writeFile(path.join(out, `${name}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
        }
        // Prolific's bulk approve / reject / return, from the same exclusions.
        const prolific = prolificDecisions(
          (await prolificParticipants(db, row.id)).map((p) => ({ ...p, ended: attributesOf(p.attributes_json).ended as string | undefined })),
          exclusions,
          Boolean(loaded.study.recruitment.prolific?.screened_out_code),
        );
        if (prolific.length > 0) await writeFile(path.join(out, 'prolific.csv'), toCsv(['participant_id', 'session_id', 'status', 'code', 'decision', 'reason'], prolific.map((r) => ({ ...r }))));
        await writeFile(path.join(out, 'refit.R'), refitScript(loaded.study));
        const entries = codebook(loaded.study);
        await writeFile(path.join(out, 'codebook.csv'), toCsv(CODEBOOK_COLUMNS, entries.map((x) => ({ ...x }))));
        await writeFile(path.join(out, 'codebook.md'), codebookMarkdown(loaded.study, entries));
        await writeFile(path.join(out, 'dataset_description.json'), `${JSON.stringify(datasetDescription(loaded.study, entries), null, 2)}\n`);
        output.out(
          `wrote ${tables.map(([n, r]) => `${n} (${r.length})`).join(', ')} as CSV and JSONL,${prolific.length ? ` prolific.csv (${prolific.length} submissions),` : ''} refit.R, codebook.csv, codebook.md and dataset_description.json (Psych-DS), to ${out}`,
        );
      }, { field: true });
    });
}

/** R commands that refit a field study's models from the exported field-posts.csv. */
function fieldRefitScript(study: Study): string {
  const f = study.field as NonNullable<Study['field']>;
  const outcome = f.outcome ?? (f.measures[0] as { id: string }).id;
  return `# Refits the field study's models from field-posts.csv (empathy-lab export), as empathy-lab analyze fits them.
#   Rscript refit.R   (needs lme4, lmerTest and emmeans)
suppressPackageStartupMessages({ library(lmerTest); library(emmeans) })
d <- read.csv("field-posts.csv", stringsAsFactors = FALSE)
d <- d[d$arm != "" & !is.na(d$post_${outcome}), ]
d$arm <- factor(d$arm, levels = c(${f.arms.map((a) => `"${a}"`).join(', ')}))
# Model-arm replies have no supporter: they share one level.
d$supporter[d$supporter == ""] <- "model"
m <- lmer(post_${outcome} ~ arm + pre_${outcome} + (1 | supporter), data = d, REML = TRUE)
print(summary(m))
e <- emmeans(m, ~ arm, lmer.df = "satterthwaite")
print(e)
print(summary(pairs(e), adjust = "holm"))
print(confint(pairs(e), adjust = "bonferroni"))
# One line per contrast, for comparing with analysis.json (field.measures[0].model.contrasts).
p <- as.data.frame(summary(pairs(e), adjust = "holm"))
for (i in seq_len(nrow(p))) cat(sprintf('{"measure": "${outcome}", "contrast": "%s", "estimate": %.12g, "se": %.12g, "df": %.12g, "p": %.12g}\\n', p$contrast[i], p$estimate[i], p$SE[i], p$df[i], p$p.value[i]))
${study.instrument.scales.map((s) => `print(summary(pairs(emmeans(lmer(rating_${s.id} ~ arm + (1 | supporter), data = d[!is.na(d$rating_${s.id}), ], REML = TRUE), ~ arm, lmer.df = "satterthwaite")), adjust = "holm"))`).join('\n')}
`;
}

async function exportField(study: Study, db: Db, studyId: string, out: string, withText: boolean, output: Output, dir: string): Promise<void> {
  const data = await fieldData(db, studyId);
  if (data.posts.length === 0) throw new UserError('the field study has no posts yet', dir, 'serve it and recruit seekers, or try it with empathy-lab simulate');
  const { rows, columns } = fieldPostRows(data, withText);
  const tables: Array<[string, readonly string[], ReadonlyArray<Record<string, unknown>>]> = [
    ['field-posts', columns, rows],
    ['field-measures', ['post', 'phase', 'item', 'value', 'created_at'], data.measures.map((m) => ({ post: m.post_id, phase: m.phase, item: m.item, value: m.value, created_at: m.created_at }))],
    // A supporter's flag reason is their own words about a seeker: free text, left out unless asked.
    ['field-safety', ['post', 'rule', 'kind', 'detail', 'created_at', 'seen_at'], data.safety.map((x) => ({ post: x.post_id, rule: x.rule, kind: x.kind, detail: x.rule === 'supporter' && !withText ? '' : x.detail, created_at: x.created_at, seen_at: x.seen_at }))],
  ];
  for (const [name, cols, rs] of tables) {
    await writeFile(path.join(out, `${name}.csv`), toCsv(cols, rs.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] as string | number | null])))));
    await writeFile(path.join(out, `${name}.jsonl`), rs.map((r) => JSON.stringify(r)).join('\n') + (rs.length ? '\n' : ''));
  }
  await writeFile(path.join(out, 'refit.R'), fieldRefitScript(study));
  if (withText) {
    // The answered posts and their replies as a rating study's corpus, so readers can rate the same
    // replies (the source is the arm); the rating study's ratings.csv goes back in as field.readers.
    const replies = new Map(data.replies.map((r) => [r.post_id, r]));
    const answered = data.posts.filter((p) => replies.has(p.id));
    await mkdir(path.join(out, 'reader-corpus'), { recursive: true });
    await writeFile(path.join(out, 'reader-corpus', 'posts.csv'), toCsv(['post_id', 'domain', 'text'], answered.map((p) => ({ post_id: p.id, domain: p.domain, text: p.text }))));
    await writeFile(path.join(out, 'reader-corpus', 'replies.csv'), toCsv(['post_id', 'source', 'text'], answered.map((p) => ({ post_id: p.id, source: replies.get(p.id)?.arm ?? '', text: replies.get(p.id)?.text ?? '' }))));
  }
  output.out(`wrote ${out}: field-posts, field-measures, field-safety (.csv and .jsonl) and refit.R; ${withText ? 'with the posts, drafts and replies (personal data: keep it safe), and reader-corpus/ (posts.csv, replies.csv) for a rating study of the same replies' : 'no free text (add --with-text for the posts, drafts and replies)'}`);
}
