// web.test.mjs -- the web page of klarbrev serve in a real browser (Debian's Chromium through puppeteer-core):
// login, "Tjek et brev", "Nyt brev", "Skabeloner", keyboard-only use, axe-core (WCAG 2.1 A and AA) in every
// state, and no sideways scrolling at 200 % zoom and in a 320 px wide window. Run by tests/web/test_web.sh, which
// starts the service and sets:
//   KB_URL       the service (http://127.0.0.1:PORT)
//   KB_TOKEN     a token of the service's tokens file for every route
//   KB_OPEN_URL  a service started without a tokens file (no login)
//   KLARBREV     the build's klarbrev (for `klarbrev text` on the downloaded letter)
//   KB_SRC       the repository (the sample template and its case)
//   KB_WORK      a folder for downloads
//   KB_BROKEN    a template .docx with an unclosed section
//   KB_LETTER    a letter .docx (the sample letter, filled)
//   KB_SHOTS     where the screenshots go
//   KB_CHROMIUM  the browser (default /usr/bin/chromium)
// Exit 0 all passed, 1 a failure, 77 Chromium could not start (ctest: skipped).

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const env = (k, d) => {
  const v = process.env[k] || d;
  if (!v) {
    console.error('web.test.mjs: ' + k + ' is not set (run through ctest: tests/web/test_web.sh)');
    process.exit(1);
  }
  return v;
};
const URL_ = env('KB_URL');
const OPEN_URL = env('KB_OPEN_URL');
const TOKEN = env('KB_TOKEN');
const KLARBREV = env('KLARBREV');
const SRC = env('KB_SRC');
const WORK = env('KB_WORK');
const BROKEN = env('KB_BROKEN');
const LETTER = env('KB_LETTER');
const SHOTS = env('KB_SHOTS');
const CHROMIUM = env('KB_CHROMIUM', '/usr/bin/chromium');
const STEP_MS = Number(process.env.KB_WEB_TIMEOUT_MS || 60000); // generous: the ASan build is slow

const EXAMPLE = JSON.parse(fs.readFileSync(path.join(SRC, 'templates/afslag-kontanthjaelp/example.json'), 'utf8'));
const TEMPLATE = 'afslag-kontanthjaelp';

let passed = 0;
let failed = 0;
function ok(name) {
  passed++;
  console.log('ok   ' + name);
}
function bad(name, why) {
  failed++;
  console.log('FAIL ' + name + ': ' + why);
}
function check(cond, name, why) {
  if (cond) ok(name);
  else bad(name, why || 'not so');
  return cond;
}

// step(name, fn): a failure or a timeout inside fails the step and the run goes on with the next one
async function step(name, fn) {
  try {
    await fn();
  } catch (err) {
    bad(name, (err && err.stack) || String(err));
  }
}

function get(obj, p) {
  return p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

// ---- the browser --------------------------------------------------------------------------------------------

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--lang=da-DK', '--no-first-run',
      '--font-render-hinting=none'],
    env: { ...process.env, LANG: 'da_DK.UTF-8', LANGUAGE: 'da' },
    timeout: 60000,
  });
} catch (err) {
  console.log('SKIP: Chromium could not start (' + CHROMIUM + '): ' + String(err.message || err).split('\n')[0]);
  console.log('SKIP: install it with scripts/install-deps.sh (Debian package chromium), or set KB_CHROMIUM');
  process.exit(77);
}

const downloads = path.join(WORK, 'downloads');
fs.mkdirSync(downloads, { recursive: true });
fs.mkdirSync(SHOTS, { recursive: true });

