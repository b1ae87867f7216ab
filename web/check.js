// check.js -- "Tjek et brev": a pasted text or a .docx goes to POST /check?text=1; the report's paragraphs are
// shown with every finding marked in place (a link to the finding in the list below, its message on hover and on
// keyboard focus), suggestions for a pasted text are buttons that change the text and check it again, and a .docx
// can be downloaded with the findings as Word comments (POST /check?annotate=1).

import { request, readJson, ApiError, fileName, saveBlob, signedOut } from './api.js';
import {
  el, clear, show, level, summaryText, lixBox, byteToChar, announce, dropZone, attachTooltip,
} from './ui.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const $ = (id) => document.getElementById(id);
const state = {
  checkedText: null, // the textarea's value that the shown report is about (null for a .docx)
  checkedFile: null, // the .docx the shown report is about (the annotated download is of this one)
  paragraphs: [],
  file: null,
  busy: false,
};

export function initCheck() {
  const form = $('check-form');
  const input = $('check-file');
  dropZone($('check-drop'), input);
  input.addEventListener('change', () => {
    state.file = input.files && input.files[0] ? input.files[0] : null;
    $('check-file-name').textContent = state.file
      ? 'Valgt: ' + state.file.name + ($('check-text').value.trim() ? ' (filen bliver tjekket, ikke teksten i feltet)' : '')
      : '';
    show($('check-file-chosen'), !!state.file);
    setFormError('');
  });
  $('check-file-clear').addEventListener('click', () => {
    input.value = '';
    state.file = null;
    show($('check-file-chosen'), false);
    input.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    runCheck({ focusResult: true });
  });
  $('check-download').addEventListener('click', downloadAnnotated);
}

function setFormError(msg) {
  const p = $('check-form-error');
  p.textContent = msg;
  show(p, !!msg);
}

function query(extra) {
  const kind = $('check-kind').value;
  const q = ['text=1'];
  if (kind) q.push('kind=' + encodeURIComponent(kind));
  if (extra) q.push(extra);
  return '/check?' + q.join('&');
}

// runCheck: checks the chosen file, else the textarea's text, and shows the report
async function runCheck({ focusResult, after } = {}) {
  if (state.busy) return;
  const text = $('check-text').value;
  const file = state.file;
  if (!file && !text.trim()) {
    setFormError('Sæt en tekst ind i feltet »Brevets tekst«, eller vælg en Word-fil.');
    $('check-text').focus();
    return;
  }
  setFormError('');
  state.busy = true;
  $('check-submit').disabled = true;
  announce($('check-status'), 'Tjekker brevet …');
  try {
    const res = file
      ? await request('POST', query(), { body: file, type: DOCX })
      : await request('POST', query(), { body: text, type: 'text/plain; charset=utf-8' });
    const data = await readJson(res);
    if (!res.ok) throw new ApiError(res.status, data, friendly(data));
    state.checkedText = file ? null : text;
    state.checkedFile = file || null;
    renderReport(data, !file);
    const msg = (after ? after + ' ' : '') + 'Brevet er tjekket: ' + summaryText(data.summary) + '.';
    announce($('check-status'), msg);
    if (focusResult) $('check-result-title').focus();
  } catch (err) {
    announce($('check-status'), '');
    if (!signedOut(err)) setFormError(err.message);
  } finally {
    state.busy = false;
    $('check-submit').disabled = false;
  }
}

function friendly(data) {
  if (data && data.code === 'bad_letter') {
    return 'Brevet kunne ikke læses. Gem det som en Word-fil (.docx), og prøv igen. (' + (data.message || '') + ')';
  }
  return data && data.message ? data.message : 'Brevet kunne ikke tjekkes.';
}

