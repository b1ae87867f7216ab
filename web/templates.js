// templates.js -- "Skabeloner", for the people who keep the templates: every installed template with its lint
// result (GET /templates/{id}/lint) and the LIX of its own text (static_text.metrics.lix), and a template .docx
// checked before it is installed (POST /lint: the file is only checked, never installed).

import { json, request, readJson, ApiError, may, signedOut } from './api.js';
import {
  el, clear, show, level, summaryText, lixBox, countWords, announce, dropZone, sentence,
} from './ui.js';

const $ = (id) => document.getElementById(id);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
let loaded = false;

export function initTemplates() {
  const input = $('lint-file');
  dropZone($('lint-drop'), input);
  input.addEventListener('change', () => setFileError(''));
  $('lint-form').addEventListener('submit', (e) => {
    e.preventDefault();
    lintUpload();
  });
}

function setFileError(msg) {
  const p = $('lint-file-error');
  p.textContent = msg;
  show(p, !!msg);
  if (msg) $('lint-file').setAttribute('aria-invalid', 'true');
  else $('lint-file').removeAttribute('aria-invalid');
}

let uploading = false; // a template is being checked: a second submit waits for the first answer

async function lintUpload() {
  if (uploading) return;
  const input = $('lint-file');
  const file = input.files && input.files[0];
  if (!file) {
    setFileError('Vælg først en skabelon i Word (.docx).');
    input.focus();
    return;
  }
  setFileError('');
  announce($('lint-status'), 'Tjekker skabelonen …');
  const box = $('lint-result');
  uploading = true;
  try {
    const res = await request('POST', '/lint', { body: file, type: DOCX });
    const data = await readJson(res);
    if (!res.ok) {
      if (data && data.code === 'bad_template') {
        throw new ApiError(res.status, data, 'Filen er ikke en Word-fil (.docx). Gem skabelonen som .docx i Word, og prøv igen.');
      }
      throw new ApiError(res.status, data, (data && data.message) || 'Skabelonen kunne ikke tjekkes.');
    }
    clear(box);
    box.append(lintReport(data, file.name, 'h3'));
    show(box, true);
    announce($('lint-status'), 'Skabelonen er tjekket: ' + verdict(data));
    box.focus();
  } catch (err) {
    announce($('lint-status'), '');
    if (signedOut(err)) return;
    setFileError(err.message);
    input.focus();
  } finally {
    uploading = false;
  }
}

function verdict(data) {
  const errors = data.count || 0;
  const warnings = data.warnings || 0;
  if (!errors && !warnings) return 'ingen problemer fundet.';
  return countWords(errors, 'fejl', 'fejl') + ' og ' + countWords(warnings, 'advarsel', 'advarsler') + '.';
}