const page = await browser.newPage();
page.setDefaultTimeout(STEP_MS);
await page.setViewport({ width: 1280, height: 900 });
const cdp = await page.createCDPSession();
// a Danish caseworker's browser: the date picker takes day, month, year
await cdp.send('Emulation.setLocaleOverride', { locale: 'da-DK' });
await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true })
  .catch(() => cdp.send('Page.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads }));

// Problems the page itself has: uncaught exceptions and CSP violations ("Refused to ...") fail the run.
const pageProblems = [];
page.on('pageerror', (e) => pageProblems.push('page error: ' + e.message));
page.on('console', (m) => {
  const t = m.text();
  if (m.type() === 'error' && !/Failed to load resource/.test(t)) pageProblems.push('console: ' + t);
  if (/Refused to|Content Security Policy/i.test(t)) pageProblems.push('CSP: ' + t);
});

// The page asks nothing of anyone but the service (no CDN, no fonts, no analytics).
const foreign = [];
page.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith(URL_ + '/') && !/^(blob|data|about):/.test(u)) foreign.push(u);
});

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
async function axe(state) {
  await page.evaluate(AXE);
  const res = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG);
  const v = res.violations;
  const text = v.map((x) => x.id + ' (' + x.impact + '): ' + x.help + ' -- ' +
    x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')).join('\n    ');
  check(v.length === 0, 'axe: no WCAG 2.1 A/AA violations: ' + state, '\n    ' + text);
}

// shot(name): a full-page screenshot for docs/web.md; the text cursor is hidden so that the same page gives the
// same picture whether the cursor blinked or not
async function shot(name) {
  await page.evaluate(() => new Promise((done) => {
    if (document.activeElement) document.activeElement.style.caretColor = 'transparent';
    requestAnimationFrame(() => requestAnimationFrame(done));
  }));
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
  await page.evaluate(() => { if (document.activeElement) document.activeElement.style.caretColor = ''; });
}

// noSideScroll(state): at 200 % zoom (a 1280 px window seen as 640 CSS px) and in a 320 px window the page does
// not scroll sideways
async function noSideScroll(state, shotName) {
  const before = page.viewport();
  for (const [w, h, what] of [[640, 450, '200 % zoom'], [320, 640, '320 px window']]) {
    await page.setViewport({ width: w, height: h });
    await new Promise((r) => setTimeout(r, 150));
    const m = await page.evaluate(() => ({
      sw: document.documentElement.scrollWidth,
      cw: document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right >
        document.documentElement.clientWidth + 1 && e.offsetParent !== null)
        .slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className),
    }));
    check(m.sw <= m.cw, 'no sideways scrolling at ' + what + ': ' + state,
      'scrollWidth ' + m.sw + ' > ' + m.cw + ' (' + m.wide.join(', ') + ')');
    if (shotName && w === 320) await shot(shotName);
  }
  await page.setViewport(before);
}

async function text(sel) {
  return page.$eval(sel, (e) => e.innerText);
}

async function visible(sel) {
  return page.$eval(sel, (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)).catch(() => false);
}

// waitDownload(name, since): the file appears complete in the download folder
async function waitDownload(name, since) {
  const f = path.join(downloads, name);
  const until = Date.now() + STEP_MS;
  while (Date.now() < until) {
    if (fs.existsSync(f) && fs.statSync(f).mtimeMs >= since && !fs.existsSync(f + '.crdownload') &&
        fs.statSync(f).size > 0) return f;
    await new Promise((r) => setTimeout(r, 100));
  }
  const said = await page.evaluate(() => ['fill-result', 'fill-state', 'check-status']
    .map((id) => document.getElementById(id).innerText.trim()).filter(Boolean).join(' | '));
  throw new Error('no download ' + name + ' in ' + downloads + ' (' + fs.readdirSync(downloads).join(', ') +
    '); the page says: ' + said.slice(0, 600));
}

function clearDownloads() {
  for (const f of fs.readdirSync(downloads)) fs.rmSync(path.join(downloads, f), { force: true });
}

async function setValue(selector, value) {
  await page.$eval(selector, (e) => { e.value = ''; });
  await page.focus(selector);
  // typing (not setting .value) so the page sees the events a person's typing gives
  const lines = String(value).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (i) await page.keyboard.press('Enter');
    if (lines[i]) await page.keyboard.type(lines[i]);
  }
}

// dateKeys(iso) -> the digits a person types into a date picker: in the order of the browser's language (Danish:
// day, month, year; a browser without Danish language files: month, day, year)
async function dateKeys(iso) {
  const [y, m, d] = iso.split('-');
  const order = await page.evaluate(() => new Intl.DateTimeFormat(navigator.language)
    .formatToParts(new Date(2026, 10, 28)).map((p) => p.type).filter((t) => ['day', 'month', 'year'].includes(t)));
  return order.map((t) => ({ day: d, month: m, year: y }[t])).join('');
}

