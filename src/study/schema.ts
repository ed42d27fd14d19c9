/**
 * The study manifest (`study.yaml`): one zod schema is the source of the TypeScript types, the
 * defaults, the validation messages and the published JSON Schema (`empathy-lab schema`).
 *
 * Every object is strict: an unknown key is an error, because a typo such as `tempreature` must not
 * be silently ignored. Defaults reproduce Lee, Suh, Zhan, Li & Ong (2024), arXiv 2403.18148.
 */
import { z } from 'zod';
import { ADJUSTMENTS } from '../stats/adjustments.js';
import { StatsInputError } from '../stats/errors.js';
import { formulaVariables, parseFormula } from '../stats/formula.js';
import { TEXT_KEYS } from './participant-text.js';

/** A number in [min, max] whose every failure says the range, e.g. "expected a number from 0 to 2". */
function numberIn(min: number, max: number, integer = false) {
  const what = integer ? 'a whole number' : 'a number';
  const msg = `expected ${what} from ${min} to ${max}`;
  const base = z.number({ error: msg });
  return (integer ? base.int({ error: msg }) : base).min(min, { error: msg }).max(max, { error: msg });
}

const positiveInt = (what: string) =>
  z.number({ error: `expected ${what} (a whole number of at least 1)` }).int().min(1, {
    error: `expected ${what} (a whole number of at least 1)`,
  });

/** Identifiers used in column names, URLs and formulas: lower-case letters, digits, `_` and `-`. */
const id = z
  .string({ error: 'expected an identifier' })
  .regex(/^[a-z][a-z0-9_-]*$/, {
    error: 'expected an identifier: lower-case letters, digits, "_" or "-", starting with a letter',
  });

const relPath = z.string({ error: 'expected a file path relative to the study folder' }).min(1);

// ---------------------------------------------------------------- corpus

/** How a corpus file is read, for files made by survey tools and spreadsheets (each detected when not set). */
const fileReading = {
  format: z.enum(['csv', 'jsonl']).optional(),
  /** `,`, `;` or a tab (also `comma`, `semicolon`, `tab`); detected from the header line when not set. */
  delimiter: z
    .enum([',', ';', '\t', 'comma', 'semicolon', 'tab'], { error: 'expected a delimiter: ",", ";", "\\t" (or comma, semicolon, tab)' })
    .transform((d) => ({ comma: ',', semicolon: ';', tab: '\t' })[d as 'comma'] ?? d)
    .pipe(z.enum([',', ';', '\t']))
    .optional(),
  /** utf-8, utf-16 or windows-1252; detected (a UTF-16 byte-order mark, else UTF-8, else Windows-1252) when not set. */
  encoding: z.enum(['utf-8', 'utf-16', 'windows-1252']).optional(),
  /** Rows under the header to skip (a survey tool's extra header rows); Qualtrics' two are detected. */
  skip_rows: z.number().int().min(0).optional(),
  /** Labels as the file writes them, mapped to the manifest's ids: `{ COVID-19: covid, gpt_base: gpt4, emp: empathy }`. */
  aliases: z.record(z.string(), z.string()).default({}),
  /** Prefixed to every post id the file names (and to the ratings that refer to them), so two studies' "1" stay apart. */
  id_prefix: z.string().optional(),
  /** Allow text cells longer than `lint.max_chars`. */
  allow_long_cells: z.boolean().default(false),
};

const postColumns = z.strictObject({
  id: z.string().default('post_id'),
  domain: z.string().default('domain'),
  text: z.string().default('text'),
  title: z.string().optional(),
});

export const postsFileSchema = z.strictObject({
  file: relPath,
  ...fileReading,
  columns: postColumns.default({ id: 'post_id', domain: 'domain', text: 'text' }),
  /** Further columns kept as post metadata. */
  metadata: z.array(z.string()).default([]),
});

export const repliesFileSchema = z.strictObject({
  file: relPath,
  ...fileReading,
  /** `long`: one row per reply; `wide`: one row per post, one column per source. */
  layout: z.enum(['long', 'wide']).default('long'),
  columns: z
    .strictObject({
      post: z.string().default('post_id'),
      text: z.string().default('text'),
      source: z.string().optional(),
      author: z.string().optional(),
      /** Wide files that carry their posts (`post_id, domain, seeker_post, human, ...`). */
      post_text: z.string().optional(),
      domain: z.string().optional(),
    })
    .default({ post: 'post_id', text: 'text' }),
  /** Long layout without a source column: every reply belongs to this source. */
  source: id.default('human'),
  /** Wide layout: the columns that hold replies, each imported as the source of the same name (or its alias). */
  sources: z.array(z.string()).optional(),
  /** Wide layout: columns that are neither replies nor mapped (an index, a note); any other unmapped column is an error. */
  ignore_columns: z.array(z.string()).default([]),
});

export const ratingsFileSchema = z.strictObject({
  file: relPath,
  ...fileReading,
  layout: z.enum(['long', 'wide']).default('long'),
  columns: z
    .strictObject({
      rater: z.string().default('rater'),
      post: z.string().default('post'),
      source: z.string().default('source'),
      /** The column naming each row's scale; default: a column named `scale` when the file has one. */
      scale: z.string().optional(),
      value: z.string().default('value'),
      /** Several scales in one row: value columns mapped to scales, e.g. `{ app: appropriateness, emp: empathy }`. */
      values: z.record(z.string(), z.string()).optional(),
      domain: z.string().optional(),
      /** The column naming each rater's panel (crowd, experts). */
      panel: z.string().optional(),
    })
    .default({ rater: 'rater', post: 'post', source: 'source', value: 'value' }),
  /** Long layout without a scale column: every value is on this scale. */
  scale: id.optional(),
  /** Every rater of the file belongs to this panel (instead of a panel column). */
  panel: id.optional(),
  /** Wide layout: a regular expression with named groups `post`, `source` and `scale`. */
  pattern: z.string().optional(),
  /**
   * Ratings of a study run elsewhere may name posts and replies that were never imported: create
   * empty placeholder posts and responses for them instead of failing.
   */
  create_missing: z.boolean().default(false),
});

