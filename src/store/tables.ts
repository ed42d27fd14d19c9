/** Row types of every table (the Kysely `Database` interface). Timestamps are ISO-8601 UTC text. */
import type { Generated, Insertable, Kysely, Selectable } from 'kysely';

export interface StudiesTable {
  id: string;
  name: string;
  title: string | null;
  manifest_json: string;
  manifest_hash: string;
  content_hash: string;
  created_at: string;
  updated_at: string;
  app_secret: string | null;
  /** Whether the rating app takes new arrivals. */
  app_state: Generated<AppState>;
}

export type AppState = 'open' | 'paused' | 'closed';

export interface AdminSessionsTable {
  /** SHA-256 of the admin cookie's random value. */
  id: string;
  study_id: string;
  created_at: string;
  expires_at: string;
}

export interface ImportsTable {
  id: string;
  study_id: string;
  kind: string;
  file: string;
  file_sha256: string;
  rows_read: number;
  rows_inserted: number;
  created_at: string;
}

export interface PostsTable {
  id: string;
  study_id: string;
  external_id: string;
  domain: string;
  title: string | null;
  text: string;
  word_count: number;
  metadata_json: Generated<string>;
  import_id: string | null;
  created_at: string;
}

export interface ResponsesTable {
  id: string;
  study_id: string;
  post_id: string;
  source: string;
  condition: Generated<string>;
  sample_index: Generated<number>;
  variant: Generated<string>;
  parent_id: string | null;
  text: string;
  word_count: number;
  author: string | null;
  provider: string;
  model: string | null;
  params_json: Generated<string>;
  prompt_hash: string | null;
  content_hash: string;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
  latency_ms: number | null;
  finish_reason: string | null;
  checks_json: Generated<string>;
  transforms_json: Generated<string>;
  import_id: string | null;
  created_at: string;
}

export interface PromptsTable {
  study_id: string;
  hash: string;
  file: string;
  text: string;
  created_at: string;
}

export interface SimulatedPanelsTable {
  study_id: string;
  settings_json: string;
  created_at: string;
}

export interface GenerationAttemptsTable {
  id: string;
  study_id: string;
  unit_key: string;
  response_id: string | null;
  provider: string;
  model: string | null;
  status: string;
  error: string | null;
  http_status: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  latency_ms: number | null;
  started_at: string;
  finished_at: string | null;
  /** The worker (host:pid:id) that made the call. */
  worker: string | null;
  /** 1 when another attempt followed this call. */
  retried: Generated<number>;
}

export type ParticipantOrigin = 'prolific' | 'anonymous' | 'imported' | 'simulated';
/**
 * `started`: in the rating app; `returned`: left, declined consent, or found the study full at
 * consent; `blocked`: refused by the researcher; `reset`: a session the researcher closed so that the
 * id can start again (its ratings stay recorded).
 */
export type ParticipantStatus = 'started' | 'completed' | 'returned' | 'timed_out' | 'screened_out' | 'imported' | 'blocked' | 'reset';

export interface ParticipantsTable {
  id: string;
  study_id: string;
  external_id: string;
  origin: ParticipantOrigin;
  status: ParticipantStatus;
  prolific_study_id: string | null;
  prolific_session_id: string | null;
  attributes_json: Generated<string>;
  completion_code: string | null;
  started_at: string | null;
  completed_at: string | null;
  total_seconds: number | null;
  import_id: string | null;
  created_at: string;
  /** The rating app's session cookie names the participant by this random token. */
  session_token: string | null;
  /** The panel of raters the participant belongs to ('' for the study's one pool). */
  panel: Generated<string>;
}

export interface AssignmentsTable {
  id: string;
  study_id: string;
  participant_id: string;
  slots_json: string;
  position: Generated<number>;
  /** 'active' | 'completed' | 'expired' | 'released' */
  status: string;
  created_at: string;
  /** The session's time limit (from consent; before consent, the consent window). */
  expires_at: string;
  step_started_at: string | null;
  /** When the session gives its places back: the earlier of `expires_at` and the last page plus the idle limit. */
  deadline: string | null;
  /** The participant's panel: whose fill counters its places count in. */
  panel: Generated<string>;
}

export interface PageViewsTable {
  id: string;
  participant_id: string;
  step: number;
  page: string;
  response_id: string | null;
  client_ms: number | null;
  server_ms: number | null;
  created_at: string;
  /** The submitted form's idempotency key (null for rows written before migration 006). */
  idempotency_key: string | null;
}

export interface CommentsTable {
  id: string;
  participant_id: string;
  response_id: string;
  text: string;
  created_at: string;
}

export interface RatingsTable {
  id: string;
  study_id: string;
  participant_id: string;
  response_id: string;
  scale: string;
  value: number;
  rt_ms: number | null;
  idempotency_key: string | null;
  origin: 'web' | 'imported' | 'simulated';
  content_hash: string;
  import_id: string | null;
  created_at: string;
}

/** A pairwise choice: which of two replies to one post, shown `left_id` first, the rater preferred (migration 011). */
export interface ChoicesTable {
  id: string;
  study_id: string;
  participant_id: string;
  post_id: string;
  scale: string;
  left_id: string;
  right_id: string;
  /** -1 left, 1 right; with strength -2 clearly left, -1 slightly left, 1 slightly right, 2 clearly right. */
  value: number;
  rt_ms: number | null;
  idempotency_key: string | null;
  origin: 'web' | 'imported' | 'simulated';
  content_hash: string;
  import_id: string | null;
  created_at: string;
}