function renderReport(report, isText) {
  const findings = (report.findings || []).map((f, i) => ({ ...f, n: i + 1 }));
  state.paragraphs = report.paragraphs || [];
  show($('check-result'), true);

  // summary: counts, a sentence that says what to do, and LIX
  const sumBox = $('check-summary');
  clear(sumBox);
  const s = report.summary || {};
  let verdict = 'Ingen fejl eller advarsler. Godt skrevet!';
  if (s.errors) verdict = 'Brevet har fejl, som skal rettes, før det sendes.';
  else if (s.warnings) verdict = 'Ingen fejl, men se advarslerne igennem.';
  else if (s.infos) verdict = 'Ingen fejl eller advarsler; se gerne bemærkningerne.';
  sumBox.append(
    el('p', { class: 'summary-line' }, el('strong', { text: summaryText(s) })),
    el('p', { text: verdict }),
  );
  const lix = report.metrics ? lixBox(report.metrics.lix, 'Brevet') : null;
  if (lix) sumBox.append(lix);

  // findings about the whole letter
  const whole = $('check-whole');
  clear(whole);
  const wholeFindings = findings.filter((f) => f.paragraph === null || f.paragraph === undefined);
  if (wholeFindings.length) {
    whole.append(el('h3', { text: 'Om hele brevet' }));
    const ul = el('ul', { class: 'findings' });
    for (const f of wholeFindings) ul.append(findingItem(f, isText));
    whole.append(ul);
  }

  // the letter's text with the marks
  const letter = $('check-letter');
  clear(letter);
  const descs = el('div', { hidden: true });
  const byPara = new Map();
  for (const f of findings) {
    if (f.paragraph === null || f.paragraph === undefined) continue;
    if (!byPara.has(f.paragraph)) byPara.set(f.paragraph, []);
    byPara.get(f.paragraph).push(f);
  }
  let lastPart = 'body';
  for (const p of state.paragraphs) {
    if (p.part && p.part !== lastPart) {
      letter.append(el('p', { class: 'part-label', text: partName(p.part) }));
      lastPart = p.part;
    }
    letter.append(renderParagraph(p, byPara.get(p.index) || [], descs));
  }
  if (!state.paragraphs.length) letter.append(el('p', { class: 'muted', text: 'Brevet har ingen tekst.' }));
  letter.append(descs);

  // every finding in a list, with suggestions
  const list = $('check-findings');
  clear(list);
  const inText = findings.filter((f) => f.paragraph !== null && f.paragraph !== undefined);
  show($('check-findings-title'), inText.length > 0);
  for (const f of inText) list.append(findingItem(f, isText));
  show($('check-download-wrap'), !isText);
}

function partName(part) {
  return {
    body: 'Brevet', header: 'Sidehoved', footer: 'Sidefod', footnote: 'Fodnoter', endnote: 'Slutnoter',
  }[part] || part;
}

function describe(f) {
  const lv = level(f.level);
  return lv.word + ' (' + f.rule + '): ' + f.message;
}

// One paragraph with its findings marked. Overlapping findings are split into segments, each marked with the
// most serious level among the findings that cover it; a finding of length 0 is a marker at its place.
function renderParagraph(p, fs, descs) {
  const text = p.text || '';
  const node = el('p', { class: p.heading ? 'letter-heading letter-h' + Math.min(p.heading, 3) : 'letter-p' });
  const b2c = byteToChar(text);
  const ranges = fs.map((f) => {
    const s = b2c(f.start || 0);
    return { f, s, e: Math.max(s, b2c((f.start || 0) + (f.length || 0))) };
  });
  const cuts = new Set([0, text.length]);
  for (const r of ranges) { cuts.add(r.s); cuts.add(r.e); }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    for (const r of ranges) if (r.s === a && r.e === a) node.append(markNode([r.f], '', descs));
    if (i + 1 >= points.length) break;
    const b = points[i + 1];
    const cover = ranges.filter((r) => r.s <= a && r.e >= b && r.e > r.s).map((r) => r.f);
    const piece = text.slice(a, b);
    node.append(cover.length ? markNode(cover, piece, descs) : document.createTextNode(piece));
  }
  return node;
}

function markNode(cover, piece, descs) {
  const worst = cover.slice().sort((x, y) => level(x.level).rank - level(y.level).rank)[0];
  const lv = level(worst.level);
  const descId = 'mark-desc-' + cover.map((f) => f.n).join('-') + '-' + descs.childElementCount;
  descs.append(el('span', { id: descId, text: cover.map(describe).join(' ') }));
  const a = el('a', {
    class: 'mark mark-' + worst.level + (piece ? '' : ' mark-empty'),
    href: '#fund-' + worst.n,
    'aria-describedby': descId,
    'data-findings': cover.map((f) => f.n).join(' '),
  }, el('span', { class: 'mark-icon', 'aria-hidden': 'true', text: lv.icon }));
  if (piece) a.append(piece);
  else a.append(el('span', { class: 'visually-hidden', text: lv.word + ' her' }));
  a.addEventListener('click', (e) => {
    e.preventDefault();
    const li = document.getElementById('fund-' + worst.n);
    if (li) li.focus();
  });
  attachTooltip(a, () => cover.map(describe));
  return a;
}