/** A participant file (Prolific's demographic export, a survey's questionnaire), joined by id onto the study's raters. */
export const ratersFileSchema = z.strictObject({
  file: relPath,
  ...fileReading,
  columns: z.strictObject({ rater: z.string().default('Participant id') }).default({ rater: 'Participant id' }),
  /** The columns to keep as attributes (default: every other column). */
  keep: z.array(z.string()).optional(),
});

const corpus = z.strictObject({
  posts: postsFileSchema.optional(),
  replies: z.array(repliesFileSchema).default([]),
  ratings: z.array(ratingsFileSchema).default([]),
  raters: z.array(ratersFileSchema).default([]),
});

// ---------------------------------------------------------------- sources

const params = z.strictObject({
  temperature: numberIn(0, 2).default(0.1),
  top_p: numberIn(0, 1).default(0.9),
  max_tokens: positiveInt('max_tokens').default(512),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
});

const condition = z.strictObject({
  id,
  /** Prompt file (front matter-free Markdown with `## system` and `## user` parts). */
  prompt: relPath,
  /**
   * One call may draft several labelled replies (the reference study's very-low / very-high
   * empathy prompt); each label becomes its own condition `<id>-<label>`.
   */
  split: z
    .strictObject({
      labels: z.array(id).min(2),
      /** A regex with a `label` group that starts each part; default: a line `LABEL:`. */
      marker: z.string().optional(),
    })
    .optional(),
});

const corpusSource = z.strictObject({
  id,
  kind: z.literal('corpus'),
  label: z.string().optional(),
  /** Replies a model wrote elsewhere (a published study's GPT-4 replies): the model's name, for the report. */
  model: z.string().min(1).optional(),
});

const modelSource = z.strictObject({
  id,
  kind: z.literal('model'),
  label: z.string().optional(),
  provider: z.enum(['openai', 'anthropic', 'replay', 'eliza']),
  model: z.string().min(1),
  /** Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio, Together, Azure). */
  endpoint: z.url().optional(),
  /** Name of the environment variable holding the API key (the key itself never goes in a file). */
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name' }).optional(),
  /** Replay provider: a JSONL file of recorded replies. */
  file: relPath.optional(),
  params: params.default({ temperature: 0.1, top_p: 0.9, max_tokens: 512 }),
  conditions: z.array(condition).min(1).default([{ id: 'base', prompt: 'prompts/base.md' }]),
  samples: positiveInt('samples').default(1),
  concurrency: positiveInt('concurrency').default(4),
  requests_per_minute: positiveInt('requests_per_minute').optional(),
  tokens_per_minute: positiveInt('tokens_per_minute').optional(),
  timeout_seconds: numberIn(1, 3600).default(120),
});

/** Style transforms of a variant arm, applied in order (see generate/transforms.ts). */
export const STYLE_TRANSFORMS = ['no-emoji', 'no-exclamation', 'add-emoji', 'add-exclamation', 'formal', 'casual'] as const;
const styleTransform = z.string().refine((t) => (STYLE_TRANSFORMS as readonly string[]).includes(t) || /^truncate-[1-9][0-9]*$/.test(t), {
  error: `expected a transform: ${STYLE_TRANSFORMS.join(', ')} or truncate-N (N words)`,
});

/**
 * An arm derived from another source's replies, e.g. `{ id: llama-plain, kind: variant, of: llama,
 * transforms: [no-emoji, no-exclamation] }`: each parent reply gets one derived reply, linked to it,
 * rated like any source (never by a rater who sees its parent).
 */
const variantSource = z.strictObject({
  id,
  kind: z.literal('variant'),
  label: z.string().optional(),
  /** The source whose replies are transformed (a corpus or model source, not another variant). */
  of: id,
  transforms: z.array(styleTransform).min(1),
  /** For `formal` and `casual`: the model source whose provider, model and parameters rewrite, and the prompt file ({{reply}}). */
  rewrite: z.strictObject({ with: id, prompt: relPath }).optional(),
  /** A model rewrite must keep the parent's content: the share of its content words kept, and the length ratio. */
  content_check: z
    .strictObject({
      min_similarity: numberIn(0, 1).default(0.5),
      length_ratio: z.tuple([z.number().positive(), z.number().positive()]).default([0.67, 1.5]),
    })
    .default({ min_similarity: 0.5, length_ratio: [0.67, 1.5] }),
  /** Rate derived replies that failed the content check too (they are flagged either way). */
  allow_failed_checks: z.boolean().default(false),
});

const source = z.discriminatedUnion('kind', [corpusSource, modelSource, variantSource], {
  error: 'expected a source with kind "corpus", "model" or "variant"',
});

/**
 * An automatic rater (`empathy-lab judge`): a provider and model with a rubric, or the offline
 * `lexicon` baseline. The judge sees the post and the reply only, never the source.
 */
