/**
 * `empathy-lab judge`: every reply of the study (original replies with text, variant arms
 * included) scored by a judge, `samples` times, each sample stored with its provenance; a reply's
 * score per item is the median (or mean) of its usable samples. An answer that is not usable JSON
 * with a whole number in range for every item is asked again (twice at most, each a new call), then
 * recorded as failed, never as a score. A rerun adds only the missing and failed samples.
 */
import { ratedScales } from '../study/formats.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { costUsd } from '../generate/estimate.js';
import { ProviderError, type CallLog, type Provider } from '../generate/provider.js';
import { endCall, startCall } from '../store/attempts.repository.js';
import { claimUnit, releaseAllClaims, releaseUnit, renewClaims } from '../store/claims.repository.js';
import { RateLimiter, realClock, type Clock } from '../generate/rate-limit.js';
import { newId, nowIso } from '../store/ids.js';
import { judgeSampleStored, judgeSamplesDone, judgeSamplesOk, replaceJudgeSamples, replaceJudgeScores, storeJudgeSample } from '../store/judges.repository.js';
import { listPosts } from '../store/posts.repository.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import { canonicalJson, sha256 } from '../study/hash.js';
import type { Judge } from '../study/schema.js';
import type { StoredStudy } from '../study/stored.js';
import { lexiconScores } from './lexicon.js';
import { parseJudgeAnswer } from './parse.js';
import { answerSchema, EPITOME, judgePrompt, parseRubricFile, scalesRubric, type Rubric } from './rubric.js';

/** Calls per sample at most: the first and two more when the answer cannot be used. */
export const JUDGE_ATTEMPTS = 3;

export interface JudgeTally {
  readonly judge: string;
  replies: number;
  /** Samples asked for (replies x samples). */
  asked: number;
  done: number;
  already: number;
  failed: number;
  /** Answers that could not be used and were asked again. */
  reasked: number;
  /** Samples another worker holds (claimed, in flight there). */
  otherWorker: number;
  /** Samples not started because the budget would have been exceeded. */
  heldBack: number;
  tokensIn: number;
  tokensOut: number;
  /** What the calls cost, from `prices` (answers from the cache cost nothing); null without a price. */
  costUsd: number | null;
}

export interface JudgeRunOptions {
  readonly onUnit?: () => void;
  readonly stop?: AbortSignal;
  readonly clock?: Clock;
  /** Several workers on one study: each sample is claimed under a lease, renewed while its calls run. */
  readonly claims?: { readonly worker: string; readonly leaseMs: number };
  /** Stop starting samples once this much (USD, from `prices`) is spent or would be by the next one. */
  readonly budgetUsd?: number;
}

export async function rubricOf(s: StoredStudy, judge: Judge): Promise<Rubric> {
  if (judge.rubric === 'scales') return scalesRubric(ratedScales(s.study));
  if (judge.rubric === 'epitome') return EPITOME;
  const file = path.join(s.dir, judge.rubric);
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new UserError('cannot read the rubric file', file, `write it, or fix judges[${s.study.judges.indexOf(judge)}].rubric`, { cause: err });
  });
  return parseRubricFile(text, judge.rubric);
}