export interface PairSlotCountsTable {
  study_id: string;
  panel: string;
  left_id: string;
  right_id: string;
  assigned: number;
}

export interface AttentionResultsTable {
  id: string;
  participant_id: string;
  check_id: string;
  expected: string;
  answer: string;
  passed: number;
  created_at: string;
}

export interface JudgeScoresTable {
  id: string;
  study_id: string;
  response_id: string;
  judge: string;
  scale: string;
  value: number;
  created_at: string;
}

export interface JudgeSamplesTable {
  id: string;
  study_id: string;
  response_id: string;
  judge: string;
  sample_index: number;
  /** `ok`: scores; `failed`: an answer that could not be used (see `error`). */
  status: string;
  scores_json: Generated<string>;
  rationale: string | null;
  error: string | null;
  raw_text: string | null;
  provider: string;
  model: string | null;
  params_json: Generated<string>;
  prompt_hash: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  latency_ms: number | null;
  attempts: number;
  created_at: string;
}

export interface ExclusionsTable {
  id: string;
  study_id: string;
  participant_id: string;
  rule: string;
  reason: string;
  created_at: string;
}

export interface GenerationCacheTable {
  key: string;
  provider: string;
  model: string;
  result_json: string;
  created_at: string;
}

export interface GenerationClaimsTable {
  study_id: string;
  unit_key: string;
  worker: string;
  expires_at: string;
}

export interface SlotCountsTable {
  study_id: string;
  /** '' for the study's one pool of raters. */
  panel: string;
  response_id: string;
  assigned: number;
}

/** Where a field post is: screened out, waiting for (or held by) a supporter, answered, rated by its seeker, followed up. */
export type FieldStatus = 'screened_out' | 'flagged' | 'waiting' | 'answered' | 'rated' | 'followed_up';

export interface FieldPostsTable {
  id: string;
  study_id: string;
  /** SHA-256 of the seeker's own link token (the link itself is never stored). */
  seeker_hash: string;
  /** `link`, `prolific` or `simulated`. */
  origin: string;
  external_id: string | null;
  country: string;
  domain: string;
  /** The post as supporters and models see it: personal information redacted. */
  text: string;
  redactions: number;
  word_count: number;
  status: FieldStatus;
  arm: string | null;
  block_index: number | null;
  claimed_by: string | null;
  claim_expires_at: string | null;
  draft_text: string | null;
  /** The draft's provenance: provider, model, parameters sent, latency. */
  draft_json: string | null;
  created_at: string;
  answered_at: string | null;
  rated_at: string | null;
  followed_up_at: string | null;
}

export interface FieldRepliesTable {
  post_id: string;
  study_id: string;
  arm: string;
  /** A supporter's id (a hash of their token); null for the model arm. */
  supporter: string | null;
  draft_text: string | null;
  text: string;
  word_count: number;
  /** Words inserted, deleted or replaced from the draft to the reply sent (assisted arm). */
  edit_distance: number | null;
  edit_share: number | null;
  opened_at: string | null;
  sent_at: string;
  origin: string;
}

export interface FieldMeasuresTable {
  post_id: string;
  /** `pre`, `rating` (the reply, on the instrument's scales), `post` or `follow_up`. */
  phase: string;
  item: string;
  value: number;
  created_at: string;
}

export interface FieldSafetyTable {
  id: string;
  study_id: string;
  post_id: string;
  /** `lexicon` (the risk screen) or `supporter` (a supporter's flag). */
  rule: string;
  kind: string;
  detail: string;
  created_at: string;
  /** When the study team marked the alert as seen on the dashboard. */
  seen_at: string | null;
}

export interface FieldBlocksTable {
  study_id: string;
  stratum: string;
  next_index: number;
}

export interface Database {
  studies: StudiesTable;
  imports: ImportsTable;
  posts: PostsTable;
  responses: ResponsesTable;
  generation_attempts: GenerationAttemptsTable;
  prompts: PromptsTable;
  simulated_panels: SimulatedPanelsTable;
  participants: ParticipantsTable;
  assignments: AssignmentsTable;
  ratings: RatingsTable;
  choices: ChoicesTable;
  pair_slot_counts: PairSlotCountsTable;
  attention_results: AttentionResultsTable;
  judge_scores: JudgeScoresTable;
  judge_samples: JudgeSamplesTable;
  exclusions: ExclusionsTable;
  generation_cache: GenerationCacheTable;
  generation_claims: GenerationClaimsTable;
  page_views: PageViewsTable;
  comments: CommentsTable;
  panel_slot_counts: SlotCountsTable;
  admin_sessions: AdminSessionsTable;
  field_posts: FieldPostsTable;
  field_replies: FieldRepliesTable;
  field_measures: FieldMeasuresTable;
  field_safety: FieldSafetyTable;
  field_blocks: FieldBlocksTable;
}

/** The database handle every repository function takes first. */
export type Db = Kysely<Database>;

export type StudyRow = Selectable<StudiesTable>;
export type PostRow = Selectable<PostsTable>;
export type NewPost = Insertable<PostsTable>;
export type ResponseRow = Selectable<ResponsesTable>;
export type NewResponse = Insertable<ResponsesTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type NewParticipant = Insertable<ParticipantsTable>;
export type RatingRow = Selectable<RatingsTable>;
export type NewRating = Insertable<RatingsTable>;
export type NewChoice = Insertable<ChoicesTable>;
export type FieldPostRow = Selectable<FieldPostsTable>;
export type FieldReplyRow = Selectable<FieldRepliesTable>;
