// fill.js -- "Nyt brev": a template is chosen from GET /templates, a form is built from its manifest's fields,
// the case is checked as the user types (POST /templates/{id}/validate, debounced) and "Lav brevet" sends it to
// POST /templates/{id}/fill: the letter is downloaded, or the problems that stop it are shown, each tied to its
// field (400 invalid_case: problems[].field; 422 blocked: a finding's origin "field:PATH").

import { request, json, readJson, ApiError, fileName, saveBlob, summaryHeader, signedOut } from './api.js';
import {
  el, clear, show, level, summaryText, danishNumber, fieldId, announce, setStatus, countWords,
} from './ui.js';

const $ = (id) => document.getElementById(id);
const VALIDATE_DELAY_MS = 400;

const state = {
  templates: [],
  current: null, // the chosen template (an entry of GET /templates)
  controls: new Map(), // field path -> control (see makeControl); list items as "bilag[0].titel"
  lists: [], // the list controls, in form order
  top: [], // top-level controls, in manifest order
  touched: new Set(), // paths the user has changed; their problems are shown while typing
  showAll: false, // after "Lav brevet": every problem is shown
  problems: [],
  validateTimer: null,
  validateSeq: 0,
  validateMissing: false, // the service has no /validate (older version): check on "Lav brevet" only
  lastLetter: null,
  loaded: false,
};

export function initFill() {
  $('fill-template').addEventListener('change', () => chooseTemplate($('fill-template').value));
  $('fill-form').addEventListener('submit', (e) => {
    e.preventDefault();
    makeLetter();
  });
  $('fill-form').addEventListener('input', onEdit);
  $('fill-form').addEventListener('change', onEdit);
}

// loadTemplates: called when the view is shown; the list is fetched once
export async function loadTemplates() {
  if (state.loaded) return;
  const info = $('fill-template-info');
  info.textContent = 'Henter skabelonerne …';
  try {
    const data = await json('GET', '/templates');
    state.templates = data.templates || [];
    state.loaded = true;
  } catch (err) {
    info.textContent = signedOut(err) ? '' : err.message;
    return;
  }
  const sel = $('fill-template');
  clear(sel);
  if (state.templates.length !== 1) sel.append(el('option', { value: '', text: 'Vælg en skabelon' }));
  for (const t of state.templates) {
    const extra = [t.kind, t.outcome && t.outcome !== t.kind ? t.outcome : null].filter(Boolean).join(', ');
    sel.append(el('option', { value: t.id, text: t.title + (extra ? ' (' + extra + ')' : '') }));
  }
  if (!state.templates.length) {
    info.textContent = 'Der er ingen skabeloner. Bed den, der passer klarbrev, om at lægge en skabelon ind.';
    return;
  }
  chooseTemplate(sel.value);
}

function templateInfo(t) {
  const parts = [];
  if (t.kind) parts.push('Art: ' + t.kind);
  if (t.outcomes && t.outcomes.length) parts.push('Udfald: ' + t.outcomes.join(', '));
  if (t.law && t.law.length) parts.push('Lov: ' + t.law.join(', '));
  if (t.appeal) parts.push('Klage til ' + t.appeal.body + (t.appeal.deadline ? ' inden ' + t.appeal.deadline : ''));
  return parts.join(' · ');
}

function chooseTemplate(id) {
  const t = state.templates.find((x) => x.id === id) || null;
  state.current = t;
  state.controls = new Map();
  state.lists = [];
  state.top = [];
  state.touched = new Set();
  state.showAll = false;
  state.problems = [];
  state.lastLetter = null;
  const box = $('fill-fields');
  clear(box);
  show($('fill-result'), false);
  setStatus($('fill-state'), '');
  show($('fill-form'), !!t);
  $('fill-template-info').textContent = t ? templateInfo(t) : 'Vælg den skabelon, brevet skal laves ud fra.';
  if (!t) return;
  for (const f of t.fields || []) {
    const c = makeControl(f, f.path, null);
    state.top.push(c);
    box.append(c.node);
  }
  scheduleValidate(0);
}

