/**
 * The researcher's preview (admin only): the whole participant flow, as a participant would see it,
 * without taking a place or writing anything. Its state is a signed cookie (a seed and a position);
 * the steps are drawn from the seed as an arrival's would be in an empty study.
 */
import { ratingDesign } from '../study/schema.js';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { seededRng } from '../stats/random.js';
import { chooseSlots } from './assignment.js';
import type { App } from './deps.js';
import { validate } from './flow.js';
import { cookieOptions } from './participant.js';
import { csrfToken, formFields, randomToken, sameSecret } from './security.js';
import { pairwiseScale } from '../study/formats.js';
import { buildSteps, type Step } from './steps.js';
import { EndPage, StepPage } from './views/session.js';

const PREVIEW_COOKIE = 'el_preview';

function stepsOf(app: App, seed: number): Step[] {
  const d = app.study.design;
  const rng = seededRng(seed);
  const chosen = chooseSlots(ratingDesign(d.type), app.content.plan, new Map(), d.posts_per_rater, rng);
  return buildSteps(chosen, { comprehension: Boolean(app.study.instrument.comprehension), attention: app.study.instrument.attention_checks, pairs: pairwiseScale(app.study) ? new Map() : undefined }, rng);
}

export function previewRoutes(app: App): Hono {
  const preview = new Hono();
  const sign = (value: string) => `${value}.${csrfToken(app.secret, 'preview-state', value)}`;
  const state = (c: Context): { seed: number; position: number; ended?: string } | null => {
    const raw = getCookie(c, PREVIEW_COOKIE);
    const m = raw ? /^(\d+)\.(\d+)\.(\w*)\.([\w-]+)$/.exec(raw) : null;
    if (!m || !sameSecret(raw, sign(`${m[1]}.${m[2]}.${m[3]}`))) return null;
    return { seed: Number(m[1]), position: Number(m[2]), ...(m[3] ? { ended: m[3] } : {}) };
  };
  const save = (c: Context, s: { seed: number; position: number; ended?: string }) =>
    setCookie(c, PREVIEW_COOKIE, sign(`${s.seed}.${s.position}.${s.ended ?? ''}`), { ...cookieOptions(c, app, 3600), sameSite: 'Strict', path: '/admin/preview' });

  preview.get('/', (c) => {
    let s = state(c);
    if (!s || c.req.query('new') === '1') {
      s = { seed: Math.floor(Math.random() * 2 ** 31), position: 0 };
      save(c, s);
    }
    const steps = stepsOf(app, s.seed);
    const step = steps[s.position];
    if (s.ended || !step) return c.html(<EndPage app={app} status={s.ended ?? 'completed'} code={app.study.recruitment.prolific?.completion_code ?? null} prolific preview ended={s.ended === 'returned' ? 'declined' : undefined} />);
    const csrf = csrfToken(app.secret, 'preview', String(s.seed));
    return c.html(<StepPage app={app} view={{ step, position: s.position, steps, csrf, action: '/admin/preview', key: randomToken(12), preview: true, notice: c.req.query('notice') === 'wrong' ? app.t('comprehension.wrong') : undefined }} />);
  });

  preview.post('/', async (c) => {
    const s = state(c);
    if (!s) return c.redirect('/admin/preview?new=1', 303);
    const f = await formFields(c);
    if (!sameSecret(f.csrf, csrfToken(app.secret, 'preview', String(s.seed)))) throw new HTTPException(403, { message: app.t('error.expired.body') });
    const steps = stepsOf(app, s.seed);
    const step = steps[s.position];
    if (!step || Number(f.step) !== s.position) return c.redirect('/admin/preview', 303);
    const { errors } = validate(app.study, app.t, step, f);
    if (Object.keys(errors).length > 0)
      return c.html(<StepPage app={app} view={{ step, position: s.position, steps, csrf: f.csrf, action: '/admin/preview', key: randomToken(12), preview: true, errors }} />, 422);
    if (step.kind === 'consent' && f.consent === 'no') save(c, { ...s, ended: 'returned' });
    else if (step.kind === 'comprehension' && f.answer !== app.study.instrument.comprehension?.answer) return c.redirect('/admin/preview?notice=wrong', 303);
    else save(c, { ...s, position: s.position + 1 });
    return c.redirect('/admin/preview', 303);
  });
  return preview;
}
