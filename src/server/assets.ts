/**
 * The app's only client code and styles, served from this server (the CSP allows nothing else).
 * The script adds keyboard use (1..N picks an option of the first unanswered question), measures the
 * time on the page, and ignores a second submit of the same form. Everything works without it.
 */
export const APP_JS = `(() => {
  const started = performance.now();
  const form = document.querySelector('form[data-step]');
  if (!form) return;
  form.addEventListener('submit', (event) => {
    const ms = form.querySelector('input[name="ms"]');
    if (ms) ms.value = String(Math.round(performance.now() - started));
    if (form.dataset.sent === '1') { event.preventDefault(); return; }
    form.dataset.sent = '1';
  });
  // The number keys can be switched off (WCAG 2.1.4); the choice is kept in this browser.
  let keys = true;
  try { keys = localStorage.getItem('el_keys') !== 'off'; } catch (e) { keys = true; }
  const toggle = document.getElementById('keys-toggle');
  if (toggle) {
    toggle.checked = keys;
    toggle.closest('label').hidden = false;
    toggle.addEventListener('change', () => {
      keys = toggle.checked;
      try { localStorage.setItem('el_keys', keys ? 'on' : 'off'); } catch (e) { /* private mode: this page only */ }
    });
  }
  // The self-describe box is for the option that asks for it.
  for (const box of document.querySelectorAll('[data-describe-box]')) {
    const group = box.closest('fieldset');
    const sync = () => { const chosen = group.querySelector('input[type="radio"]:checked'); box.hidden = !(chosen && chosen.dataset.selfDescribe === '1'); };
    group.addEventListener('change', sync);
    sync();
  }
  // Sliders: the number box is the answer; the range input sets it, its marker hidden until first set.
  for (const box of document.querySelectorAll('fieldset[data-slider]')) {
    const number = box.querySelector('input[type="number"]');
    const range = box.querySelector('input[type="range"]');
    const track = box.querySelector('.slider-track');
    const hint = box.querySelector('.hint[id]');
    const set = () => { range.classList.remove('untouched'); number.value = range.value; range.setAttribute('aria-valuetext', range.value); if (hint) hint.classList.remove('error'); };
    if (number.value !== '') { range.value = number.value; set(); }
    track.hidden = false;
    box.querySelector('.slider-box').hidden = true;
    // The browser cannot point at a hidden box: the submit handler below checks it instead.
    number.required = false;
    range.addEventListener('input', set);
    range.addEventListener('change', set);
    range.addEventListener('pointerup', set);
    range.addEventListener('keydown', (event) => { if (range.classList.contains('untouched') && /^(Arrow|Home|End|Page)/.test(event.key)) { set(); } });
    form.addEventListener('submit', (event) => {
      if (number.value === '') { event.preventDefault(); form.dataset.sent = ''; range.focus(); if (hint) hint.classList.add('error'); }
    });
  }
  document.addEventListener('keydown', (event) => {
    if (!keys) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && (target.tagName === 'TEXTAREA' || (target.tagName === 'INPUT' && target.type !== 'radio' && target.type !== 'checkbox' && target.type !== 'range'))) return;
    if (!/^[1-9]$/.test(event.key)) return;
    const groups = Array.from(form.querySelectorAll('fieldset[data-scale]'));
    const focused = groups.find((g) => g.contains(document.activeElement));
    const group = focused && !focused.querySelector('input:checked') ? focused : groups.find((g) => !g.querySelector('input:checked')) || focused;
    if (!group) return;
    const option = group.querySelectorAll('input[type="radio"]')[Number(event.key) - 1];
    if (!option) return;
    option.checked = true;
    option.focus();
    event.preventDefault();
    const next = groups.find((g) => !g.querySelector('input:checked'));
    if (next) next.querySelector('input').focus();
    else form.querySelector('button[type="submit"]').focus();
  });
})();
`;