// ---- the form's controls -------------------------------------------------------------------------------------

// A text field is a text area when its guidance says it holds more than a line (the manifest has no such flag:
// a long description means a longer answer); an address is always one, its lines are the address's lines.
function wantsTextarea(f) {
  return f.type === 'address' || (f.type === 'text' && (f.description || '').length > 120);
}

function labelText(f, path) {
  return f.label || path;
}

// makeControl(field, path, row) -> {path, field, node, input?, error, kind}; registered in state.controls
function makeControl(f, path, row) {
  const id = fieldId(path);
  const descId = id + '-desc';
  const errId = id + '-err';
  let typeHint = null;
  if (f.type === 'amount') typeHint = 'Beløb i kroner, fx 12.345,50.';
  if (f.type === 'number') typeHint = 'Et tal, fx 3 eller 2,5.';
  if (f.type === 'cpr') typeHint = 'CPR-nummer, fx 010190-1234.';
  const descText = [typeHint, f.description].filter(Boolean).join(' ');
  const describedBy = [descText ? descId : null, errId].filter(Boolean).join(' ');
  const c = { path, field: f, id, row, error: el('p', { class: 'field-error', id: errId, hidden: true }) };
  const req = f.required ? el('span', { class: 'req-mark', 'aria-hidden': 'true', text: ' *' }) : null;
  const desc = descText ? el('p', { class: 'hint', id: descId, text: descText }) : null;

  if (f.type === 'list') {
    c.kind = 'list';
    c.rows = [];
    c.rowsBox = el('div', { class: 'list-rows' });
    c.addButton = el('button', { type: 'button', class: 'secondary', onclick: () => addRow(c, true) },
      'Tilføj en linje til »' + labelText(f, path) + '«');
    c.node = el('fieldset', { class: 'field list-field', id, 'aria-describedby': describedBy },
      el('legend', {}, labelText(f, path), req,
        f.required ? el('span', { class: 'visually-hidden', text: ' (skal udfyldes)' }) : null),
      desc, c.error, c.rowsBox, el('p', {}, c.addButton));
    c.listPath = path;
    state.lists.push(c);
    state.controls.set(path, c);
    if (f.required) addRow(c, false);
    return c;
  }

  let input;
  if (f.type === 'bool') {
    input = el('input', { type: 'checkbox', id, name: path, 'aria-describedby': describedBy });
    if (f.required) input.setAttribute('aria-required', 'true');
    c.node = el('div', { class: 'field field-bool' },
      el('div', { class: 'check-row' }, input, el('label', { for: id }, labelText(f, path), req,
        f.required ? el('span', { class: 'visually-hidden', text: ' (skal udfyldes)' }) : null)), desc, c.error);
  } else {
    if (f.type === 'choice') {
      input = el('select', { id, name: path });
      input.append(el('option', { value: '', text: 'Vælg …' }));
      for (const v of f.values || []) input.append(el('option', { value: v, text: v }));
    } else if (wantsTextarea(f)) {
      input = el('textarea', { id, name: path, rows: f.type === 'address' ? 3 : 5 });
    } else if (f.type === 'date') {
      input = el('input', { id, name: path, type: 'date' });
    } else {
      input = el('input', { id, name: path, type: 'text' });
      if (f.type === 'amount' || f.type === 'number') input.setAttribute('inputmode', 'decimal');
      if (f.type === 'cpr') input.setAttribute('inputmode', 'numeric');
    }
    if (f.type === 'name' || f.type === 'address' || f.type === 'cpr' || f.personal) {
      input.setAttribute('spellcheck', 'false');
    }
    input.setAttribute('autocomplete', 'off');
    if (describedBy) input.setAttribute('aria-describedby', describedBy);
    if (f.required) input.setAttribute('aria-required', 'true');
    c.node = el('div', { class: 'field' }, el('label', { for: id }, labelText(f, path), req,
      f.required ? el('span', { class: 'visually-hidden', text: ' (skal udfyldes)' }) : null),
    desc, input, c.error);
  }
  c.kind = 'input';
  c.input = input;
  state.controls.set(path, c);
  return c;
}