const judge = z.strictObject({
  id,
  provider: z.enum(['openai', 'anthropic', 'lexicon']),
  /** Required for openai and anthropic. */
  model: z.string().min(1).optional(),
  endpoint: z.url().optional(),
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name' }).optional(),
  params: params.default({ temperature: 0, top_p: 1, max_tokens: 400 }),
  /** `scales`: the study's own scales, as the raters saw them; `epitome`: the three EPITOME dimensions; or a rubric file (YAML) in the study folder. */
  rubric: z.union([z.literal('scales'), z.literal('epitome'), relPath]).default('scales'),
  /** Scores per reply; more than one measures the judge's test-retest reliability. */
  samples: positiveInt('samples').default(1),
  /** How a reply's samples become its score. */
  reduce: z.enum(['median', 'mean']).default('median'),
  concurrency: positiveInt('concurrency').default(4),
  requests_per_minute: positiveInt('requests_per_minute').optional(),
  tokens_per_minute: positiveInt('tokens_per_minute').optional(),
  timeout_seconds: numberIn(1, 3600).default(120),
});

const price = z.strictObject({
  input_per_mtok: z.number().min(0),
  output_per_mtok: z.number().min(0),
});

const generation = z.strictObject({
  min_words: positiveInt('min_words').default(100),
  max_words: positiveInt('max_words').default(150),
  /** Blinding clean-up of every generated reply: Markdown, AI self-disclosure, sign-offs (logged). */
  blind: z.boolean().default(true),
});

// ---------------------------------------------------------------- instrument

/** A Likert item: one radio button per point (the reference study's two 5-point scales). */
const likertScale = z
  .strictObject({
    id,
    type: z.literal('likert').default('likert'),
    question: z.string().min(1),
    points: numberIn(2, 101, true).default(5),
    /** One label per point, lowest first. */
    anchors: z.array(z.string()).optional(),
  })
  .refine((s) => !s.anchors || s.anchors.length === s.points, {
    error: 'anchors must have one label per point',
    path: ['anchors'],
  });

/** A 0-100 visual analogue slider with no default position: the thumb appears at the first touch or key. */
const sliderScale = z.strictObject({
  id,
  type: z.literal('slider'),
  question: z.string().min(1),
  /** The labels at the two ends, lowest first, e.g. [not empathic at all, extremely empathic]. */
  anchors: z.tuple([z.string().min(1), z.string().min(1)], { error: 'a slider takes two anchors: the label at 0 and the label at 100' }),
});

/** Several Likert items that form one construct; the composite is their mean (reverse-keyed items flipped). */
const multiItemScale = z.strictObject({
  id,
  type: z.literal('multi-item'),
  /** The stem shown above the items, e.g. "How much do you agree with each statement about this reply?" */
  question: z.string().min(1),
  points: numberIn(2, 11, true).default(5),
  /** One label per point, lowest first, shared by every item. */
  anchors: z.array(z.string()).optional(),
  items: z
    .array(
      z.strictObject({
        id,
        text: z.string().min(1),
        /** A reverse-keyed item ("The reply felt cold"): scored points + 1 - answer in the composite. */
        reverse: z.boolean().default(false),
      }),
    )
    .min(2, { error: 'a multi-item scale needs at least two items' }),
});

/** Two replies to the same post side by side: which is more empathic (optionally how much). */
const pairwiseScale = z.strictObject({
  id,
  type: z.literal('pairwise'),
  question: z.string().min(1).default('Which reply is more empathic?'),
  /** Also ask how much: slightly or clearly (a 4-point preference instead of a choice of two). */
  strength: z.boolean().default(false),
});