const middle = (xs: readonly number[], how: 'median' | 'mean') => {
  if (how === 'mean') return xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Each reply's score per item from its usable samples, replacing the judge's previous scores. */
async function reduceScores(s: StoredStudy, judge: Judge): Promise<void> {
  const samples = await judgeSamplesOk(s.db, s.studyId, judge.id);
  const byReply = new Map<string, Array<Record<string, number>>>();
  for (const x of samples) (byReply.get(x.response) ?? byReply.set(x.response, []).get(x.response))?.push(JSON.parse(x.scores_json) as Record<string, number>);
  const out: Array<{ response: string; scale: string; value: number }> = [];
  for (const [response, list] of byReply)
    for (const item of Object.keys(list[0] ?? {}).sort()) out.push({ response, scale: item, value: middle(list.map((l) => l[item] as number), judge.reduce) });
  await replaceJudgeScores(s.db, s.studyId, judge.id, out);
}

export async function runJudge(s: StoredStudy, judge: Judge, provider: Provider | null, o: JudgeRunOptions = {}): Promise<JudgeTally> {
  const rubric = await rubricOf(s, judge);
  const replies = await listResponsesWithPosts(s.db, s.studyId);
  if (replies.length === 0) throw new UserError('the study has no replies to judge', s.dir, 'import or generate replies first');
  const posts = new Map((await listPosts(s.db, s.studyId)).map((p) => [p.external_id, p]));
  const price = judge.model ? s.study.prices[judge.model] : undefined;
  const tally: JudgeTally = { judge: judge.id, replies: replies.length, asked: replies.length * (judge.provider === 'lexicon' ? 1 : judge.samples), done: 0, already: 0, failed: 0, reasked: 0, otherWorker: 0, heldBack: 0, tokensIn: 0, tokensOut: 0, costUsd: judge.provider === 'lexicon' || price ? 0 : null };
  const done = await judgeSamplesDone(s.db, s.studyId, judge.id);
  const now = nowIso();
  const base = { study_id: s.studyId, judge: judge.id, error: null, raw_text: null, tokens_in: null, tokens_out: null, latency_ms: null, created_at: now };

  if (judge.provider === 'lexicon') {
    // Relative to the replies judged together: scored again in full whenever a reply is missing.
    if (replies.every((r) => done.get(`${r.id}\u00000`) === 'ok')) tally.already = replies.length;
    else {
      const scores = lexiconScores(replies.map((r) => r.text), rubric);
      await replaceJudgeSamples(
        s.db,
        s.studyId,
        judge.id,
        replies.map((r, i) => ({ ...base, id: newId(), response_id: r.id, sample_index: 0, status: 'ok', scores_json: canonicalJson(scores[i]), rationale: 'warmth composite of the style battery (offline baseline)', provider: 'lexicon', model: null, params_json: '{}', prompt_hash: null, attempts: 1 })),
      );
      tally.done = replies.length;
    }
    await reduceScores(s, judge);
    return tally;
  }

  if (!provider || !judge.model) throw new UserError(`no provider for judge "${judge.id}"`, `judges[${s.study.judges.indexOf(judge)}]`, 'give the judge a provider and a model');
  const model = judge.model;
  const promptHash = sha256(canonicalJson(judgePrompt(rubric, { title: '{{title}}', text: '{{post}}' }, '{{reply}}')));
  const units = replies.flatMap((r) => Array.from({ length: judge.samples }, (_, sample) => ({ r, sample }))).filter(({ r, sample }) => {
    const status = done.get(`${r.id}\u0000${sample}`);
    if (status === 'ok') tally.already++;
    return status !== 'ok';
  });
  // The same limits as generation: evenly spaced starts, and a token bucket charged an estimate.
  const limiter = new RateLimiter(o.clock ?? realClock, { ...(judge.requests_per_minute ? { requestsPerMinute: judge.requests_per_minute } : {}), ...(judge.tokens_per_minute ? { tokensPerMinute: judge.tokens_per_minute } : {}) });
  // A call's tokens before it is made: about four characters a token in, max_tokens out.
  const promptTokens = (messages: ReturnType<typeof judgePrompt>) => Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
  let next = 0;
  let refused: ProviderError | null = null;
  let spent = 0;
  const worker = o.claims?.worker ?? 'local';
  const heartbeat = o.claims ? setInterval(() => void renewClaims(s.db, s.studyId, worker, new Date(), o.claims?.leaseMs ?? 60_000).catch(() => undefined), Math.max(50, o.claims.leaseMs / 3)) : undefined;
  const work = async () => {
    while (next < units.length && !refused && !o.stop?.aborted) {
      const { r, sample } = units[next++] as (typeof units)[number];
      const post = posts.get(r.post);
      const messages = judgePrompt(rubric, { title: post?.title ?? null, text: post?.text ?? '' }, r.text);
      // The budget: a sample starts only if its estimated cost still fits.
      const tokensIn = promptTokens(messages);
      const estimated = price ? (costUsd(price, tokensIn, judge.params.max_tokens) ?? 0) : 0;
      if (o.budgetUsd !== undefined && spent + estimated > o.budgetUsd) {
        tally.heldBack++;
        continue;
      }
      const unitKey = `judge:${judge.id}:${r.id}:${sample}`;
      if (o.claims) {
        if (!(await claimUnit(s.db, s.studyId, unitKey, worker, new Date(), o.claims.leaseMs))) {
          tally.otherWorker++;
          continue;
        }
        // Claimed after another worker finished it: nothing to do.
        if (await judgeSampleStored(s.db, judge.id, r.id, sample)) {
          await releaseUnit(s.db, s.studyId, unitKey, worker);
          tally.already++;
          continue;
        }
      }
      // Every call on record, as generation's are; an answer from the cache is marked so and costs nothing.
      let cached = false;
      const calls: CallLog = {
        start: () => startCall(s.db, { studyId: s.studyId, unitKey, provider: judge.provider, model, worker }),
        end: async (id, outcome) => {
          if (outcome.status === 'cached') cached = true;
          await endCall(s.db, id, outcome);
        },
      };
      let attempts = 0;
      let last: { text: string; error: string } | null = null;
      let stored = false;
      while (attempts < JUDGE_ATTEMPTS && !stored) {
        attempts++;
        if (attempts > 1) tally.reasked++;
        const tokenEstimate = tokensIn + judge.params.max_tokens;
        await limiter.acquire(tokenEstimate);
        try {
          const result = await provider.generate(
            {
              model,
              messages,
              params: judge.params,
              // The sample and the attempt in the unit: each is its own request (and cache entry).
              unit: { postId: r.post, source: judge.id, condition: 'judge', sampleIndex: sample * JUDGE_ATTEMPTS + attempts - 1 },
              post: { text: post?.text ?? '', title: post?.title ?? null, domain: r.domain },
              responseFormat: { name: 'judge_scores', schema: answerSchema(rubric) },
            },
            { calls, ...(o.stop ? { stop: o.stop } : {}) },
          );
          tally.tokensIn += result.usage.inputTokens;
          tally.tokensOut += result.usage.outputTokens;
          const usd = cached ? 0 : (costUsd(price, result.usage.inputTokens, result.usage.outputTokens) ?? 0);
          spent += usd;
          if (tally.costUsd !== null) tally.costUsd += usd;
          cached = false;
          limiter.settle(tokenEstimate, result.usage.inputTokens + result.usage.outputTokens);
          const answer = parseJudgeAnswer(result.text, rubric);
          if (!answer.ok) {
            last = { text: result.text, error: answer.error };
            continue;
          }
          await storeJudgeSample(s.db, {
            ...base,
            id: newId(),
            response_id: r.id,
            sample_index: sample,
            status: 'ok',
            scores_json: canonicalJson(answer.scores),
            rationale: answer.rationale.slice(0, 2000),
            raw_text: result.text.slice(0, 4000),
            provider: judge.provider,
            model,
            params_json: canonicalJson(provider.sends(judge.params)),
            prompt_hash: promptHash,
            tokens_in: result.usage.inputTokens,
            tokens_out: result.usage.outputTokens,
            latency_ms: Math.round(result.latencyMs),
            attempts,
          });
          stored = true;
          tally.done++;
        } catch (err) {
          if (err instanceof ProviderError && err.isAuth) {
            refused = err;
            return;
          }
          // The provider gave up after its own retries: this sample fails; a rerun asks again.
          last = { text: '', error: (err as Error).message };
          break;
        }
      }
      if (o.claims) await releaseUnit(s.db, s.studyId, unitKey, worker);
      if (!stored) {
        await storeJudgeSample(s.db, { ...base, id: newId(), response_id: r.id, sample_index: sample, status: 'failed', error: last?.error ?? 'no answer', raw_text: last?.text.slice(0, 4000) || null, provider: judge.provider, model, params_json: canonicalJson(provider.sends(judge.params)), prompt_hash: promptHash, attempts });
        tally.failed++;
      }
      o.onUnit?.();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(judge.concurrency, Math.max(1, units.length)) }, work));
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    if (o.claims) await releaseAllClaims(s.db, s.studyId, worker);
  }
  if (refused) throw new UserError(`${judge.id}: the provider refused the key (${(refused as ProviderError).message})`, `judges[${s.study.judges.indexOf(judge)}].api_key_env`, 'fix the key in the environment variable named by api_key_env, then run judge again');
  await reduceScores(s, judge);
  return tally;
}