// A list row: its item fields (or one text field for a list of plain values) and a remove button.
function addRow(list, focus) {
  const row = { controls: [], node: null };
  list.rows.push(row);
  renderRows(list);
  if (focus) {
    const first = row.controls[0];
    if (first && first.input) first.input.focus();
  }
  scheduleValidate();
}

function removeRow(list, row) {
  const i = list.rows.indexOf(row);
  // the values typed so far survive the renumbering
  list.rows.splice(i, 1);
  renderRows(list);
  const next = list.rows[Math.min(i, list.rows.length - 1)];
  if (next && next.controls[0] && next.controls[0].input) next.controls[0].input.focus();
  else list.addButton.focus();
  state.touched.add(list.listPath);
  scheduleValidate();
}

// renderRows: (re)builds the rows' controls with their indexed paths (bilag[0].titel), keeping typed values
function renderRows(list) {
  const values = list.rows.map((r) => r.controls.map((c) => readInput(c)));
  for (const r of list.rows) for (const c of r.controls) state.controls.delete(c.path);
  clear(list.rowsBox);
  const f = list.field;
  const name = labelText(f, list.listPath);
  list.rows.forEach((row, i) => {
    const base = list.listPath + '[' + i + ']';
    row.controls = [];
    const box = el('fieldset', { class: 'list-row' }, el('legend', { text: name + ', nr. ' + (i + 1) }));
    if (f.items && typeof f.items === 'object') {
      for (const [key, sub] of Object.entries(f.items)) {
        const c = makeControl({ ...sub, path: base + '.' + key }, base + '.' + key, row);
        c.key = key;
        row.controls.push(c);
        box.append(c.node);
      }
    } else {
      const c = makeControl({ type: 'text', label: name + ' ' + (i + 1) }, base, row);
      row.controls.push(c);
      box.append(c.node);
    }
    box.append(el('p', {}, el('button', {
      type: 'button', class: 'link-button remove', onclick: () => removeRow(list, row),
    }, 'Fjern ' + name.toLowerCase() + ', nr. ' + (i + 1))));
    row.node = box;
    list.rowsBox.append(box);
    const old = values[i];
    if (old) row.controls.forEach((c, k) => writeInput(c, old[k]));
  });
  applyProblems();
}

function readInput(c) {
  if (!c.input) return null;
  return c.input.type === 'checkbox' ? c.input.checked : c.input.value;
}

function writeInput(c, v) {
  if (!c.input || v === null || v === undefined) return;
  if (c.input.type === 'checkbox') c.input.checked = !!v;
  else c.input.value = v;
}

// ---- the case ------------------------------------------------------------------------------------------------

// "12.345,50" -> "12345.50"; "12.500" (Danish thousands) -> "12500"; anything else is sent as typed, so the
// service's check names the problem.
function amount(v) {
  const s = v.replace(/\s|kr\.?/gi, '');
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) return s.replace(/\./g, '').replace(',', '.');
  if (/^-?\d+(,\d+)?$/.test(s)) return s.replace(',', '.');
  return s;
}

function valueOf(c) {
  const f = c.field;
  if (c.kind === 'list') {
    return c.rows.map((row) => {
      if (!(f.items && typeof f.items === 'object')) return valueOf(row.controls[0]) ?? '';
      const obj = {};
      for (const sub of row.controls) {
        const v = valueOf(sub);
        if (v !== undefined) setPath(obj, sub.key, v);
      }
      return obj;
    });
  }
  if (f.type === 'bool') return c.input.checked;
  const raw = c.input.value;
  if (!raw.trim()) return undefined;
  if (f.type === 'amount' || f.type === 'number') return amount(raw.trim());
  if (f.type === 'address') return raw.replace(/\r\n/g, '\n').trim();
  return raw;
}

// setPath(obj, "a.b", v): {a: {b: v}}
function setPath(obj, path, v) {
  const keys = path.split('.');
  let o = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    if (typeof o[keys[i]] !== 'object' || o[keys[i]] === null) o[keys[i]] = {};
    o = o[keys[i]];
  }
  o[keys[keys.length - 1]] = v;
}