const scale = z
  .discriminatedUnion('type', [likertScale, sliderScale, multiItemScale, pairwiseScale], { error: 'expected a scale type: likert, slider, multi-item or pairwise' })
  .superRefine((s, ctx) => {
    if (s.type === 'multi-item') {
      if (s.anchors && s.anchors.length !== s.points) ctx.addIssue({ code: 'custom', path: ['anchors'], message: 'anchors must have one label per point' });
      const ids = new Set<string>();
      s.items.forEach((item, i) => {
        if (ids.has(item.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate item id "${item.id}"` });
        ids.add(item.id);
      });
    }
  });

const attentionCheck = z.strictObject({
  id,
  /** The instructed-response item, e.g. "To show you are reading, choose 'Slightly agree'." */
  text: z.string().min(1),
  /** The options to choose from; a pairwise check offers its two replies instead. */
  options: z.array(z.string()).min(2).optional(),
  /** The right option; for a pairwise check, `left` or `right`. */
  answer: z.string(),
  /** A pairwise check: two replies side by side, one of them plainly the answer (e.g. one says "choose this reply"). */
  pair: z.strictObject({ left: z.string().min(1), right: z.string().min(1) }).optional(),
  /** Shown after this many rated responses. */
  after: z.number().int().min(0),
});

const demographic = z.strictObject({
  id,
  question: z.string().min(1),
  type: z.enum(['number', 'choice', 'text']),
  options: z.array(z.string()).optional(),
  required: z.boolean().default(false),
});

const instrument = z.strictObject({
  /** What participants see as the study's name (never the manifest's title, which may name the sources). */
  title: z.string().default('Rating replies to people who asked for support'),
  scales: z.array(scale).min(1),
  /** The consent text (Markdown); default: a template naming purpose, duration, payment, data, withdrawal, contact. */
  consent: z.string().optional(),
  /** The consent text from a Markdown file (instead of `consent`). */
  consent_file: relPath.optional(),
  instructions: z.string().optional(),
  instructions_file: relPath.optional(),
  /** Who participants can contact about the study (named in the default consent text). */
  contact: z.string().optional(),
  /** Overrides of the app's fixed strings, e.g. for a study in another language (keys: see the README). */
  text: z.partialRecord(z.enum(TEXT_KEYS, { error: 'not a text key of the rating app (see the README, "Participant text")' }), z.string()).default({}),
  comprehension: z
    .strictObject({
      question: z.string(),
      options: z.array(z.string()).min(2),
      answer: z.string(),
      attempts: numberIn(1, 5, true).default(2),
    })
    .optional(),
  attention_checks: z.array(attentionCheck).default([]),
  demographics: z.array(demographic).default([]),
  free_text: z.boolean().default(false),
});

// ---------------------------------------------------------------- design, recruitment, exclusions, analysis

const design = z.strictObject({
  /**
   * `within-post`: every response to each post (the reference design); `one-per-post`: one each;
   * `field`: seekers post, supporters answer in randomised arms, seekers rate (the `field` block).
   */
  type: z.enum(['within-post', 'one-per-post', 'field'], { error: 'expected a design type: within-post, one-per-post or field' }).default('within-post'),
  posts_per_rater: positiveInt('posts_per_rater').default(10),
  target_ratings_per_response: positiveInt('target_ratings_per_response').default(5),
  /** An assignment not finished in this time is reclaimed for the next participant. */
  expiry_minutes: positiveInt('expiry_minutes').default(60),
  /** A consented participant who submits no page for this long gives their places back (and times out). */
  idle_minutes: positiveInt('idle_minutes').default(15),
  seed: z.number().int().default(1),
});

const prolificCode = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a Prolific code: letters, digits, "_" or "-"' });

/**
 * A panel of raters: `crowd` from Prolific, `experts` by a private link. Each fills every reply to
 * its own target, with its own consent text, completion code and screening questions.
 */
const panel = z.strictObject({
  id,
  label: z.string().optional(),
  /** `prolific`: Prolific's link with `&panel=ID`; `link`: a private link `/?panel=ID&token=...`. */
  entry: z.enum(['prolific', 'link']),
  /** A link panel's token, shared by every invitee (at least 12 characters). */
  token: z.string().min(12, { error: 'a shared token needs at least 12 characters' }).optional(),
  /** A link panel's tokens, one per invitee, one per line of this file: each takes one session. */
  tokens_file: relPath.optional(),
  /** The panel's consent text (Markdown), instead of the instrument's. */
  consent: z.string().optional(),
  /** The panel's completion code (a Prolific code, or the code a link panel's invitees report). */
  completion_code: prolificCode.optional(),
  /** Ratings per reply this panel collects (default: the design's target_ratings_per_response). */
  target_ratings_per_response: positiveInt('target_ratings_per_response').optional(),
  /** Screening questions asked with the demographics (profession, years of experience). */
  screening: z.array(demographic).default([]),
});

const recruitment = z
  .strictObject({
    /** Named panels of raters (see the README, "Running an expert panel"); none: one pool. */
    panels: z.array(panel).default([]),
    /**
     * Whether the app also takes participants without Prolific parameters (the plain link). Default:
     * false when `prolific` is set (a plain link would hand out the completion code), true otherwise.
     */
    allow_anonymous: z.boolean().optional(),
    prolific: z
      .strictObject({
        /** The study's id on Prolific: arrivals with another STUDY_ID are refused. */
        study_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected the Prolific study id (letters and digits)' }).optional(),
        completion_code: prolificCode,
        /** Overrides the redirect of the completion code (default: Prolific's completion URL with the code). */
        completion_url: z.url().optional(),
        /** The code for participants screened out in-study (failed comprehension, after consent); Prolific asks researchers to pay them. */
        screened_out_code: prolificCode.optional(),
        /** The code for participants who decline consent. */
        no_consent_code: prolificCode.optional(),
      })
      .optional(),
  })
  .transform((r) => ({ ...r, allow_anonymous: r.allow_anonymous ?? !r.prolific }));

const exclusions = z.strictObject({
  min_total_minutes: z.number().min(0).optional(),
  max_total_minutes: z.number().min(0).optional(),
  max_attention_failures: z.number().int().min(0).default(0),
  /** Exclude raters who give one value to every item of a scale; when false they are only flagged (the reference study did not apply this rule). */
  straight_lining: z.boolean().default(false),
  /** Leave out raters whose rating-app session did not finish (returned, timed out, screened out). */
  incomplete: z.boolean().default(true),
});

const analysis = z.strictObject({
  formula: z.string().default('value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)'),
  /** The baseline level of `source`; default: `human` when the study has it, else the first source. */
  reference_source: id.optional(),
  adjust: z.enum(ADJUSTMENTS).default('holm'),
  reml: z.boolean().default(true),
  /** The models fitted per scale: the linear mixed model, and the ordinal one beside it. */
  models: z
    .array(z.enum(['lmm', 'clmm'], { error: 'expected lmm or clmm' }))
    .min(1)
    .default(['lmm'])
    .refine((m) => m.includes('lmm'), { error: 'the linear model (lmm) is always fitted: write [lmm] or [lmm, clmm]' }),
  /** The ordinal model's link and thresholds (with clmm in models). */
  clmm: z.strictObject({ link: z.enum(['logit', 'probit']).default('logit'), thresholds: z.enum(['flexible', 'equidistant']).default('flexible') }).default({ link: 'logit', thresholds: 'flexible' }),
  /** What `plan` searches the raters for: the smallest difference worth detecting, in scale points. */
  power: z
    .strictObject({
      smallest_effect: z.number().positive({ error: 'expected a difference in scale points above 0, e.g. 0.2' }),
      /** The scale whose pilot ratings give the components (default: the instrument's first). */
      scale: id.optional(),
      target: numberIn(0, 1).default(0.8),
      alpha: numberIn(0, 1).default(0.05),
      simulations: positiveInt('simulations').default(200),
      /** Variance components (SDs) when the study has no pilot ratings to take them from. */
      components: z.strictObject({ sd_post: z.number().min(0), sd_rater: z.number().min(0), sd_post_rater: z.number().min(0).default(0), sd_residual: z.number().positive() }).optional(),
      /** The mean rating the planted difference starts from, without pilot ratings. */
      mean: z.number().optional(),
    })
    .optional(),
});

// ---------------------------------------------------------------- field study

/** The arms a field post can be randomised to: a supporter alone, a supporter editing a model's draft, the model alone. */
export const FIELD_ARMS = ['human', 'assisted', 'model'] as const;

/** A pre/post measure of the seeker's own state: a 0-100 slider or a Likert item. */
const fieldMeasure = z.discriminatedUnion('type', [likertScale, sliderScale], { error: 'expected a measure type: likert or slider' });

const crisisResource = z.strictObject({
  name: z.string().min(1),
  /** A phone number, a text line, or how to reach it. */
  contact: z.string().min(1),
  url: z.url().optional(),
  /** When it answers, e.g. "24/7". */
  hours: z.string().optional(),
});

/**
 * A field study (see the README, "Running a field study"): seekers write posts, supporters answer
 * them in randomised arms, and the seekers rate the reply and report how they feel before and after.
 */
const field = z.strictObject({
  /** The arms posts are randomised to, balanced by domain in permuted blocks (seed: design.seed). */
  arms: z.array(z.enum(FIELD_ARMS, { error: 'expected an arm: human, assisted or model' })).min(2, { error: 'a randomised study needs at least two arms, e.g. [human, assisted]' }),
  /** The model source that writes the drafts of the `assisted` arm (and the replies of the `model` arm). */
  draft_source: id.optional(),
  /** Replies sent without any person reading them first (the `model` arm): only where the ethics approval covers it. */
  unreviewed_model_replies: z.boolean().default(false),
  /** Posts per randomisation block, a multiple of the number of arms (default: twice the arms). */
  block_size: positiveInt('block_size').optional(),
  /** What seekers are told about when to expect a reply. */
  reply_within_hours: positiveInt('reply_within_hours').default(24),
  /** How long a supporter holds a post they opened before it goes back to the queue. */
  claim_minutes: positiveInt('claim_minutes').default(30),
  /** A follow-up of the measures this many days after the seeker rated the reply (none when absent). */
  follow_up_days: positiveInt('follow_up_days').optional(),
  /** The seeker's own state, asked before posting, after reading the reply and at the follow-up. */
  measures: z.array(fieldMeasure).min(1, { error: 'give at least one measure, e.g. { id: feeling, type: slider, ... }' }),
  /** The primary outcome: one of the measures (default: the first). */
  outcome: id.optional(),
  seekers: z
    .strictObject({
      /** What the writing page asks for. */
      prompt: z.string().min(1).default('Write about an everyday difficulty you are facing now, as you would to someone you trust.'),
      min_words: z.number().int().min(1).default(20),
    })
    .default({ prompt: 'Write about an everyday difficulty you are facing now, as you would to someone you trust.', min_words: 20 }),
  supporters: z.strictObject({
    /** One token per supporter, one per line: each supporter's link is /supporter?token=TOKEN. */
    tokens_file: relPath,
    /** What supporters read before the queue (Markdown). */
    briefing: z.string().optional(),
    /** Replies shorter than this are not sent. */
    min_words: z.number().int().min(1).default(10),
  }),
  screening: z
    .strictObject({
      /** Phrases added to the built-in risk list, each with what it signals. */
      phrases: z.array(z.strictObject({ kind: z.enum(['self_harm', 'harm_to_others', 'danger_from_others']), phrase: z.string().min(2) })).default([]),
      /** Use only `phrases`, not the built-in list (for a study in another language). */
      replace_builtin: z.boolean().default(false),
      /**
       * A model screen after the phrases: the model source asked with the prompt file (`{{post}}`, the
       * redacted post) must answer RISK or SAFE first; RISK screens the post out like a phrase.
       */
      model: z.strictObject({ source: id, prompt: relPath }).optional(),
    })
    .default({ phrases: [], replace_builtin: false }),
  /**
   * Readers' ratings of the same replies (a rating study run on them): the `ratings.csv` its export
   * writes (columns post, scale, value; rows with excluded = true are left out). The report compares
   * them with the seekers' own ratings on the scales both have.
   */
  readers: z.strictObject({ ratings: relPath }).optional(),
  /** Crisis resources by country (ISO 3166 alpha-2, e.g. GB, US) and `default` for everyone else. */
  crisis_resources: z
    .record(z.string(), z.array(crisisResource).min(1, { error: 'give at least one resource' }))
    .refine((r) => r.default !== undefined, { error: 'give crisis_resources.default: the resources shown to seekers from any other country' }),
});

const lint = z.strictObject({
  min_words: z.number().int().min(0).default(50),
  max_words: z.number().int().min(1).default(400),
  /** Posts whose word-shingle Jaccard similarity reaches this are near duplicates. */
  near_duplicate: numberIn(0, 1).default(0.8),
  /** A post this short that ends in a question mark is "only a question". */
  question_max_words: z.number().int().min(0).default(25),
  /** Text cells longer than this are flagged by lint and refused by import (unless a corpus entry has `allow_long_cells`). */
  max_chars: z.number().int().min(1).default(20_000),
});

const studyObject = z.strictObject({
    $schema: z.string().optional(),
    name: id,
    title: z.string().optional(),
    description: z.string().optional(),
    /** Domain ids, each optionally with the label the data and the report use: `[anger, { id: covid, label: COVID-19 }]`. */
    domains: z
      .array(z.union([id, z.strictObject({ id, label: z.string().min(1) })], { error: 'expected a domain id (lower-case letters, digits, "_" or "-", starting with a letter) or { id, label }, e.g. { id: covid, label: COVID-19 }' }))
      .min(1),
    corpus: corpus.default({ replies: [], ratings: [], raters: [] }),
    sources: z.array(source).min(1),
    prices: z.record(z.string(), price).default({}),
    judges: z.array(judge).default([]),
    generation: generation.default({ min_words: 100, max_words: 150, blind: true }),
    instrument,
    design: design.default({
      type: 'within-post',
      posts_per_rater: 10,
      target_ratings_per_response: 5,
      expiry_minutes: 60,
      idle_minutes: 15,
      seed: 1,
    }),
    recruitment: recruitment.default({ allow_anonymous: true, panels: [] }),
    exclusions: exclusions.default({ max_attention_failures: 0, straight_lining: false, incomplete: true }),
    analysis: analysis.default({
      formula: 'value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)',
      adjust: 'holm',
      reml: true,
      models: ['lmm'],
      clmm: { link: 'logit', thresholds: 'flexible' },
    }),
    lint: lint.default({ min_words: 50, max_words: 400, near_duplicate: 0.8, question_max_words: 25, max_chars: 20_000 }),
    field: field.optional(),
  });

export const studySchema = studyObject
  .superRefine((study, ctx) => {
    const domains = new Set<string>();
    study.domains.forEach((d, i) => {
      const key = typeof d === 'string' ? d : d.id;
      if (domains.has(key)) ctx.addIssue({ code: 'custom', path: ['domains', i], message: `duplicate domain "${key}"` });
      domains.add(key);
    });
    const ids = new Set<string>();
    study.sources.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
      ids.add(s.id);
    });
    study.sources.forEach((s, i) => {
      if (s.kind !== 'variant') return;
      const parent = study.sources.find((x) => x.id === s.of);
      if (!parent) ctx.addIssue({ code: 'custom', path: ['sources', i, 'of'], message: `"${s.of}" is not a source of this study; use one of ${study.sources.filter((x) => x.kind !== 'variant').map((x) => x.id).join(', ')}` });
      else if (parent.kind === 'variant') ctx.addIssue({ code: 'custom', path: ['sources', i, 'of'], message: `"${s.of}" is itself a variant; derive from its parent "${parent.of}" with both transforms` });
      const rewrites = s.transforms.filter((t) => t === 'formal' || t === 'casual');
      if (rewrites.length > 0 && !s.rewrite) ctx.addIssue({ code: 'custom', path: ['sources', i, 'rewrite'], message: `${rewrites.join(' and ')} ${rewrites.length === 1 ? 'needs' : 'need'} a model: add rewrite: { with: <a model source>, prompt: prompts/${rewrites[0]}.md }` });
      if (s.rewrite) {
        const model = study.sources.find((x) => x.id === s.rewrite?.with);
        if (model?.kind !== 'model') ctx.addIssue({ code: 'custom', path: ['sources', i, 'rewrite', 'with'], message: `"${s.rewrite.with}" is not a model source of this study` });
      }
      const [lo, hi] = s.content_check.length_ratio;
      if (lo > hi) ctx.addIssue({ code: 'custom', path: ['sources', i, 'content_check', 'length_ratio'], message: 'the lower ratio is larger than the upper' });
    });
    const judgeIds = new Set<string>();
    study.judges.forEach((j, i) => {
      if (judgeIds.has(j.id)) ctx.addIssue({ code: 'custom', path: ['judges', i, 'id'], message: `duplicate judge id "${j.id}"` });
      judgeIds.add(j.id);
      if (j.provider !== 'lexicon' && !j.model) ctx.addIssue({ code: 'custom', path: ['judges', i, 'model'], message: `${j.provider === 'openai' ? 'an' : 'a'} ${j.provider} judge needs a model: model: ${j.provider === 'openai' ? 'gpt-4o-mini' : 'claude-3-5-haiku-latest'}` });
    });
    const panelIds = new Set<string>();
    study.recruitment.panels.forEach((p, i) => {
      if (panelIds.has(p.id)) ctx.addIssue({ code: 'custom', path: ['recruitment', 'panels', i, 'id'], message: `duplicate panel id "${p.id}"` });
      panelIds.add(p.id);
      if (p.entry === 'link' && (p.token === undefined) === (p.tokens_file === undefined))
        ctx.addIssue({ code: 'custom', path: ['recruitment', 'panels', i, 'token'], message: 'a link panel needs either token (one shared) or tokens_file (one per invitee)' });
      if (p.entry === 'prolific' && (p.token !== undefined || p.tokens_file !== undefined))
        ctx.addIssue({ code: 'custom', path: ['recruitment', 'panels', i, 'entry'], message: 'a Prolific panel takes no token; use entry: link for a private link' });
    });
    const scales = new Set<string>();
    study.instrument.scales.forEach((s, i) => {
      if (scales.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['instrument', 'scales', i, 'id'], message: `duplicate scale id "${s.id}"` });
      scales.add(s.id);
    });
    study.instrument.attention_checks.forEach((c, i) => {
      const at = ['instrument', 'attention_checks', i];
      if (c.pair && c.options) ctx.addIssue({ code: 'custom', path: [...at, 'options'], message: 'a pairwise check offers its two replies: give either pair or options, not both' });
      else if (c.pair && c.answer !== 'left' && c.answer !== 'right') ctx.addIssue({ code: 'custom', path: [...at, 'answer'], message: 'a pairwise check\'s answer is left or right' });
      else if (!c.pair && !c.options) ctx.addIssue({ code: 'custom', path: [...at, 'options'], message: 'give the options to choose from (or a pair of replies)' });
      else if (c.options && !c.options.includes(c.answer)) ctx.addIssue({ code: 'custom', path: [...at, 'answer'], message: `the answer "${c.answer}" is not one of the options` });
    });
    if (study.instrument.scales.every((s) => s.type === 'pairwise'))
      ctx.addIssue({ code: 'custom', path: ['instrument', 'scales'], message: 'add a scale that rates each reply (likert, slider or multi-item) beside the pairwise one: the analysis models rate replies one by one' });
    const pairwiseAt = study.instrument.scales.findIndex((s) => s.type === 'pairwise');
    if (pairwiseAt >= 0 && study.design.type !== 'within-post')
      ctx.addIssue({ code: 'custom', path: ['instrument', 'scales', pairwiseAt, 'type'], message: 'a pairwise scale compares replies to the same post, so it needs design.type: within-post (one-per-post shows one reply per post)' });
    if (study.instrument.scales.filter((s) => s.type === 'pairwise').length > 1)
      ctx.addIssue({ code: 'custom', path: ['instrument', 'scales'], message: 'one pairwise scale per study: each pair of replies is shown once, with one question' });
    const comp = study.instrument.comprehension;
    if (comp && !comp.options.includes(comp.answer))
      ctx.addIssue({ code: 'custom', path: ['instrument', 'comprehension', 'answer'], message: `the answer "${comp.answer}" is not one of the options` });
    study.instrument.demographics.forEach((d, i) => {
      if (d.type === 'choice' && (d.options?.length ?? 0) < 2)
        ctx.addIssue({ code: 'custom', path: ['instrument', 'demographics', i, 'options'], message: 'a choice question needs at least two options' });
    });
    for (const what of ['consent', 'instructions'] as const)
      if (study.instrument[what] !== undefined && study.instrument[`${what}_file`] !== undefined)
        ctx.addIssue({ code: 'custom', path: ['instrument', `${what}_file`], message: `give either ${what} or ${what}_file, not both` });
    if (study.generation.min_words > study.generation.max_words)
      ctx.addIssue({ code: 'custom', path: ['generation', 'min_words'], message: 'min_words is larger than max_words' });
    const reference = study.analysis.reference_source;
    if (reference !== undefined && !ids.has(reference))
      ctx.addIssue({ code: 'custom', path: ['analysis', 'reference_source'], message: `"${reference}" is not a source of this study; use one of ${[...ids].join(', ')}` });
    const powerScale = study.analysis.power?.scale;
    if (powerScale !== undefined && !study.instrument.scales.some((x) => x.id === powerScale && x.type !== 'pairwise'))
      ctx.addIssue({ code: 'custom', path: ['analysis', 'power', 'scale'], message: `"${powerScale}" is not a rated scale of the instrument; use one of ${study.instrument.scales.filter((x) => x.type !== 'pairwise').map((x) => x.id).join(', ')}` });
    checkField(study, ctx);
    const formulaIssue = checkFormula(study.analysis.formula);
    if (formulaIssue) ctx.addIssue({ code: 'custom', path: ['analysis', 'formula'], message: formulaIssue });
  })
  .transform((study) => ({
    ...study,
    domains: study.domains.map((d) => (typeof d === 'string' ? d : d.id)),
    /** Display labels of the domains that have one (the report shows them; imports accept them as values). */
    domain_labels: Object.fromEntries(study.domains.flatMap((d) => (typeof d === 'string' ? [] : [[d.id, d.label]]))) as Record<string, string>,
    analysis: { ...study.analysis, reference_source: study.analysis.reference_source ?? (study.sources.some((s) => s.id === 'human') ? 'human' : study.sources[0]?.id) },
  }));

type Issues = { addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void };

/** A field study's own rules: its block, its arms and their draft source, and what its seekers rate. */
function checkField(study: z.output<typeof studyObject>, ctx: Issues): void {
  const f = study.field;
  const isField = study.design.type === 'field';
  if (!isField) {
    if (f) ctx.addIssue({ code: 'custom', path: ['field'], message: 'the field block belongs to a field study: set design.type: field, or remove it' });
    return;
  }
  if (!f) {
    ctx.addIssue({ code: 'custom', path: ['design', 'type'], message: 'a field study needs a field block (arms, measures, supporters, crisis_resources); start from `empathy-lab init --type field`' });
    return;
  }
  const at = (...p: PropertyKey[]) => ['field', ...p];
  new Set<string>(f.arms).size !== f.arms.length && ctx.addIssue({ code: 'custom', path: at('arms'), message: 'an arm is listed twice' });
  const modelAt = f.arms.indexOf('model');
  if (modelAt >= 0 && !f.unreviewed_model_replies)
    ctx.addIssue({
      code: 'custom',
      path: at('arms', modelAt),
      message: 'the model arm sends replies no person has read: add unreviewed_model_replies: true only if the ethics approval covers it, or remove the arm',
    });
  const drafted = f.arms.filter((a) => a !== 'human');
  const draft = f.draft_source === undefined ? undefined : study.sources.find((x) => x.id === f.draft_source);
  if (drafted.length > 0 && f.draft_source === undefined) ctx.addIssue({ code: 'custom', path: at('draft_source'), message: `the ${drafted.join(' and ')} arm needs a model that writes the drafts: draft_source: <a model source>` });
  else if (f.draft_source !== undefined && draft?.kind !== 'model') ctx.addIssue({ code: 'custom', path: at('draft_source'), message: `"${f.draft_source}" is not a model source of this study` });
  const screen = f.screening.model;
  if (screen && study.sources.find((x) => x.id === screen.source)?.kind !== 'model') ctx.addIssue({ code: 'custom', path: at('screening', 'model', 'source'), message: `"${screen.source}" is not a model source of this study` });
  if (f.block_size !== undefined && f.block_size % f.arms.length !== 0) ctx.addIssue({ code: 'custom', path: at('block_size'), message: `a block holds every arm equally often: use a multiple of ${f.arms.length}` });
  for (const key of Object.keys(f.crisis_resources))
    if (!/^([A-Z]{2}|default)$/.test(key)) ctx.addIssue({ code: 'custom', path: at('crisis_resources', key), message: `"${key}" is not a country code: use two capital letters (ISO 3166, e.g. GB, US) or default` });
  const measures = new Set<string>();
  f.measures.forEach((m, i) => {
    if (measures.has(m.id)) ctx.addIssue({ code: 'custom', path: at('measures', i, 'id'), message: `duplicate measure id "${m.id}"` });
    measures.add(m.id);
  });
  if (f.outcome !== undefined && !measures.has(f.outcome)) ctx.addIssue({ code: 'custom', path: at('outcome'), message: `"${f.outcome}" is not a measure; use one of ${[...measures].join(', ')}` });
  study.instrument.scales.forEach((s, i) => {
    if (s.type !== 'likert' && s.type !== 'slider') ctx.addIssue({ code: 'custom', path: ['instrument', 'scales', i, 'type'], message: `seekers rate their reply on likert or slider scales; a ${s.type} scale is for rating studies` });
  });
  if (study.instrument.consent === undefined && study.instrument.consent_file === undefined)
    ctx.addIssue({ code: 'custom', path: ['instrument', 'consent'], message: 'a field study asks seekers to write about themselves: give the consent your ethics approval says (consent or consent_file)' });
}

/**
 * Keys a field study would ignore, found in the manifest as written (defaults are not ignored keys):
 * the rating study's assignment, panels, imports, exclusions, model and rater questions.
 */
export function unusedInField(raw: unknown): { path: Array<string | number>; message: string } | null {
  const r = raw as Record<string, Record<string, unknown> | undefined>;
  if (r?.design?.type !== 'field') return null;
  const rating = 'is for rating studies; a field study does not use it: remove it';
  for (const key of ['posts_per_rater', 'target_ratings_per_response', 'expiry_minutes', 'idle_minutes'])
    if (r.design && key in r.design) return { path: ['design', key], message: `${key} ${rating}` };
  for (const key of ['corpus', 'exclusions', 'analysis', 'judges']) if (key in r) return { path: [key], message: `${key} ${rating} (its posts come from its seekers, its analysis is fixed)` };
  if (r.recruitment && 'panels' in r.recruitment) return { path: ['recruitment', 'panels'], message: `panels ${rating} (supporters come in by field.supporters)` };
  for (const key of ['comprehension', 'attention_checks', 'demographics', 'free_text', 'instructions', 'instructions_file'])
    if (r.instrument && key in r.instrument) return { path: ['instrument', key], message: `${key} ${rating}` };
  return null;
}

/** The columns `analyze` gives the model of each scale. */
export const ANALYSIS_COLUMNS = ['value', 'source', 'post', 'rater', 'domain'] as const;

/** Why the analysis formula cannot be used (a syntax error with its column, an unknown variable), or null. */
function checkFormula(text: string): string | null {
  try {
    const unknown = formulaVariables(parseFormula(text)).filter((v) => !(ANALYSIS_COLUMNS as readonly string[]).includes(v));
    return unknown.length ? `the formula uses ${unknown.map((v) => `"${v}"`).join(', ')}, which the ratings do not have; use ${ANALYSIS_COLUMNS.join(', ')}` : null;
  } catch (err) {
    if (!(err instanceof StatsInputError)) throw err;
    return `${err.message.replace(/at position (\d+)/g, 'at column $1 of the formula')}; ${err.fix ?? 'write the formula as in lme4'}`;
  }
}

export type Study = z.infer<typeof studySchema>;
export type FieldSettings = NonNullable<Study['field']>;
export type FieldArm = (typeof FIELD_ARMS)[number];

/** The design of a rating study (every command that assigns raters opens only rating studies). */
export function ratingDesign(type: Study['design']['type']): 'within-post' | 'one-per-post' {
  if (type === 'field') throw new Error('internal: a field study has no rating design');
  return type;
}
export type StudyInput = z.input<typeof studySchema>;
export type Source = Study['sources'][number];
export type ModelSource = Extract<Source, { kind: 'model' }>;
export type VariantSource = Extract<Source, { kind: 'variant' }>;
export type Panel = Study['recruitment']['panels'][number];
export type Judge = Study['judges'][number];
export type Scale = Study['instrument']['scales'][number];
export type LikertScale = Extract<Scale, { type: 'likert' }>;
export type SliderScale = Extract<Scale, { type: 'slider' }>;
export type MultiItemScale = Extract<Scale, { type: 'multi-item' }>;
export type PairwiseScale = Extract<Scale, { type: 'pairwise' }>;
export type AttentionCheck = Study['instrument']['attention_checks'][number];
export type PostsFileSpec = NonNullable<Study['corpus']['posts']>;
export type RepliesFileSpec = Study['corpus']['replies'][number];
export type RatingsFileSpec = Study['corpus']['ratings'][number];
export type RatersFileSpec = Study['corpus']['raters'][number];

/** The JSON Schema editors use for autocomplete and checks (input shape: defaulted keys optional). */
export function studyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'any' }),
    title: 'empathy-lab study manifest',
  };
}
