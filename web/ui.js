// ui.js -- small helpers shared by the page's views: building elements, the levels of a finding in words and
// symbols (never colour alone), LIX in plain Danish, and the UTF-8 byte offsets of a report turned into the
// character offsets of a JavaScript string.

// el('p', {class: 'x', text: 'hi'}, child...) -> an element. Attributes are set as attributes (no inline style:
// the page's Content-Security-Policy forbids style attributes in markup).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

export function show(node, on = true) {
  node.hidden = !on;
}

// Levels: a word, a symbol and a CSS class each, so the level is told three ways.
export const LEVELS = {
  error: { word: 'Fejl', lower: 'fejl', icon: '✖', rank: 0 },
  warning: { word: 'Advarsel', lower: 'advarsel', icon: '▲', rank: 1 },
  info: { word: 'Bemærkning', lower: 'bemærkning', icon: 'ℹ', rank: 2 },
};

export function level(name) {
  return LEVELS[name] || LEVELS.info;
}

// "1 fejl", "2 advarsler", "1 bemærkning"
export function countWords(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}

export function summaryText(summary) {
  const s = summary || {};
  return [
    countWords(s.errors || 0, 'fejl', 'fejl'),
    countWords(s.warnings || 0, 'advarsel', 'advarsler'),
    countWords(s.infos || 0, 'bemærkning', 'bemærkninger'),
  ].join(' · ');
}

// A number the Danish way: 35,6
export function danishNumber(x, decimals = 1) {
  return Number(x).toLocaleString('da-DK', { minimumFractionDigits: 0, maximumFractionDigits: decimals });
}

// The Danish LIX scale (the same bands as plugins/readability.lua), judged on the rounded value as shown.
export function lixBand(lix) {
  const r = Math.round(lix);
  if (r < 25) return 'meget let at læse';
  if (r < 35) return 'let at læse';
  if (r < 45) return 'middelsvær at læse';
  if (r < 55) return 'svær at læse';
  return 'meget svær at læse';
}

const LIX_MEANS = 'LIX er et tal for, hvor let en tekst er at læse: jo lavere tal, jo lettere. Det regnes ud fra, ' +
  'hvor mange ord sætningerne har i snit, og hvor mange af ordene der er lange (mere end seks bogstaver). Under 25 ' +
  'er meget let, 25–34 let, 35–44 middel, 45–54 svær og 55 eller mere meget svær. Et brev til en borger bør helst ' +
  'have en LIX under 40. Korte sætninger og almindelige ord giver en lavere LIX.';

// The LIX box: the number, its band and what it means, for people who have never heard of LIX. compact: the
// explanation folded in a "Hvad betyder LIX?" (a page with many boxes)
export function lixBox(lix, what = 'Teksten', compact = false) {
  if (typeof lix !== 'number') return null;
  const means = compact
    ? el('details', { class: 'hint' }, el('summary', { text: 'Hvad betyder LIX?' }), el('p', { text: LIX_MEANS }))
    : el('p', { class: 'hint', text: LIX_MEANS });
  return el('div', { class: 'lix' },
    el('p', { class: 'lix-value' },
      el('strong', { text: 'LIX ' + danishNumber(lix) }), ': ' + what + ' er ' + lixBand(lix) + '.'),
    means);
}

// A message from the service as a sentence: capital first letter
export function sentence(msg) {
  const m = String(msg || '');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

// byteToChar(text) -> function mapping a UTF-8 byte offset of text to its UTF-16 index (an offset inside a
// character maps to that character's start).
export function byteToChar(text) {
  const map = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i);
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map[bytes + k] = i;
    bytes += n;
    if (c >= 0x10000) i++;
  }
  return (b) => (b >= bytes ? text.length : b <= 0 ? 0 : map[b]);
}

// A field path (bilag[0].titel) as a safe element id (f-bilag-0-titel): ids must not need escaping anywhere.
export function fieldId(path) {
  let out = 'f';
  for (const ch of path) {
    if (/[a-z0-9]/i.test(ch)) out += ch.toLowerCase();
    else if (ch === 'æ') out += 'ae';
    else if (ch === 'ø') out += 'oe';
    else if (ch === 'å') out += 'aa';
    else out += '-';
  }
  // different paths must not meet in one id: keep a short hash of the exact path
  let h = 0;
  for (const ch of path) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return out.replace(/-+/g, '-') + '-' + h.toString(36);
}

const announceTimers = new WeakMap();
// announce(region, text): a live region's text, set after a tick so screen readers notice a repeated message
export function announce(region, text) {
  clearTimeout(announceTimers.get(region));
  region.textContent = '';
  announceTimers.set(region, setTimeout(() => { region.textContent = text; }, 50));
}

// setStatus(region, text): a live region's text now, replacing an announcement still on its way
export function setStatus(region, text) {
  clearTimeout(announceTimers.get(region));
  if (region.textContent !== text) region.textContent = text;
}

// A drop zone around a file input: dropping a file sets the input's files and fires its change event.
export function dropZone(zone, input) {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
}

// The shared tooltip for marks: shown on hover and keyboard focus, hidden on Escape, kept while the pointer is
// over it (WCAG 1.4.13). Placed with position: fixed and clamped to the window, so it never widens the page.
const tip = { node: null, owner: null, timer: null };

export function initTooltip() {
  tip.node = document.getElementById('tooltip');
  tip.node.addEventListener('mouseenter', () => clearTimeout(tip.timer));
  tip.node.addEventListener('mouseleave', () => hideTip(150));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !tip.node.hidden) hideTip(0);
  });
  // the tooltip is fixed to the window: it follows its mark when the page scrolls or the window changes size
  const follow = () => { if (!tip.node.hidden && tip.owner) place(tip.owner); };
  window.addEventListener('scroll', follow, { passive: true });
  window.addEventListener('resize', follow);
}

export function attachTooltip(target, textFn) {
  const open = () => showTip(target, textFn());
  target.addEventListener('mouseenter', open);
  target.addEventListener('focus', open);
  target.addEventListener('mouseleave', () => hideTip(200));
  target.addEventListener('blur', () => hideTip(0));
}

function showTip(target, lines) {
  clearTimeout(tip.timer);
  const n = tip.node;
  clear(n);
  for (const line of lines) n.append(el('p', {}, line));
  n.hidden = false;
  tip.owner = target;
  place(target);
}

function place(target) {
  const n = tip.node;
  const r = target.getBoundingClientRect();
  const w = n.offsetWidth;
  const h = n.offsetHeight;
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  let left = Math.min(Math.max(4, r.left), Math.max(4, vw - w - 4));
  let top = r.bottom + 6;
  if (top + h > vh - 4 && r.top - h - 6 > 4) top = r.top - h - 6;
  n.style.left = left + 'px';
  n.style.top = top + 'px';
}

function hideTip(delay) {
  clearTimeout(tip.timer);
  tip.timer = setTimeout(() => {
    tip.node.hidden = true;
    tip.owner = null;
  }, delay);
}