// lintReport(data, title, heading) -> a section with the template's problems and its own text's check
export function lintReport(data, title, heading = 'h3') {
  const sec = el('section', { class: 'card lint' });
  sec.append(el(heading, { text: title }));
  const errors = data.count || 0;
  const problems = data.problems || [];
  sec.append(el('p', { class: errors ? 'verdict verdict-bad' : 'verdict verdict-ok' },
    el('span', { 'aria-hidden': 'true', text: errors ? '✖ ' : '✔ ' }),
    errors ? 'Skabelonen har ' + verdict(data).replace(/\.$/, '') + '. Den skal rettes, før den kan bruges.'
      : (problems.length ? 'Skabelonen kan bruges, men se advarslerne igennem.' : 'Skabelonen er i orden.')));
  if (problems.length) {
    const ul = el('ul', { class: 'findings' });
    for (const p of problems) {
      const lv = level(p.level);
      const li = el('li', { class: 'finding finding-' + p.level },
        el('p', { class: 'finding-head' },
          el('span', { class: 'badge badge-' + p.level }, el('span', { 'aria-hidden': 'true', text: lv.icon + ' ' }), lv.word),
          ' ', sentence(p.message)));
      const where = [];
      if (p.paragraph) where.push('afsnit ' + p.paragraph);
      if (p.part && p.part !== 'word/document.xml') where.push(partName(p.part));
      if (where.length || p.context) {
        li.append(el('p', { class: 'finding-meta' },
          where.length ? 'Hvor: ' + where.join(', ') + (p.context ? '. ' : '') : '',
          p.context ? el('span', {}, 'Teksten: ', el('code', { text: p.context })) : ''));
      }
      ul.append(li);
    }
    sec.append(ul);
  }
  if (data.fields_checked === false && data.fields_note) {
    sec.append(el('p', { class: 'hint', text: 'Bemærk: ' + data.fields_note }));
  }
  const st = data.static_text;
  sec.append(el(heading === 'h2' ? 'h3' : 'h4', { text: 'Skabelonens egen tekst' }));
  if (!st) {
    sec.append(el('p', { text: 'Skabelonens tekst kunne ikke tjekkes, fordi skabelonen har fejl. Ret fejlene først.' }));
    return sec;
  }
  const lix = st.metrics ? lixBox(st.metrics.lix, 'Skabelonens tekst', true) : null;
  if (lix) sec.append(lix);
  sec.append(el('p', { text: 'Teksten er tjekket som et brev: ' + summaryText(st.summary) + '.' }));
  const fs = st.findings || [];
  if (fs.length) {
    const ul = el('ul', { class: 'findings' });
    for (const f of fs) {
      const lv = level(f.level);
      ul.append(el('li', { class: 'finding finding-' + f.level },
        el('p', { class: 'finding-head' },
          el('span', { class: 'badge badge-' + f.level }, el('span', { 'aria-hidden': 'true', text: lv.icon + ' ' }), lv.word),
          ' ', f.message),
        f.text ? el('p', { class: 'finding-meta', text: 'Teksten: »' + f.text + '«' +
          ((f.suggestions || []).length ? ' · Forslag: ' + f.suggestions.slice(0, 3).map((s) => '»' + s + '«').join(', ') : '') }) : null));
    }
    sec.append(ul);
  }
  return sec;
}

function partName(part) {
  if (/header/.test(part)) return 'sidehovedet';
  if (/footer/.test(part)) return 'sidefoden';
  if (/manifest/.test(part)) return 'manifest.json';
  return part;
}

// loadInstalled: the installed templates, each with its lint, fetched one after the other when the view opens
export async function loadInstalled() {
  if (loaded) return;
  const list = $('templates-list');
  const status = $('templates-status');
  if (!may('templates')) {
    list.textContent = 'Din adgangsnøgle giver ikke lov til at se skabelonerne.';
    return;
  }
  loaded = true;
  announce(status, 'Henter skabelonerne …');
  let templates;
  try {
    templates = (await json('GET', '/templates')).templates || [];
  } catch (err) {
    loaded = false;
    announce(status, signedOut(err) ? '' : err.message);
    return;
  }
  clear(list);
  if (!templates.length) {
    announce(status, 'Der er ingen skabeloner lagt ind.');
    return;
  }
  for (const t of templates) {
    const slot = el('div', { class: 'template-slot' }, el('p', { class: 'muted', text: 'Tjekker ' + t.title + ' …' }));
    list.append(slot);
  }
  let i = 0;
  for (const t of templates) {
    const slot = list.children[i++];
    try {
      const data = await json('GET', '/templates/' + encodeURIComponent(t.id) + '/lint');
      clear(slot);
      const sec = lintReport(data, t.title, 'h3');
      sec.insertBefore(el('p', { class: 'hint', text: 'Mappe: ' + t.id + (t.kind ? ' · Art: ' + t.kind : '') }),
        sec.children[1]);
      slot.append(sec);
    } catch (err) {
      if (signedOut(err)) {
        // the login is shown once; the list is fetched again when the view opens after it
        loaded = false;
        clear(list);
        announce(status, '');
        return;
      }
      clear(slot);
      slot.append(el('section', { class: 'card lint' }, el('h3', { text: t.title }), el('p', { text: err.message })));
    }
  }
  announce(status, templates.length === 1 ? 'Skabelonen er tjekket.' : 'Alle ' + templates.length + ' skabeloner er tjekket.');
}