async function typeDate(selector, iso) {
  const keys = await dateKeys(iso);
  await page.focus(selector);
  await page.keyboard.type(keys);
  const got = await page.$eval(selector, (e) => e.value);
  if (got !== iso) throw new Error('date input ' + selector + ' holds "' + got + '" after typing ' + iso);
}

async function fieldSelector(p) {
  return page.evaluate((fieldPath) => {
    const e = document.querySelector('[name="' + CSS.escape(fieldPath) + '"]');
    return e ? '#' + CSS.escape(e.id) : null;
  }, p);
}

async function fillField(p, value) {
  const sel = await fieldSelector(p);
  if (!sel) throw new Error('no form field for ' + p);
  const type = await page.$eval(sel, (e) => e.type);
  if (type === 'date') await typeDate(sel, value);
  else await setValue(sel, value);
}

const FIELDS = [
  'kommune.navn', 'kommune.afdeling', 'kommune.adresse', 'kommune.telefon', 'kommune.email', 'kommune.privatliv',
  'sag.nummer', 'sag.dato', 'modtager.navn', 'modtager.adresse', 'ansoegning.dato', 'begrundelse.fakta',
  'sagsbehandler.navn', 'sagsbehandler.telefon',
];

// ---- the tests ----------------------------------------------------------------------------------------------