function findingItem(f, isText) {
  const lv = level(f.level);
  const li = el('li', { id: 'fund-' + f.n, class: 'finding finding-' + f.level, tabindex: '-1' });
  const msgId = 'fund-' + f.n + '-msg';
  li.append(el('p', { class: 'finding-head' },
    el('span', { class: 'badge badge-' + f.level }, el('span', { 'aria-hidden': 'true', text: lv.icon + ' ' }), lv.word),
    ' ', el('span', { id: msgId, text: f.message })));
  const meta = [];
  if (f.text) meta.push('Teksten: »' + f.text + '«');
  meta.push('Regel: ' + f.rule);
  li.append(el('p', { class: 'finding-meta', text: meta.join(' · ') }));
  const sugg = (f.suggestions || []).slice(0, 5);
  const actions = el('p', { class: 'finding-actions' });
  if (sugg.length && isText && f.paragraph !== null && f.paragraph !== undefined) {
    for (const s of sugg) {
      actions.append(el('button', {
        type: 'button', class: 'suggestion', 'aria-describedby': msgId,
        onclick: () => applySuggestion(f, s),
      }, 'Ret til »' + s + '«'));
    }
  } else if (sugg.length) {
    actions.append('Forslag: ' + sugg.map((s) => '»' + s + '«').join(', '));
  }
  if (f.paragraph !== null && f.paragraph !== undefined) {
    actions.append(el('button', {
      type: 'button', class: 'link-button', 'aria-describedby': msgId,
      onclick: () => {
        // the first mark that covers the finding (a mark lists every finding it covers)
        const m = $('check-letter').querySelector('[data-findings~="' + f.n + '"]');
        if (m) m.focus();
      },
    }, 'Vis i teksten'));
  }
  if (actions.childNodes.length) li.append(actions);
  return li;
}

// The character range of a finding in the checked text. A text letter's paragraphs are its non-blank lines
// (a heading line "# X" gives the paragraph "X"; a front matter block is not letter text), in order; each
// paragraph's text is found within its line, so the range is found without repeating the service's rules.
function rangeInText(f) {
  const text = state.checkedText;
  const paras = state.paragraphs.filter((p) => (p.part || 'body') === 'body').sort((a, b) => a.index - b.index);
  let lineStart = 0;
  const lines = text.split('\n').map((l) => {
    const r = { start: lineStart, text: l };
    lineStart += l.length + 1;
    return r;
  });
  let li = 0;
  for (const p of paras) {
    let found = -1;
    for (let k = li; k < lines.length; k++) {
      const at = p.text ? lines[k].text.indexOf(p.text) : -1;
      if (at >= 0) { found = lines[k].start + at; li = k + 1; break; }
    }
    if (found < 0) continue;
    if (p.index === f.paragraph) {
      const b2c = byteToChar(p.text);
      const s = found + b2c(f.start || 0);
      const e = found + b2c((f.start || 0) + (f.length || 0));
      return { s, e };
    }
  }
  return null;
}

async function applySuggestion(f, suggestion) {
  if (state.busy) return; // a check is on its way: its report is about the text as it was sent
  const ta = $('check-text');
  if (state.checkedText === null || ta.value !== state.checkedText) {
    setFormError('Teksten er ændret, siden den blev tjekket. Tjek den igen, før du bruger et forslag.');
    ta.focus();
    return;
  }
  const r = rangeInText(f);
  if (!r || (f.text && ta.value.slice(r.s, r.e) !== f.text && !ta.value.slice(r.s, r.e).includes(f.text))) {
    setFormError('Forslaget kunne ikke sættes ind. Ret teksten selv, og tjek den igen.');
    return;
  }
  ta.value = ta.value.slice(0, r.s) + suggestion + ta.value.slice(r.e);
  await runCheck({ focusResult: true, after: '»' + (f.text || '') + '« er rettet til »' + suggestion + '«.' });
}

async function downloadAnnotated() {
  const file = state.checkedFile;
  if (!file) return;
  const btn = $('check-download');
  btn.disabled = true;
  announce($('check-status'), 'Laver brevet med kommentarer …');
  try {
    const kind = $('check-kind').value;
    const res = await request('POST', '/check?annotate=1' + (kind ? '&kind=' + encodeURIComponent(kind) : ''), {
      body: file, type: DOCX,
    });
    if (!res.ok) {
      const data = await readJson(res);
      throw new ApiError(res.status, data, friendly(data));
    }
    const base = file.name.replace(/\.docx$/i, '');
    const name = base ? base + '-med-kommentarer.docx' : fileName(res, 'kommenteret.docx');
    saveBlob(await res.blob(), name);
    announce($('check-status'), 'Brevet med kommentarer er hentet som ' + name + '.');
  } catch (err) {
    announce($('check-status'), signedOut(err) ? '' : err.message);
  } finally {
    btn.disabled = false;
  }
}
