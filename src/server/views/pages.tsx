/**
 * The participant's pages. Every text from the study (posts, replies, questions) is rendered as a
 * JSX child or attribute, which hono/jsx escapes: a reply containing `<script>` shows as text.
 * Nothing here names a reply's source.
 */
import type { Child } from 'hono/jsx';
import type { Text } from '../../study/participant-text.js';
import type { Study } from '../../study/schema.js';
import { SELF_DESCRIBE } from '../flow.js';

/** The hidden fields of every step's form: which step, an idempotency key, the CSRF token, time on page. */
export function StepForm(p: { step: number; idempotencyKey: string; csrf: string; children?: Child; submit: string; action: string }) {
  return (
    <form method="post" action={p.action} data-step={String(p.step)}>
      <input type="hidden" name="step" value={String(p.step)} />
      <input type="hidden" name="key" value={p.idempotencyKey} />
      <input type="hidden" name="csrf" value={p.csrf} />
      <input type="hidden" name="ms" value="" />
      {p.children}
      <div class="actions">
        <button type="submit">{p.submit}</button>
      </div>
    </form>
  );
}

const FieldError = (p: { message: string | undefined; id: string }) => (p.message ? <p class="error" id={p.id}>{p.message}</p> : null);

export function Paragraphs(p: { text: string }) {
  return (
    <>
      {p.text
        .split(/\n\s*\n/)
        .map((t) => t.trim())
        .filter(Boolean)
        .map((t) => (
          <p class="text">{t}</p>
        ))}
    </>
  );
}

export function PostCard(p: { title: string | null; text: string; label: string }) {
  return (
    <section class="card post" aria-label={p.label}>
      <span class="label">{p.label}</span>
      {p.title ? <h2>{p.title}</h2> : null}
      <div class="text">{p.text}</div>
    </section>
  );
}

/** A radio group per scale, labelled by its question, each option by its anchor; keys 1..N pick. */
export function ScaleField(p: { scale: Study['instrument']['scales'][number]; t: Text; error?: string | undefined }) {
  const s = p.scale;
  const anchors = s.anchors ?? Array.from({ length: s.points }, (_, i) => (i === 0 ? p.t('scale.lowest') : i === s.points - 1 ? p.t('scale.highest') : ''));
  const errorId = `error-${s.id}`;
  return (
    <fieldset data-scale={s.id} aria-describedby={p.error ? errorId : undefined} aria-invalid={p.error ? 'true' : undefined}>
      <legend>{s.question}</legend>
      <div class={`scale points-${s.points}`}>
        {anchors.map((a, i) => (
          <label>
            <input type="radio" name={`scale_${s.id}`} value={String(i + 1)} required />
            <span class="n">{String(i + 1)}</span>
            <span>{a}</span>
          </label>
        ))}
      </div>
      <FieldError message={p.error} id={errorId} />
    </fieldset>
  );
}

export function ChoiceField(p: { name: string; legend: string; options: readonly string[]; labels?: readonly string[]; error?: string | undefined; required?: boolean; selfDescribe?: string }) {
  const errorId = `error-${p.name}`;
  const describe = p.selfDescribe !== undefined && p.options.some((o) => SELF_DESCRIBE.test(o));
  return (
    <fieldset aria-describedby={p.error ? errorId : undefined} aria-invalid={p.error ? 'true' : undefined}>
      <legend>{p.legend}</legend>
      <div class="choices">
        {p.options.map((o, i) => (
          <label>
            <input type="radio" name={p.name} value={o} required={p.required ?? true} data-self-describe={describe && SELF_DESCRIBE.test(o) ? '1' : undefined} />
            <span>{p.labels?.[i] ?? o}</span>
          </label>
        ))}
      </div>
      {describe ? (
        <div data-describe-box>
          <label for={`${p.name}_text`}>{p.selfDescribe}</label>
          <input id={`${p.name}_text`} name={`${p.name}_text`} type="text" maxlength={500} />
        </div>
      ) : null}
      <FieldError message={p.error} id={errorId} />
    </fieldset>
  );
}

export function Demographic(p: { d: Study['instrument']['demographics'][number]; t: Text; error?: string | undefined }) {
  const { d } = p;
  const name = `demo_${d.id}`;
  if (d.type === 'choice') return <ChoiceField name={name} legend={d.question} options={d.options ?? []} error={p.error} required={d.required} selfDescribe={p.t('demographics.self_describe')} />;
  return (
    <fieldset>
      <legend>
        <label for={name}>{d.question}</label>
      </legend>
      {d.type === 'number' ? (
        <input id={name} name={name} type="number" inputmode="numeric" min="0" max="150" required={d.required} />
      ) : (
        <input id={name} name={name} type="text" maxlength={500} required={d.required} />
      )}
      {d.required ? null : <p class="hint">{p.t('demographics.optional')}</p>}
      <FieldError message={p.error} id={`error-${name}`} />
    </fieldset>
  );
}
