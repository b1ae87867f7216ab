// api.js -- the page's only way to talk to klarbrev serve. Every request goes to the same origin, with the
// session cookie; a POST or DELETE sends the session's CSRF token (contract: docs/api.md, "Session").
// A 401 means the session has ended (8 hours idle, a restart of the service): onSignedOut is called so the page
// can show the login again.

export const session = {
  auth: 'none',
  signedIn: false,
  name: null,
  routes: [],
  csrf: null,
};

let onSignedOut = () => {};

export function setSignedOutHandler(fn) {
  onSignedOut = fn;
}

function applySession(s) {
  session.auth = s.auth || 'none';
  session.signedIn = !!s.signed_in;
  session.name = s.name || null;
  session.routes = Array.isArray(s.routes) ? s.routes : [];
  session.csrf = s.csrf || null;
}

// may(route): the signed-in token may use the route ("templates", "fill", "check", "lint")
export function may(route) {
  return session.auth === 'none' || session.routes.includes(route) || session.routes.includes('*');
}

// An error the page can show: a Danish message for people, the service's code and the parsed body for the page.
export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
    this.code = body && body.code ? body.code : null;
  }
}

// Friendly Danish words for what went wrong, when the service's own message is not the best to show.
function messageFor(status, body) {
  if (status === 0) return 'Siden kunne ikke få kontakt til klarbrev. Tjek din netværksforbindelse, og prøv igen.';
  if (status === 401) return 'Du er blevet logget ud. Log ind igen.';
  if (status === 403) return 'Din adgangsnøgle giver ikke lov til det her. Spørg IT, om du kan få adgang.';
  if (status === 413) return 'Filen er for stor til at blive tjekket her.';
  if (status === 503) return 'klarbrev har travlt lige nu. Vent et øjeblik, og prøv igen.';
  if (body && typeof body.message === 'string' && body.message) {
    const m = body.message;
    return m.charAt(0).toUpperCase() + m.slice(1);
  }
  if (status >= 500) return 'Der skete en fejl i klarbrev. Prøv igen om lidt, eller kontakt IT.';
  return 'Noget gik galt (fejl ' + status + ').';
}

// request(method, path, {body, type, accept}) -> Response (ok or 4xx/5xx with a body the caller reads).
// Throws ApiError on a network failure and on 401/403/503, which no caller handles itself.
export async function request(method, path, opts = {}) {
  const headers = {};
  if (opts.type) headers['Content-Type'] = opts.type;
  if (opts.accept) headers['Accept'] = opts.accept;
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-Klarbrev-CSRF'] = session.csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, body: opts.body, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, null, messageFor(0, null));
  }
  if (res.status === 401 || res.status === 403 || res.status === 503 || res.status === 413 || res.status >= 500) {
    const body = await readJson(res);
    const err = new ApiError(res.status, body, messageFor(res.status, body));
    if (res.status === 401 && path !== '/session') {
      session.signedIn = false;
      onSignedOut(err);
    }
    throw err;
  }
  return res;
}

// signedOut(err): the error is a session that ended; the login is shown already, so the view says nothing more
export function signedOut(err) {
  return !!err && err.status === 401;
}

export async function readJson(res) {
  try {
    return await res.json();
  } catch (e) {
    return null;
  }
}

// json(method, path, body?) -> the parsed answer of a 2xx; throws ApiError (with the body) for anything else
export async function json(method, path, body) {
  const res = await request(method, path, body === undefined ? {} : {
    body: JSON.stringify(body),
    type: 'application/json',
  });
  const data = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, data, messageFor(res.status, data));
  return data;
}

export async function loadSession() {
  const res = await fetch('/session', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, null, messageFor(res.status, null));
  applySession(await res.json());
  return session;
}

// signIn(token) -> true when the token was right; false for a wrong one (401)
export async function signIn(token) {
  let res;
  try {
    res = await fetch('/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, null, messageFor(0, null));
  }
  if (res.status === 401) return false;
  const data = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, data, messageFor(res.status, data));
  applySession(data);
  return true;
}

export async function signOut() {
  try {
    await request('DELETE', '/session');
  } finally {
    applySession({ auth: session.auth, signed_in: false });
  }
}

// The file name of a download, from Content-Disposition (attachment; filename="brev.docx"), or the fallback
export function fileName(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="?([^";]+)"?/i.exec(cd);
  return m ? m[1] : fallback;
}

// Klarbrev-Summary header: {"errors":0,"warnings":2,"lix":38.5}, or null
export function summaryHeader(res) {
  try {
    return JSON.parse(res.headers.get('Klarbrev-Summary') || 'null');
  } catch (e) {
    return null;
  }
}

// Saves a Blob as a download with the given name (an object URL on a temporary link).
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