export const APP_CSS = `
:root { color-scheme: light; --ink: #1f2937; --muted: #4b5563; --line: #d1d5db; --accent: #1d4ed8; --bg: #f8fafc; --ok: #065f46; --error: #b91c1c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; background: #f8fafc; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
header.top { background: #fff; border-bottom: 1px solid var(--line); }
header.top .inner, main { max-width: 44rem; margin: 0 auto; padding: 0 1rem; }
header.top .inner { display: flex; justify-content: space-between; align-items: center; gap: 1rem; min-height: 3.2rem; }
header.top .name { font-weight: 600; font-size: .95rem; }
.progress { font-size: .85rem; color: var(--muted); white-space: nowrap; }
.bar { height: 4px; background: #e5e7eb; line-height: 0; }
.bar svg { display: block; }
main { padding-top: 1.5rem; padding-bottom: 3rem; }
h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1.1rem 1.2rem; margin: 0 0 1.2rem; }
.card.post { border-left: 4px solid #64748b; }
.card.reply { border-left: 4px solid var(--accent); }
.label { display: block; font-size: .8rem; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); margin-bottom: .35rem; font-weight: 600; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
fieldset { border: 1px solid var(--line); border-radius: 10px; padding: .8rem 1rem 1rem; margin: 0 0 1rem; background: #fff; }
legend { font-weight: 600; padding: 0 .3rem; }
.scale { display: grid; grid-template-columns: repeat(auto-fit, minmax(4.5rem, 1fr)); gap: .4rem; margin-top: .4rem; }
${Array.from({ length: 10 }, (_, i) => i + 2).map((n) => `.scale.points-${n} { grid-template-columns: repeat(${n}, minmax(0, 1fr)); }`).join('\n')}
.scale label { display: flex; flex-direction: column; align-items: center; text-align: center; gap: .3rem; font-size: .82rem; line-height: 1.25; padding: .5rem .25rem; border: 1px solid var(--line); border-radius: 8px; cursor: pointer; min-height: 3rem; }
.scale label:hover { border-color: var(--accent); }
.scale input { width: 1.15rem; height: 1.15rem; margin: 0; flex-shrink: 0; accent-color: var(--accent); }
.scale label:has(input:checked) { border-color: var(--accent); background: #eff6ff; }
.scale .n { font-weight: 700; color: var(--muted); font-size: .75rem; }
.choices label { display: flex; align-items: center; gap: .6rem; padding: .45rem .2rem; cursor: pointer; }
.choices input { width: 1.1rem; height: 1.1rem; flex-shrink: 0; accent-color: var(--accent); }
input[type=number], input[type=text], textarea, select { font: inherit; padding: .45rem .6rem; border: 1px solid #9ca3af; border-radius: 6px; width: 100%; max-width: 24rem; background: #fff; }
textarea { max-width: none; min-height: 5rem; }
button { font: inherit; font-weight: 600; border: 0; border-radius: 8px; padding: .7rem 1.4rem; background: var(--accent); color: #fff; cursor: pointer; }
button:focus-visible, input:focus-visible, a:focus-visible, textarea:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
button.secondary { background: #fff; color: var(--muted); border: 1px solid var(--line); font-weight: 500; }
.actions { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin-top: 1.2rem; flex-wrap: wrap; }
.hint { color: var(--muted); font-size: .85rem; }
.error { color: var(--error); font-weight: 600; margin: .3rem 0 0; }
.notice { background: #fef2f2; border: 1px solid #fecaca; border-radius: 8px; padding: .6rem .9rem; color: var(--error); }
.code { font: 700 1.6rem/1.2 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .06em; background: #ecfdf5; color: var(--ok); border: 1px dashed var(--ok); padding: .6rem 1rem; border-radius: 8px; display: inline-block; }
footer.leave { max-width: 44rem; margin: 0 auto; padding: 0 1rem 2rem; }
footer.leave { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; align-items: center; }
footer.leave a { color: var(--muted); font-size: .85rem; }
footer.leave .keys { display: flex; gap: .4rem; align-items: center; color: var(--muted); font-size: .85rem; }
footer.leave .keys[hidden], [hidden] { display: none; }
.banner { margin: 0; padding: .5rem 1rem; background: #fef3c7; border-bottom: 1px solid #f59e0b; text-align: center; font-weight: 600; font-size: .9rem; }
.markdown p { margin: 0 0 .8rem; }
.admin-forms { display: flex; gap: 1rem; flex-wrap: wrap; align-items: flex-end; }
.admin-forms form { display: flex; gap: .5rem; align-items: flex-end; flex-wrap: wrap; }
.admin-forms input[type=text] { max-width: 14rem; }
table.admin { border-collapse: collapse; width: 100%; font-size: .9rem; background: #fff; }
table.admin th, table.admin td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e5e7eb; }
table.admin td.num, table.admin th.num { text-align: right; font-variant-numeric: tabular-nums; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr)); gap: .6rem; margin-bottom: 1rem; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: .6rem .8rem; }
.tile b { display: block; font-size: 1.5rem; }
.tile span { color: var(--muted); font-size: .82rem; }
main.wide { max-width: 64rem; }
.histogram { max-width: 100%; height: auto; }
fieldset.items > fieldset { border: 0; border-top: 1px solid #e5e7eb; border-radius: 0; padding: .6rem 0 .2rem; margin: 0; }
fieldset.items > fieldset legend { font-weight: 500; padding: 0; }
.slider-track { padding: .6rem .2rem .2rem; }
.slider-track input[type=range] { width: 100%; height: 2.2rem; margin: 0; accent-color: var(--accent); cursor: pointer; }
.slider-track input[type=range].untouched::-webkit-slider-thumb { opacity: 0; }
.slider-track input[type=range].untouched::-moz-range-thumb { opacity: 0; }
.slider-track .ends { display: flex; justify-content: space-between; gap: 1rem; font-size: .85rem; color: var(--muted); }
.slider-track .ends span:last-child { text-align: right; }
.slider-box { display: flex; flex-direction: column; gap: .3rem; }
.slider-box input { max-width: 8rem; }
.slider-box[hidden], .slider-track[hidden] { display: none; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; }
.pair .card { margin-bottom: .8rem; }
main.pairs { max-width: 60rem; }
@media (max-width: 34rem) {
  body { font-size: 16px; }
  .scale, .scale[class] { grid-template-columns: 1fr; }
  .scale label { flex-direction: row; justify-content: flex-start; text-align: left; min-height: 0; font-size: .95rem; padding: .6rem .7rem; }
  .pair { grid-template-columns: 1fr; gap: 0; }
}
`;