function collectCase() {
  const out = {};
  for (const c of state.top) {
    const v = valueOf(c);
    if (v !== undefined) setPath(out, c.path, v);
  }
  return out;
}

// ---- checking as the user types ------------------------------------------------------------------------------

function controlFor(target) {
  for (const c of state.controls.values()) if (c.input === target) return c;
  return null;
}

function onEdit(e) {
  if (e.target.name === 'format') return;
  const c = controlFor(e.target);
  if (c) {
    state.touched.add(c.path);
    if (c.row) for (const l of state.lists) if (l.rows.includes(c.row)) state.touched.add(l.listPath);
  }
  scheduleValidate();
}

function scheduleValidate(delay = VALIDATE_DELAY_MS) {
  clearTimeout(state.validateTimer);
  if (!state.current || state.validateMissing) return;
  state.validateTimer = setTimeout(validate, delay);
}

async function validate() {
  const t = state.current;
  if (!t) return;
  const seq = ++state.validateSeq;
  let res;
  try {
    res = await request('POST', '/templates/' + encodeURIComponent(t.id) + '/validate', {
      body: JSON.stringify(collectCase()), type: 'application/json',
    });
  } catch (err) {
    return; // the session or the network: shown by the request layer or at "Lav brevet"
  }
  if (seq !== state.validateSeq || t !== state.current) return;
  if (res.status === 404 || res.status === 405) {
    state.validateMissing = true;
    return;
  }
  const data = await readJson(res);
  // "Lav brevet" or another keystroke may have come while the body was read: this answer is then stale
  if (!res.ok || !data || seq !== state.validateSeq || t !== state.current) return;
  state.problems = data.problems || [];
  applyProblems();
  const n = state.problems.length;
  const line = n === 0
    ? 'Alle felter er udfyldt rigtigt. Du kan lave brevet.'
    : (n === 1 ? 'Et felt mangler eller skal rettes.' : n + ' felter mangler eller skal rettes.');
  setStatus($('fill-state'), line);
}

// "feltet \"sag.dato\" (Brevets dato) mangler; det skal udfyldes" -> "Mangler; det skal udfyldes." (the field is
// named by its label already)
function shortMessage(msg) {
  const m = String(msg || '').replace(/^feltet "[^"]*"( \([^)]*\))? /, '');
  const s = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : s + '.';
}

function setError(c, messages) {
  const on = messages.length > 0;
  c.error.textContent = '';
  if (on) {
    c.error.append(el('span', { class: 'error-icon', 'aria-hidden': 'true', text: '✖ ' }), messages.join(' '));
  }
  show(c.error, on);
  if (c.input) {
    if (on) c.input.setAttribute('aria-invalid', 'true');
    else c.input.removeAttribute('aria-invalid');
  }
  c.node.classList.toggle('invalid', on);
}

// applyProblems: the validation's problems (and the findings of a blocked letter) on their fields; a field shows
// its problem once it has been touched, or after "Lav brevet"
function applyProblems() {
  const byField = new Map();
  for (const p of state.problems) {
    if (!p.field) continue;
    if (!byField.has(p.field)) byField.set(p.field, []);
    byField.get(p.field).push(shortMessage(p.message));
  }
  for (const c of state.controls.values()) {
    const msgs = byField.get(c.path) || [];
    const visible = state.showAll || state.touched.has(c.path);
    const extra = c.findingMessages || [];
    setError(c, [...(visible ? msgs : []), ...extra]);
  }
}

// ---- "Lav brevet" --------------------------------------------------------------------------------------------

