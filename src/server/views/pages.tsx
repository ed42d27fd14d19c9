/**
 * The participant's pages. Every text from the study (posts, replies, questions) is rendered as a
 * JSX child or attribute, which hono/jsx escapes: a reply containing `<script>` shows as text.
 * Nothing here names a reply's source.
 */
import type { Child } from 'hono/jsx';
import type { Text } from '../../study/participant-text.js';
import { itemScaleId, type RatedScale } from '../../study/formats.js';
import type { SliderScale, Study } from '../../study/schema.js';
import { fieldOf, SELF_DESCRIBE } from '../flow.js';

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

/** A rated scale's question: a radio group (likert), a slider, or a group of items (multi-item). */
export function ScaleField(p: { scale: RatedScale; t: Text; errors: Readonly<Record<string, string>> }) {
  const s = p.scale;
  if (s.type === 'slider') return <SliderField scale={s} t={p.t} error={p.errors[fieldOf(s.id)]} />;
  if (s.type === 'multi-item')
    return (
      <fieldset class="items" data-items={s.id}>
        <legend>{s.question}</legend>
        {s.items.map((item) => (
          <RadioScale name={fieldOf(itemScaleId(s, item.id))} question={item.text} points={s.points} anchors={s.anchors} t={p.t} error={p.errors[fieldOf(itemScaleId(s, item.id))]} />
        ))}
      </fieldset>
    );
  return <RadioScale name={fieldOf(s.id)} question={s.question} points={s.points} anchors={s.anchors} t={p.t} error={p.errors[fieldOf(s.id)]} />;
}

/** A radio group labelled by its question, each option by its anchor; keys 1..N pick. */
function RadioScale(p: { name: string; question: string; points: number; anchors: readonly string[] | undefined; t: Text; error: string | undefined }) {
  const anchors = p.anchors ?? Array.from({ length: p.points }, (_, i) => (i === 0 ? p.t('scale.lowest') : i === p.points - 1 ? p.t('scale.highest') : ''));
  const errorId = `error-${p.name}`;
  return (
    <fieldset data-scale={p.name} aria-describedby={p.error ? errorId : undefined} aria-invalid={p.error ? 'true' : undefined}>
      <legend>{p.question}</legend>
      <div class={`scale points-${p.points}`}>
        {anchors.map((a, i) => (
          <label>
            <input type="radio" name={p.name} value={String(i + 1)} required />
            <span class="n">{String(i + 1)}</span>
            <span>{a}</span>
          </label>
        ))}
      </div>
      <FieldError message={p.error} id={errorId} />
    </fieldset>
  );
}

/**
 * A 0-100 slider with no default position. The form's field is a number box (0 to 100), which is
 * what a browser without the script shows; the script hides it behind a range input whose marker
 * stays hidden until the first click, tap or arrow key, and copies the value into the box.
 */
function SliderField(p: { scale: SliderScale; t: Text; error: string | undefined }) {
  const name = fieldOf(p.scale.id);
  const errorId = `error-${name}`;
  const hintId = `hint-${name}`;
  return (
    <fieldset class="slider" data-slider={name} aria-describedby={p.error ? `${hintId} ${errorId}` : hintId} aria-invalid={p.error ? 'true' : undefined}>
      <legend id={`legend-${name}`}>{p.scale.question}</legend>
      <div class="slider-track" hidden>
        <input type="range" min="0" max="100" step="1" value="50" class="untouched" aria-labelledby={`legend-${name}`} aria-valuetext={p.t('slider.unset')} data-range-for={name} />
        <div class="ends" aria-hidden="true">
          <span>{p.scale.anchors[0]}</span>
          <span>{p.scale.anchors[1]}</span>
        </div>
      </div>
      <label class="slider-box">
        <span>{p.t('slider.value')}</span>
        <input type="number" name={name} min="0" max="100" step="1" inputmode="numeric" required />
        <span class="hint">
          0 = {p.scale.anchors[0]}, 100 = {p.scale.anchors[1]}
        </span>
      </label>
      <p class="hint" id={hintId}>
        {p.t('slider.hint')}
      </p>
      <FieldError message={p.error} id={errorId} />
    </fieldset>
  );
}

/** Two replies side by side (stacked on a phone), A first; then which is more empathic. */
export function PairField(p: { left: string; right: string; question: string; strength: boolean; t: Text; error: string | undefined; name?: string; values?: readonly string[] }) {
  const name = p.name ?? 'choice';
  const options = p.values
    ? p.values.map((v, i) => ({ value: v, label: i === 0 ? p.t('pair.choose_left') : p.t('pair.choose_right') }))
    : p.strength
      ? [
          { value: '-2', label: p.t('pair.clearly_left') },
          { value: '-1', label: p.t('pair.slightly_left') },
          { value: '1', label: p.t('pair.slightly_right') },
          { value: '2', label: p.t('pair.clearly_right') },
        ]
      : [
          { value: '-1', label: p.t('pair.choose_left') },
          { value: '1', label: p.t('pair.choose_right') },
        ];
  const errorId = `error-${name}`;
  return (
    <>
      <div class="pair">
        <section class="card reply" aria-label={p.t('pair.left')}>
          <span class="label">{p.t('pair.left')}</span>
          <div class="text">{p.left}</div>
        </section>
        <section class="card reply" aria-label={p.t('pair.right')}>
          <span class="label">{p.t('pair.right')}</span>
          <div class="text">{p.right}</div>
        </section>
      </div>
      <fieldset data-scale={name} aria-describedby={p.error ? errorId : undefined} aria-invalid={p.error ? 'true' : undefined}>
        <legend>{p.question}</legend>
        <div class={`scale points-${options.length}`}>
          {options.map((o, i) => (
            <label>
              <input type="radio" name={name} value={o.value} required />
              <span class="n">{String(i + 1)}</span>
              <span>{o.label}</span>
            </label>
          ))}
        </div>
        <FieldError message={p.error} id={errorId} />
      </fieldset>
    </>
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
