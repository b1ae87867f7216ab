// app.js -- the page's start: asks the service for the session (GET /session), shows the login when a token is
// needed, and switches between the three views by the address's #fragment (#tjek, #nyt, #skabeloner), so the
// browser's back button and bookmarks work. Views the token may not use are not offered.

import { loadSession, signIn, signOut, session, may, setSignedOutHandler } from './api.js';
import { show, initTooltip } from './ui.js';
import { initCheck } from './check.js';
import { initFill, loadTemplates } from './fill.js';
import { initTemplates, loadInstalled } from './templates.js';

const $ = (id) => document.getElementById(id);

// hash -> view, the token route it needs, and what to load when it opens
const VIEWS = {
  tjek: { id: 'view-check', route: 'check', title: 'Tjek et brev', open: () => {} },
  nyt: { id: 'view-fill', route: 'fill', title: 'Nyt brev', open: loadTemplates },
  skabeloner: { id: 'view-templates', route: 'lint', title: 'Skabeloner', open: loadInstalled },
};

function allowed(name) {
  const v = VIEWS[name];
  if (name === 'nyt') return may('fill') && may('templates');
  return may(v.route);
}

function firstAllowed() {
  return Object.keys(VIEWS).find(allowed) || null;
}

function setGlobalError(msg) {
  const b = $('global-error');
  b.textContent = msg || '';
  show(b, !!msg);
}

function showLogin(message) {
  for (const v of Object.values(VIEWS)) show($(v.id), false);
  show($('nav'), false);
  show($('user'), false);
  show($('view-login'), true);
  document.title = 'Log ind · klarbrev';
  const err = $('login-token-error');
  err.textContent = message || '';
  show(err, !!message);
  if (message) $('login-token').setAttribute('aria-invalid', 'true');
  else $('login-token').removeAttribute('aria-invalid');
  $('login-token').focus();
}

function route(focus) {
  if (!session.signedIn) return;
  show($('view-login'), false);
  let name = location.hash.replace(/^#/, '');
  if (!VIEWS[name]) {
    // fragments inside a view (#fund-3, a field) are not views; an empty or unknown one opens the first view
    if (name && document.getElementById(name) && document.querySelector('.view:not([hidden])')) return;
    name = firstAllowed();
  }
  if (name && !allowed(name)) name = firstAllowed();
  for (const [key, v] of Object.entries(VIEWS)) show($(v.id), key === name);
  for (const li of document.querySelectorAll('#nav li')) {
    const key = li.querySelector('a').getAttribute('href').slice(1);
    show(li, allowed(key));
    const a = li.querySelector('a');
    if (key === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!name) {
    setGlobalError('Din adgangsnøgle giver ikke adgang til noget på denne side. Spørg IT.');
    return;
  }
  document.title = VIEWS[name].title + ' · klarbrev';
  VIEWS[name].open();
  if (focus) {
    const h = $(VIEWS[name].id).querySelector('h1');
    h.setAttribute('tabindex', '-1');
    h.focus();
  }
}

function signedIn() {
  setGlobalError('');
  show($('nav'), true);
  const userBox = $('user');
  show(userBox, session.auth === 'token');
  $('user-name').textContent = session.name ? 'Logget ind som ' + session.name : '';
  route(false);
}

async function start() {
  initTooltip();
  initCheck();
  initFill();
  initTemplates();
  setSignedOutHandler(() => showLogin('Du er blevet logget ud, fordi siden ikke har været brugt i lang tid, eller fordi klarbrev er startet igen. Log ind igen.'));

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('login-token').value.trim();
    if (!token) {
      showLogin('Skriv din adgangsnøgle.');
      return;
    }
    try {
      if (await signIn(token)) {
        $('login-token').value = '';
        signedIn();
        const h = document.querySelector('.view:not([hidden]) h1');
        if (h) {
          h.setAttribute('tabindex', '-1');
          h.focus();
        }
      } else {
        showLogin('Adgangsnøglen passer ikke. Tjek, at du har fået hele nøglen med, eller spørg IT.');
      }
    } catch (err) {
      showLogin(err.message);
    }
  });
  $('logout').addEventListener('click', async () => {
    try {
      await signOut();
    } catch (err) {
      // the session is gone either way
    }
    showLogin('');
  });
  window.addEventListener('hashchange', () => route(true));

  try {
    await loadSession();
  } catch (err) {
    show($('loading'), false);
    setGlobalError('klarbrev svarer ikke. Prøv at genindlæse siden om lidt, eller kontakt IT.');
    return;
  }
  show($('loading'), false);
  if (session.signedIn) signedIn();
  else showLogin('');
}

start();