function focusField(path) {
  let c = state.controls.get(path);
  // a path inside a list whose row is not there (bilag[3]) goes to the list
  if (!c) {
    const m = /^([^[]+)\[/.exec(path);
    if (m) c = state.controls.get(m[1]);
  }
  if (!c) return false;
  if (c.input) c.input.focus();
  else if (c.addButton) {
    c.node.scrollIntoView({ block: 'center' });
    c.addButton.focus();
  }
  return true;
}

// A field's name for a list of problems: a list row's field says which row ("Hjælpemidler, nr. 2: Pris")
function labelFor(path) {
  const c = state.controls.get(path);
  const m = /^([^[]+)\[(\d+)\](\.?)/.exec(path);
  const list = m ? state.controls.get(m[1]) : null;
  if (list) {
    const row = labelText(list.field, m[1]) + ', nr. ' + (Number(m[2]) + 1);
    return c && m[3] ? row + ': ' + labelText(c.field, path) : row;
  }
  return c ? labelText(c.field, path) : path;
}

function fieldLink(path, text) {
  const c = state.controls.get(path);
  const label = labelFor(path);
  return el('a', {
    href: '#' + (c ? c.id : ''),
    onclick: (e) => {
      e.preventDefault();
      focusField(path);
    },
  }, text || label);
}

async function makeLetter() {
  const t = state.current;
  if (!t) return;
  const format = new FormData($('fill-form')).get('format') || 'docx';
  // the answer to "Lav brevet" is the last word: a check still waiting, or on its way, is dropped
  clearTimeout(state.validateTimer);
  state.validateSeq++;
  const btn = $('fill-submit');
  btn.disabled = true;
  const box = $('fill-result');
  for (const c of state.controls.values()) c.findingMessages = [];
  announce($('fill-state'), format === 'pdf' ? 'Laver brevet som PDF; det tager et par sekunder …' : 'Laver brevet …');
  try {
    const res = await request('POST', '/templates/' + encodeURIComponent(t.id) + '/fill?format=' + format, {
      body: JSON.stringify(collectCase()), type: 'application/json',
    });
    if (res.ok) {
      const blob = await res.blob();
      const name = fileName(res, format === 'pdf' ? 'brev.pdf' : 'brev.docx');
      state.lastLetter = { blob, name };
      saveBlob(blob, name);
      showDone(name, summaryHeader(res));
      state.problems = [];
      state.showAll = false;
      applyProblems();
      announce($('fill-state'), 'Brevet er lavet og hentet som ' + name + '.');
      return;
    }
    const data = await readJson(res);
    if (res.status === 400 && data && data.code === 'invalid_case') {
      showInvalid(data);
      const n = state.problems.length;
      announce($('fill-state'), 'Brevet er ikke lavet: ' +
        (n === 1 ? 'et felt mangler eller skal rettes.' : n + ' felter mangler eller skal rettes.'));
    } else if (res.status === 422 && data && data.report) {
      showBlocked(data);
      announce($('fill-state'), 'Brevet er ikke lavet: tjekket fandt ' +
        countWords(data.report.summary.errors || 0, 'fejl', 'fejl') + '.');
    }
    else throw new ApiError(res.status, data, (data && data.message) || 'Brevet kunne ikke laves.');
  } catch (err) {
    if (signedOut(err)) {
      setStatus($('fill-state'), '');
      return;
    }
    announce($('fill-state'), 'Brevet er ikke lavet.');
    clear(box);
    box.append(el('h2', { text: 'Brevet er ikke lavet' }), el('p', { class: 'banner banner-error', text: err.message }));
    show(box, true);
    box.focus();
  } finally {
    btn.disabled = false;
  }
}

function showDone(name, sum) {
  const box = $('fill-result');
  clear(box);
  box.append(el('h2', { text: 'Brevet er lavet' }),
    el('p', { class: 'banner banner-ok' },
      el('span', { 'aria-hidden': 'true', text: '✔ ' }), 'Brevet er hentet som ' + name +
      '. Du finder det i din mappe med overførsler (Overførsler).'));
  if (sum) {
    const line = summaryText({ errors: sum.errors, warnings: sum.warnings, infos: 0 }).replace(/ · 0 bemærkninger$/, '');
    box.append(el('p', {}, 'Tjekket fandt ' + line + '.' +
      (typeof sum.lix === 'number' ? ' Brevets LIX er ' + danishNumber(sum.lix) + '.' : '')));
    if (sum.warnings) {
      box.append(el('p', { class: 'hint', text: 'Advarslerne stopper ikke brevet. Vil du se dem, så tjek brevet under »Tjek et brev«.' }));
    }
  }
  box.append(el('p', {}, el('button', {
    type: 'button', class: 'secondary',
    onclick: () => state.lastLetter && saveBlob(state.lastLetter.blob, state.lastLetter.name),
  }, 'Hent brevet igen')));
  show(box, true);
  box.focus();
}

function problemList(problems) {
  const ul = el('ul', { class: 'problems' });
  for (const p of problems) {
    const msg = p.field ? shortMessage(p.message) : p.message;
    ul.append(el('li', {}, p.field && state.controls.has(p.field) || (p.field && focusable(p.field))
      ? [fieldLink(p.field), ': ', msg] : [msg]));
  }
  return ul;
}

function focusable(path) {
  const m = /^([^[]+)\[/.exec(path);
  return !!(m && state.controls.get(m[1]));
}

function showInvalid(data) {
  state.problems = Array.isArray(data.problems)
    ? data.problems
    : (data.details || []).map((d) => ({ field: null, message: d }));
  state.showAll = true;
  applyProblems();
  const box = $('fill-result');
  clear(box);
  const n = state.problems.length;
  box.append(el('h2', { text: 'Brevet er ikke lavet endnu' }),
    el('p', {}, n === 1 ? 'Et felt mangler eller skal rettes:' : n + ' felter mangler eller skal rettes:'),
    problemList(state.problems),
    el('p', { class: 'hint', text: 'Klik på et felt i listen for at gå til det. Felterne er også markeret i formularen.' }));
  show(box, true);
  box.focus();
}

function showBlocked(data) {
  const findings = (data.report.findings || []).filter((f) => f.level === 'error')
    .concat((data.report.findings || []).filter((f) => f.level !== 'error'));
  const box = $('fill-result');
  clear(box);
  box.append(el('h2', { text: 'Brevet er ikke lavet' }),
    el('p', {}, 'klarbrev har tjekket brevet og fundet noget, der skal rettes først: ' +
      summaryText(data.report.summary) + '.'));
  const ul = el('ul', { class: 'findings' });
  for (const f of findings) {
    const lv = level(f.level);
    const li = el('li', { class: 'finding finding-' + f.level });
    li.append(el('p', { class: 'finding-head' },
      el('span', { class: 'badge badge-' + f.level }, el('span', { 'aria-hidden': 'true', text: lv.icon + ' ' }), lv.word),
      ' ', f.message));
    const origin = f.origin || '';
    if (origin.startsWith('field:')) {
      const path = origin.slice(6);
      const c = state.controls.get(path);
      li.append(el('p', { class: 'finding-meta' }, 'I feltet ', fieldLink(path),
        f.text ? ' (»' + f.text + '«)' : ''));
      if (c && f.level === 'error') c.findingMessages = [...(c.findingMessages || []), lv.word + ': ' + f.message];
      if (c && c.input && f.text && (f.suggestions || []).length) {
        const acts = el('p', { class: 'finding-actions' });
        for (const s of f.suggestions.slice(0, 3)) {
          acts.append(el('button', {
            type: 'button', class: 'suggestion',
            onclick: () => {
              c.input.value = c.input.value.replace(f.text, s);
              c.findingMessages = [];
              state.touched.add(path);
              applyProblems();
              c.input.focus();
              scheduleValidate(0);
            },
          }, 'Ret til »' + s + '«'));
        }
        li.append(acts);
      }
    } else if (origin.startsWith('template') || origin.startsWith('partial:')) {
      li.append(el('p', {
        class: 'finding-meta',
        text: 'Det står i skabelonens egen tekst' + (f.text ? ' (»' + f.text + '«)' : '') +
          '. Sig det til den, der har ansvaret for skabelonen.',
      }));
    }
    ul.append(li);
  }
  box.append(ul);
  applyProblems();
  show(box, true);
  box.focus();
}