await step('login', async () => {
  await page.goto(URL_ + '/', { waitUntil: 'networkidle0' });
  const csp = await page.evaluate(async () => (await fetch('/')).headers.get('Content-Security-Policy'));
  check(/script-src 'self'/.test(csp || ''), 'the page is served with its Content-Security-Policy', String(csp));
  check(await page.$eval('html', (e) => e.lang) === 'da', 'the page says it is Danish (lang="da")');
  await page.waitForSelector('#login-token', { visible: true });
  ok('the login is shown without a session');
  await axe('login');
  await shot('login');
  await page.type('#login-token', 'forkert-0123456789abcdef');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#login-token[aria-invalid="true"]');
  const err = await text('#login-token-error');
  check(/passer ikke/.test(err), 'a wrong token is told next to the field', err);
  check(await page.$eval('#login-token', (e) => e.getAttribute('aria-describedby').includes('login-token-error')),
    'the login error is tied to the field (aria-describedby)');
  await axe('login with a wrong token');
  await page.$eval('#login-token', (e) => { e.value = ''; });
  await page.type('#login-token', TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#view-check:not([hidden])');
  ok('the right token opens "Tjek et brev"');
  const cookie = (await page.cookies()).find((c) => c.name === 'klarbrev_session');
  check(cookie && cookie.httpOnly, 'the session is an HttpOnly cookie', JSON.stringify(cookie));
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector('#view-check:not([hidden])');
  ok('the session survives a reload (login once)');
});

await step('check a pasted text', async () => {
  await page.goto(URL_ + '/#tjek', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#check-text', { visible: true });
  await axe('Tjek et brev, empty');
  await page.type('#check-text', 'Vi har modtaget din ansøgnig. Såfremt du har spørgsmål, kan du ringe til os.');
  await page.select('#check-kind', 'tekst');
  await page.click('#check-submit');
  await page.waitForSelector('#check-letter .mark');
  const marks = await page.$$eval('#check-letter .mark', (ms) => ms.map((m) => ({
    text: m.innerText, cls: m.className, desc: document.getElementById(m.getAttribute('aria-describedby')).textContent,
  })));
  const typo = marks.find((m) => m.text.includes('ansøgnig'));
  const kanc = marks.find((m) => m.text.includes('Såfremt'));
  check(typo && /mark-warning/.test(typo.cls), 'the typo "ansøgnig" is marked in the text', JSON.stringify(marks));
  check(kanc && /mark-warning/.test(kanc.cls), 'the kancellisprog "Såfremt" is marked in the text', JSON.stringify(marks));
  check(typo && /Ukendt ord/.test(typo.desc), 'the mark is described by its rule and message', typo && typo.desc);
  check(typo && /▲/.test(typo.text), 'a mark shows its level by a symbol, not colour alone', typo && typo.text);
  const sum = await text('#check-summary');
  check(/2 advarsler/.test(sum) && /LIX \d/.test(sum) && /lettere/.test(sum),
    'the summary has the counts and LIX with what it means', sum);
  // the message on hover and on keyboard focus
  await page.hover('#check-letter .mark');
  await page.waitForSelector('#tooltip:not([hidden])');
  check(/Advarsel/.test(await text('#tooltip')), 'hovering a mark shows its message');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#tooltip[hidden]');
  ok('Escape hides the message');
  await page.focus('#check-submit');
  let focusedMark = false;
  for (let i = 0; i < 10 && !focusedMark; i++) {
    await page.keyboard.press('Tab');
    focusedMark = await page.evaluate(() => document.activeElement.classList.contains('mark'));
  }
  check(focusedMark, 'Tab reaches the marks in the text');
  check(await visible('#tooltip:not([hidden])'), 'a mark focused by the keyboard shows its message');
  await axe('Tjek et brev, with findings');
  await shot('tjek');
  await noSideScroll('Tjek et brev, with findings', 'smal');
  // "Vis i teksten" on a finding in the list brings the keyboard to its mark
  const shown = await page.evaluate(() => {
    const item = [...document.querySelectorAll('#check-findings li')].find((li) => /Såfremt/.test(li.textContent));
    const button = item && [...item.querySelectorAll('button')].find((b) => b.textContent === 'Vis i teksten');
    if (!button) return 'no button';
    button.click();
    return document.activeElement.classList.contains('mark') ? document.activeElement.textContent : 'not a mark';
  });
  check(/Såfremt/.test(shown), '"Vis i teksten" focuses the finding\'s mark in the text', shown);
});

await step('apply a suggestion', async () => {
  const [btn] = await page.$$('xpath/.//button[contains(., "Ret til »ansøgning«")]');
  if (!btn) throw new Error('no button "Ret til »ansøgning«"');
  await btn.click();
  await page.waitForFunction(() => /rettet/.test(document.getElementById('check-status').textContent), { timeout: STEP_MS });
  const ta = await page.$eval('#check-text', (e) => e.value);
  check(ta.includes('din ansøgning.') && !ta.includes('ansøgnig'), 'the suggestion changed the pasted text', ta);
  const marks = await page.$$eval('#check-letter .mark', (ms) => ms.map((m) => m.innerText));
  check(!marks.some((m) => m.includes('ansøgnig')) && marks.some((m) => m.includes('Såfremt')),
    'the text is checked again: the typo is gone, "Såfremt" is still marked', JSON.stringify(marks));
  check(/1 advarsel/.test(await text('#check-summary')), 'the new summary counts one warning');
  const [hvis] = await page.$$('xpath/.//button[contains(., "Ret til »Hvis«")]');
  if (!hvis) throw new Error('no button "Ret til »Hvis«"');
  await hvis.click();
  await page.waitForFunction(() => document.getElementById('check-text').value.includes('Hvis du har'),
    { timeout: STEP_MS });
  await page.waitForFunction(() => !document.querySelector('#check-letter .mark'), { timeout: STEP_MS });
  ok('the second suggestion leaves a text without findings');
});

await step('check a .docx and download it with comments', async () => {
  await page.$eval('#check-text', (e) => { e.value = ''; });
  await page.select('#check-kind', '');
  const input = await page.$('#check-file');
  await input.uploadFile(LETTER);
  await page.waitForSelector('#check-file-chosen:not([hidden])');
  await page.click('#check-submit');
  await page.waitForFunction(() => /Brevet er tjekket/.test(document.getElementById('check-status').textContent),
    { timeout: STEP_MS });
  const letter = await text('#check-letter');
  check(letter.includes('Mette Lund Kristiansen'), 'the letter\'s text is shown', letter.slice(0, 200));
  check(await visible('#check-download'), 'a .docx can be downloaded with comments');
  clearDownloads();
  const since = Date.now() - 1000;
  await page.click('#check-download');
  const f = await waitDownload(path.basename(LETTER).replace(/\.docx$/, '') + '-med-kommentarer.docx', since);
  const head = fs.readFileSync(f).subarray(0, 2).toString('latin1');
  check(head === 'PK', 'the download is a .docx (a zip file)', head);
  await axe('Tjek et brev, a .docx');
  await page.click('#check-file-clear');
});

await step('new letter: a missing field, then the letter', async () => {
  await page.goto(URL_ + '/#nyt', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#fill-template option[value="' + TEMPLATE + '"]');
  check(await page.$eval('#fill-form', (e) => e.hidden), 'with two templates, no form until one is chosen');
  await page.select('#fill-template', TEMPLATE);
  await page.waitForSelector('#fill-form:not([hidden])');
  const labels = await page.$$eval('#fill-fields label', (ls) => ls.map((l) => l.textContent));
  check(labels.some((l) => l.includes('Brevets dato')), 'the form has the manifest\'s labels', labels.join(' | '));
  check(await page.$eval(await fieldSelector('sag.dato'), (e) => e.type) === 'date', 'a date field is a date picker');
  check(await page.$eval(await fieldSelector('modtager.adresse'), (e) => e.tagName) === 'TEXTAREA',
    'an address has a field of several lines');
  check(await page.$eval(await fieldSelector('kommune.navn'), (e) => e.getAttribute('aria-required')) === 'true',
    'a required field says so');
  await axe('Nyt brev, empty form');
  for (const p of FIELDS) if (p !== 'sagsbehandler.telefon') await fillField(p, get(EXAMPLE, p));
  // typed and then emptied: the field is told while typing (POST /validate)
  const navn = await fieldSelector('sagsbehandler.navn');
  await page.$eval(navn, (e) => { e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForSelector(navn + '[aria-invalid="true"]');
  ok('a required field emptied while typing is marked invalid');
  await fillField('sagsbehandler.navn', get(EXAMPLE, 'sagsbehandler.navn'));
  await page.waitForSelector(navn + ':not([aria-invalid])');
  ok('filled again, the field is no longer invalid');
  // "Lav brevet" with a missing field: 400 invalid_case, tied to the field
  await page.click('#fill-submit');
  const tel = await fieldSelector('sagsbehandler.telefon');
  await page.waitForSelector(tel + '[aria-invalid="true"]');
  const err = await page.$eval(tel, (e) => e.getAttribute('aria-describedby').split(' ')
    .map((id) => document.getElementById(id)).filter((x) => x && !x.hidden).map((x) => x.textContent).join(' '));
  check(/[Mm]angler/.test(err), 'the missing field has its message, tied to it by aria-describedby', err);
  const result = await text('#fill-result');
  check(/ikke lavet/.test(result) && /Sagsbehandlerens telefonnummer/.test(result),
    'the problems are listed by the fields\' labels', result);
  const [link] = await page.$$('xpath/.//div[@id="fill-result"]//a[contains(., "Sagsbehandlerens telefonnummer")]');
  await link.click();
  check(await page.evaluate((s) => document.activeElement === document.querySelector(s), tel),
    'the problem\'s link goes to its field');
  await axe('Nyt brev, a missing field');
  await page.waitForFunction(() => /ikke lavet: et felt mangler/.test(document.getElementById('fill-state').textContent),
    { timeout: STEP_MS });
  ok('the status says why the letter is not made');
  await shot('nyt-brev-mangler');
  await noSideScroll('Nyt brev, a missing field');
  // complete it: the letter is downloaded and is the letter of the case
  await fillField('sagsbehandler.telefon', get(EXAMPLE, 'sagsbehandler.telefon'));
  await page.waitForFunction(() => /Alle felter er udfyldt rigtigt/.test(document.getElementById('fill-state').textContent),
    { timeout: STEP_MS });
  ok('the completed case is valid while typing');
  clearDownloads();
  const since = Date.now() - 1000;
  await page.click('#fill-submit');
  const f = await waitDownload('brev.docx', since);
  const letterText = execFileSync(KLARBREV, ['text', f, '--all'], { encoding: 'utf8' });
  check(letterText.includes('Mette Lund Kristiansen') && letterText.includes('58.300 kr.') &&
    letterText.includes('Anders Holm'), 'the downloaded .docx is the letter of the case (klarbrev text)',
  letterText.slice(0, 300));
  check(/Brevet er lavet/.test(await text('#fill-result')), 'the page says the letter is made');
  await page.waitForFunction(() => /lavet og hentet som brev\.docx/.test(document.getElementById('fill-state').textContent),
    { timeout: STEP_MS });
  ok('the status says the letter is made');
  await axe('Nyt brev, the letter made');
  await shot('nyt-brev');
});

await step('new letter: an error blocks it, linked to its field', async () => {
  const fakta = await fieldSelector('begrundelse.fakta');
  await setValue(fakta, 'Dit CPR-nummer er 010190-1234. Du har 58.300 kr. på en opsparingskonto.');
  await page.waitForFunction(() => /Alle felter er udfyldt rigtigt/.test(document.getElementById('fill-state').textContent),
    { timeout: STEP_MS });
  await page.click('#fill-submit');
  await page.waitForFunction(() => /fundet noget, der skal rettes/.test(document.getElementById('fill-result').textContent),
    { timeout: STEP_MS });
  const [link] = await page.$$('xpath/.//div[@id="fill-result"]//a[contains(., "De oplysninger, vi har lagt vægt på")]');
  check(!!link, 'the blocking finding links to the field it came from (origin field:...)', await text('#fill-result'));
  if (link) {
    await link.click();
    check(await page.evaluate((s) => document.activeElement === document.querySelector(s), fakta),
      'the link goes to the field');
  }
  check(await page.$eval(fakta, (e) => e.getAttribute('aria-invalid')) === 'true', 'the field is marked invalid');
  await page.waitForFunction(() => /tjekket fandt 1 fejl/.test(document.getElementById('fill-state').textContent),
    { timeout: STEP_MS });
  ok('the status says why the letter is not made');
  await axe('Nyt brev, blocked by an error');
  await shot('nyt-brev-fejl');
});

await step('new letter with the keyboard only', async () => {
  const page2 = page;
  await page2.goto('about:blank'); // a new page, not the same page with another #fragment
  await page2.goto(URL_ + '/#nyt', { waitUntil: 'networkidle0' });
  await page2.waitForSelector('#fill-template option[value="' + TEMPLATE + '"]');
  await page2.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
  let presses = 0;
  while (presses < 30) {
    await page2.keyboard.press('Tab');
    presses++;
    if (await page2.evaluate(() => document.activeElement.id === 'fill-template')) break;
  }
  check(presses < 30, 'Tab reaches the choice of template from the top of the page', presses + ' presses');
  await page2.keyboard.type('Afslag'); // a closed list takes the first letters of its choice
  await page2.waitForSelector('#fill-form:not([hidden])');
  await page2.keyboard.press('Tab');
  check(await page2.evaluate((s) => document.activeElement === document.querySelector(s), await fieldSelector(FIELDS[0])),
    'typing the template\'s name chooses it, and Tab goes on to its first field');
  for (const p of FIELDS) {
    const sel = await fieldSelector(p);
    const isHere = await page2.evaluate((s) => document.activeElement === document.querySelector(s), sel);
    if (!isHere) throw new Error('Tab order: expected ' + p + ', focus is on ' +
      await page2.evaluate(() => document.activeElement.outerHTML.slice(0, 120)));
    const type = await page2.$eval(sel, (e) => e.type);
    const v = get(EXAMPLE, p);
    if (type === 'date') {
      await page2.keyboard.type(await dateKeys(v));
    } else {
      const lines = v.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (i) await page2.keyboard.press('Enter');
        await page2.keyboard.type(lines[i]);
      }
    }
    // Tab to the next field (a date picker has a stop of its own for its calendar button)
    for (let i = 0; i < 4; i++) {
      await page2.keyboard.press('Tab');
      if (!(await page2.evaluate((s) => document.activeElement === document.querySelector(s), sel))) break;
    }
  }
  ok('every field is reached with Tab in the form\'s order and filled by typing');
  // Tab: the format choice (Word is chosen), then "Lav brevet"; Enter makes the letter
  let onButton = false;
  for (let i = 0; i < 4 && !onButton; i++) {
    onButton = await page2.evaluate(() => document.activeElement.id === 'fill-submit');
    if (!onButton) await page2.keyboard.press('Tab');
  }
  check(onButton, 'Tab reaches "Lav brevet"');
  clearDownloads();
  const since = Date.now() - 1000;
  await page2.keyboard.press('Enter');
  const f = await waitDownload('brev.docx', since);
  const letterText = execFileSync(KLARBREV, ['text', f, '--all'], { encoding: 'utf8' });
  check(letterText.includes('Kastanjevej 14, 2. th.') && letterText.includes('28. november 2026'),
    'Enter on "Lav brevet" gives the letter', letterText.slice(0, 300));
  check(await page2.evaluate(() => document.activeElement.id === 'fill-result'),
    'the focus moves to the result, where a screen reader reads it');
});

await step('new letter: a list, a choice, a yes/no field and amounts', async () => {
  await page.goto('about:blank');
  await page.goto(URL_ + '/#nyt', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#fill-template option[value="bevilling-hjaelpemidler"]');
  await page.select('#fill-template', 'bevilling-hjaelpemidler');
  await page.waitForSelector('#fill-form:not([hidden])');
  check(await page.$eval(await fieldSelector('udfald'), (e) => e.tagName) === 'SELECT', 'a choice is a list to choose from');
  check(await page.$eval(await fieldSelector('samtykke'), (e) => e.type) === 'checkbox', 'a yes/no field is a checkbox');
  check(await page.$$eval('.list-row', (r) => r.length) === 1, 'a required list starts with one row');
  await fillField('modtager.navn', 'Mette Lund');
  await page.select(await fieldSelector('udfald'), 'bevilling');
  await fillField('hjaelpemidler[0].navn', 'Rollator');
  await fillField('hjaelpemidler[0].beløb', '2.500');
  const [add] = await page.$$('xpath/.//button[contains(., "Tilføj en linje til »Hjælpemidler«")]');
  await add.click();
  check(await page.evaluate((s) => document.activeElement === document.querySelector(s),
    await fieldSelector('hjaelpemidler[1].navn')), '"Tilføj" adds a row and puts the cursor in it');
  await page.keyboard.type('Badebænk');
  await add.click();
  await page.keyboard.type('Skal fjernes');
  const [remove] = await page.$$('xpath/.//button[contains(., "Fjern hjælpemidler, nr. 3")]');
  await remove.click();
  check(await page.$$eval('.list-row', (r) => r.length) === 2 &&
    await page.$eval(await fieldSelector('hjaelpemidler[1].navn'), (e) => e.value) === 'Badebænk',
  '"Fjern" removes its row and keeps the others');
  await fillField('tilskud', '14.845,50');
  await page.click('label[for="' + (await fieldSelector('samtykke')).slice(1) + '"]');
  // the second row's price is missing: its problem is tied to that row's field (hjaelpemidler[1].beløb)
  await page.click('#fill-submit');
  const price = await fieldSelector('hjaelpemidler[1].beløb');
  await page.waitForSelector(price + '[aria-invalid="true"]');
  ok('a missing field in a list row is marked invalid');
  check(/Hjælpemidler, nr\. 2: Pris/.test(await text('#fill-result')), 'the problem names the row of the list',
    await text('#fill-result'));
  await axe('Nyt brev, a list with a missing price');
  await shot('nyt-brev-liste');
  await noSideScroll('Nyt brev, a list');
  await fillField('hjaelpemidler[1].beløb', '12.345,50');
  await page.waitForFunction(() => /Alle felter er udfyldt rigtigt/.test(document.getElementById('fill-state').textContent),
    { timeout: STEP_MS });
  clearDownloads();
  const since = Date.now() - 1000;
  await page.click('#fill-submit');
  const f = await waitDownload('brev.docx', since);
  const letterText = execFileSync(KLARBREV, ['text', f, '--all'], { encoding: 'utf8' });
  check(letterText.includes('Rollator: 2.500,00 kr.') && letterText.includes('Badebænk: 12.345,50 kr.') &&
    letterText.includes('14.845,50 kr. i alt') && letterText.includes('Du har givet os lov') &&
    letterText.includes('Vi har besluttet: bevilling.') && !letterText.includes('Skal fjernes'),
  'the list\'s rows, the amounts typed the Danish way, the choice and the checkbox reach the letter', letterText);
});

await step('templates: the installed ones and an upload', async () => {
  await page.goto(URL_ + '/#skabeloner', { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => /tjekket/.test(document.getElementById('templates-status').textContent),
    { timeout: STEP_MS });
  const list = await text('#templates-list');
  // the sample template is clean: lint and its own text (test_template_tools holds it to that)
  check(/Afslag på kontanthjælp[^]*?Skabelonen er i orden\./.test(list) && /LIX \d/.test(list),
    'an installed template is shown with its lint result and the LIX of its own text', list.slice(0, 400));
  await axe('Skabeloner');
  await shot('skabeloner');
  await noSideScroll('Skabeloner');
  // the file dropped on the dashed area, as from Explorer (a drop event with the file, made in the page)
  const b64 = fs.readFileSync(BROKEN).toString('base64');
  await page.$eval('#lint-drop', (zone, data, name) => {
    const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64, path.basename(BROKEN));
  check(await page.$eval('#lint-file', (e) => e.files.length === 1 && e.files[0].name) === path.basename(BROKEN),
    'a file dropped on the area is the chosen file');
  await page.click('#lint-form button[type="submit"]');
  await page.waitForSelector('#lint-result:not([hidden])');
  const res = await text('#lint-result');
  check(/\{\{#x\}\}/.test(res) && /lukkes aldrig/.test(res) && /Fejl/.test(res),
    'an uploaded template\'s lint problems are shown', res.slice(0, 400));
  await axe('Skabeloner, an uploaded template with errors');
  await shot('skabelon-fejl');
});

await step('a session that has ended: login again, the work is still there', async () => {
  await page.goto('about:blank');
  await page.goto(URL_ + '/#tjek', { waitUntil: 'networkidle0' });
  await page.waitForSelector('#check-text', { visible: true });
  await page.type('#check-text', 'Tak for dit brev.');
  await page.deleteCookie({ name: 'klarbrev_session', url: URL_ }); // as after 8 hours or a restart
  await page.click('#check-submit');
  await page.waitForSelector('#login-token', { visible: true });
  check(/logget ud/.test(await text('#login-token-error')), 'a request without a session shows the login with why');
  await page.type('#login-token', TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#view-check:not([hidden])');
  check(await page.$eval('#check-text', (e) => e.value) === 'Tak for dit brev.', 'after the login the text is still there');
  check(await page.$eval('#check-form-error', (e) => e.hidden), 'and no stale error is left in the form');
  await page.click('#check-submit');
  await page.waitForFunction(() => /Brevet er tjekket/.test(document.getElementById('check-status').textContent),
    { timeout: STEP_MS });
  ok('the new session checks the text');
});

await step('log out', async () => {
  await page.goto(URL_ + '/#tjek', { waitUntil: 'networkidle0' });
  await page.click('#logout');
  await page.waitForSelector('#login-token', { visible: true });
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector('#login-token', { visible: true });
  ok('"Log ud" ends the session');
});

await step('a service without tokens: no login', async () => {
  const ctx = await browser.createBrowserContext();
  const p = await ctx.newPage();
  p.setDefaultTimeout(STEP_MS);
  p.on('pageerror', (e) => pageProblems.push('page error (no tokens): ' + e.message));
  await p.goto(OPEN_URL + '/', { waitUntil: 'networkidle0' });
  await p.waitForSelector('#view-check:not([hidden])');
  check(await p.$eval('#view-login', (e) => e.hidden) && await p.$eval('#user', (e) => e.hidden),
    'without a tokens file the page opens "Tjek et brev" with no login and no "Log ud"');
  await p.type('#check-text', 'Vi har modtaget din ansøgnig.');
  await p.click('#check-submit');
  await p.waitForSelector('#check-letter .mark');
  ok('a text is checked without a session (no CSRF header needed)');
  await ctx.close();
});

check(foreign.length === 0, 'the page asks nothing of anyone but the service', foreign.join(', '));
check(pageProblems.length === 0, 'the page had no script errors and no CSP violations', pageProblems.join('\n    '));
await browser.close();
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
