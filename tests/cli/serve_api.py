#!/usr/bin/python3
"""serve_api.py -- the checks of test_serve_api.sh against running `klarbrev serve` instances.

  serve_api.py requests --spec docs/openapi.yaml --doc docs/api.md --src SRC --work DIR --config FILE.json
      (a) every path, method and status of openapi.yaml from a request that makes it, the body validated against the
          documented schema and the documented headers present; a documented status, error code or field of a
          closed object that no request produced is a failure;
      (b) nothing undocumented answers: odd paths give 404 and other methods 405 with Allow, never 200;
      (c) every ```sh block of docs/api.md that starts with `curl ` runs as written and gives the status of its
          `# -> NNN` comment;
      the limits (413, 503 with Retry-After, a slow client cut off, --max-connections, 431). Writes DIR/sent.json:
      what each server was sent, for the log check.
  serve_api.py log --config FILE.json --work DIR --spec docs/openapi.yaml --example EXAMPLE.json
      (d) the access logs: one JSON line per request with the documented fields, and no case value, letter text,
          token or address value anywhere in them.

Prints one "FAIL: ..." line per failure, "XFAIL: ..." for a known server bug (listed in KNOWN_BUGS, to be removed when
it is fixed: a known bug that no longer happens is a failure, "XPASS"), and ends with "RESULT <passed> <failed>".
Requests go through curl. Run with /usr/bin/python3 (Debian's python3-yaml).
"""
import collections
import json
import os
import re
import socket
import subprocess
import sys
import time

import yaml

# Server behaviour the documents describe as it should be and the server does not do yet (see the issue note). Each
# scenario that meets one names it; when the server is fixed, the scenario passes and the entry must go.
KNOWN_BUGS = {
    # none open; the scenarios still name the bugs they once met ("slash-in-id", "health-allow",
    # "scratch-in-message", "path-in-log"), so a bug listed here again is expected where it was
}

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]
LOG_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, bug=None):
        """Counts a check. With bug (a KNOWN_BUGS key) a failure is expected and a pass is a failure."""
        if bug and bug in KNOWN_BUGS:
            if ok:
                self.failed += 1
                print("XPASS: %s: fixed? then remove KNOWN_BUGS[%r]" % (what, bug))
            else:
                self.passed += 1
                print("XFAIL: %s (known server bug %s: %s)" % (what, bug, KNOWN_BUGS[bug]))
            return ok
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: " + what)
        return ok

    def fail(self, what):
        self.check(False, what)

    def end(self):
        print("RESULT %d %d" % (self.passed, self.failed))
        return 0 if self.failed == 0 else 1


R = Results()

# ---- a JSON Schema validator for the subset openapi.yaml uses ----

ANNOTATIONS = {"description", "title", "default", "contentMediaType", "contentEncoding", "examples", "summary"}
KEYWORDS = {"$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "allOf",
            "anyOf", "oneOf", "minimum", "minLength", "minItems", "pattern"} | ANNOTATIONS


class Validator:
    """Validates instances against the spec's schemas; remembers which properties of each closed object were seen
    and which values each `code` enum had."""

    def __init__(self, spec):
        self.spec = spec
        self.seen_props = collections.defaultdict(set)  # id(schema) -> property names seen

    def resolve(self, s):
        while isinstance(s, dict) and "$ref" in s:
            ref = s["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("only local $ref: " + ref)
            node = self.spec
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            extra = set(s) - {"$ref"} - ANNOTATIONS
            if extra:
                raise ValueError("$ref with siblings %s" % sorted(extra))
            s = node
        return s

    @staticmethod
    def _is(inst, t):
        if t == "integer":
            return isinstance(inst, int) and not isinstance(inst, bool)
        if t == "number":
            return isinstance(inst, (int, float)) and not isinstance(inst, bool)
        if t == "null":
            return inst is None
        return isinstance(inst, {"string": str, "boolean": bool, "object": dict, "array": list}[t])

    def errors(self, inst, s, where="$"):
        s = self.resolve(s)
        unknown = set(s) - KEYWORDS
        if unknown:
            raise ValueError("%s: schema keywords the validator does not know: %s" % (where, sorted(unknown)))
        errs = []
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(self._is(inst, t) for t in types):
                return ["%s: %r is not %s" % (where, _short(inst), "/".join(types))]
        if "enum" in s and inst not in s["enum"]:
            errs.append("%s: %r is not one of %s" % (where, _short(inst), s["enum"]))
        if "const" in s and inst != s["const"]:
            errs.append("%s: %r is not %r" % (where, _short(inst), s["const"]))
        if isinstance(inst, (int, float)) and not isinstance(inst, bool) and "minimum" in s and inst < s["minimum"]:
            errs.append("%s: %r < %r" % (where, inst, s["minimum"]))
        if isinstance(inst, str):
            if "minLength" in s and len(inst) < s["minLength"]:
                errs.append("%s: shorter than %d" % (where, s["minLength"]))
            if "pattern" in s and not re.search(s["pattern"], inst):
                errs.append("%s: %r does not match %s" % (where, _short(inst), s["pattern"]))
        if isinstance(inst, list):
            if "minItems" in s and len(inst) < s["minItems"]:
                errs.append("%s: fewer than %d items" % (where, s["minItems"]))
            if "items" in s:
                for i, v in enumerate(inst):
                    errs += self.errors(v, s["items"], "%s[%d]" % (where, i))
        if isinstance(inst, dict):
            props = s.get("properties", {})
            for k in s.get("required", []):
                if k not in inst:
                    errs.append("%s: required field %r missing" % (where, k))
            for k, v in inst.items():
                if k in props:
                    errs += self.errors(v, props[k], "%s.%s" % (where, k))
                elif s.get("additionalProperties") is False:
                    errs.append("%s: field %r is not documented" % (where, k))
                elif isinstance(s.get("additionalProperties"), dict):
                    errs += self.errors(v, s["additionalProperties"], "%s.%s" % (where, k))
            if s.get("additionalProperties") is False:
                self.seen_props[id(s)].update(k for k in inst if k in props)
        for sub in s.get("allOf", []):
            errs += self.errors(inst, sub, where)
        if "anyOf" in s:
            alts = [self.errors(inst, sub, where) for sub in s["anyOf"]]
            if all(alts):
                errs.append("%s: matches none of anyOf: %s" % (where, "; ".join(a[0] for a in alts)))
        if "oneOf" in s:
            n = sum(1 for sub in s["oneOf"] if not self.errors(inst, sub, where))
            if n != 1:
                errs.append("%s: matches %d of oneOf, not 1" % (where, n))
        return errs

    def closed_schemas(self):
        """(name, schema) for each component schema with additionalProperties: false."""
        for name, s in self.spec["components"]["schemas"].items():
            if isinstance(s, dict) and s.get("additionalProperties") is False:
                yield name, s


def _short(v):
    t = json.dumps(v, ensure_ascii=False)
    return t if len(t) < 80 else t[:77] + "..."


# ---- requests through curl ----


class Resp:
    def __init__(self, status, headers, body, stderr=""):
        self.status = status
        self.headers = headers  # lower-case name -> [values]
        self.body = body
        self.stderr = stderr

    def header(self, name):
        v = self.headers.get(name.lower())
        return v[-1] if v else None

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def parse_headers(raw):
    """The last header block of curl's -D file (after any 100 Continue)."""
    blocks = [b for b in re.split(rb"\r?\n\r?\n", raw) if b.startswith(b"HTTP/")]
    headers = collections.defaultdict(list)
    if not blocks:
        return headers
    for line in blocks[-1].split(b"\n")[1:]:
        line = line.rstrip(b"\r")
        if b":" in line:
            k, v = line.split(b":", 1)
            headers[k.strip().lower().decode("latin-1")].append(v.strip().decode("utf-8", "replace"))
    return headers


class Client:
    def __init__(self, cfg, work):
        self.cfg = cfg
        self.work = work
        self.n = 0
        self.sent = collections.defaultdict(list)  # server -> [[method, status]]

    def token(self, name):
        return None if name is None else self.cfg["tokens"].get(name, name)

    def request(self, server, path, method="GET", token="fuld", headers=(), body=None, path_as_is=False,
                timeout=180, record=True):
        self.n += 1
        bodyf = os.path.join(self.work, "resp-body")
        hdrf = os.path.join(self.work, "resp-headers")
        for f in (bodyf, hdrf):
            if os.path.exists(f):
                os.unlink(f)
        args = ["curl", "-sS", "--max-time", str(timeout), "-o", bodyf, "-D", hdrf, "-w", "%{http_code}"]
        if path_as_is:
            args.append("--path-as-is")
        if method == "HEAD":
            args.append("-I")
        elif method != "GET" or body is not None:
            args += ["-X", method]
        tok = self.token(token)
        if tok:
            args += ["-H", "Authorization: Bearer " + tok]
        for h in headers:
            args += ["-H", h]
        if body is not None:
            reqf = os.path.join(self.work, "req-body")
            with open(reqf, "wb") as f:
                f.write(body if isinstance(body, bytes) else body.encode("utf-8"))
            args += ["--data-binary", "@" + reqf]
        args.append(self.cfg["url"][server] + path)
        p = subprocess.run(args, capture_output=True)
        status = int(p.stdout.decode() or "0")
        raw = open(hdrf, "rb").read() if os.path.exists(hdrf) else b""
        data = open(bodyf, "rb").read() if os.path.exists(bodyf) and method != "HEAD" else b""
        if record and status:
            self.sent[server].append([method, status])
        return Resp(status, parse_headers(raw), data, p.stderr.decode("utf-8", "replace"))


# ---- the spec ----


class Spec:
    def __init__(self, path):
        self.doc = yaml.safe_load(open(path, encoding="utf-8"))
        self.v = Validator(self.doc)
        self.covered = set()  # (path, method, status)
        self.codes = collections.defaultdict(set)  # (path, method, status) -> codes seen
        self.media = collections.defaultdict(set)  # (path, method, status) -> media types seen

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method in ("get", "head", "post", "put", "delete", "patch", "options", "trace"):
                if method in item:
                    yield path, method.upper(), item[method]

    def methods(self, path):
        return {m for p, m, _ in self.operations() if p == path}

    def public(self, path):
        """True when every operation of path needs no token (security: []): the web page and its sign-in."""
        ops = [op for p, _, op in self.operations() if p == path]
        return bool(ops) and all(op.get("security") == [] for op in ops)

    def response(self, path, method, status):
        op = self.doc["paths"].get(path, {}).get(method.lower())
        if op is None:
            # a method the path does not have: the answer every such request gets
            return self.v.resolve(self.doc["components"]["responses"]["MethodNotAllowed"]) if status == 405 else None
        r = op["responses"].get(str(status))
        return self.v.resolve(r) if r else None

    def code_enum(self, resp, media="application/json"):
        """The codes a documented error response allows (from its allOf), or None."""
        schema = ((resp.get("content") or {}).get(media) or {}).get("schema")
        if not schema:
            return None
        schema = self.v.resolve(schema)
        for sub in schema.get("allOf", []):
            code = (sub.get("properties") or {}).get("code")
            if code and "enum" in code:
                return code["enum"]
        if schema.get("properties", {}).get("code", {}).get("const"):
            return [schema["properties"]["code"]["const"]]
        return None

    def check_response(self, r, path, method, status, what, resp=None):
        """r against the documented response (resp, else path/method/status); records coverage."""
        if resp is None:
            resp = self.response(path, method, status)
            if not R.check(resp is not None, "%s: %s %s answers %d, which openapi.yaml does not document"
                           % (what, method, path, status)):
                return False
            self.covered.add((path, method, status))
        problems = []
        content = resp.get("content") or {}
        ctype = r.header("content-type")
        base = ctype.split(";")[0].strip().lower() if ctype else None
        schema = None
        if content:
            if base is None:
                # libmicrohttpd's own 431 page comes without a Content-Type (openapi.yaml says so)
                if status == 431 and list(content) == ["text/html"] and (
                        method == "HEAD" or r.body.lstrip().lower().startswith(b"<html")):
                    self.media[(path, method, status)].add("text/html")
                else:
                    problems.append("no Content-Type")
            elif base not in content:
                problems.append("Content-Type %s is not documented (%s)" % (base, ", ".join(content)))
            else:
                self.media[(path, method, status)].add(base)
                schema = content[base].get("schema")
        if base == "application/json" and ctype and "charset=utf-8" not in ctype.lower():
            problems.append("JSON without charset=utf-8: " + ctype)
        if method != "HEAD" and schema is not None:
            if base == "application/json":
                try:
                    inst = r.json()
                except ValueError as e:
                    problems.append("body is not JSON: %s: %r" % (e, r.body[:200]))
                else:
                    problems += self.v.errors(inst, schema)
                    if isinstance(inst, dict) and "code" in inst:
                        self.codes[(path, method, status)].add(inst["code"])
            elif base == "multipart/mixed":
                problems += self.check_multipart(r, schema)
            elif base == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                if not r.body.startswith(b"PK\x03\x04"):
                    problems.append("a .docx that is no zip file")
            elif base == "application/pdf":
                if not r.body.startswith(b"%PDF-"):
                    problems.append("a PDF that does not start with %PDF-")
            elif base == "text/plain":
                try:
                    r.body.decode("utf-8")
                except UnicodeDecodeError:
                    problems.append("text/plain that is not UTF-8")
        for name, h in (resp.get("headers") or {}).items():
            h = self.v.resolve(h)
            value = r.header(name)
            if value is None:
                if h.get("required"):
                    problems.append("header %s missing" % name)
                continue
            if "schema" in h:
                hs = self.v.resolve(h["schema"])
                inst = value
                if hs.get("type") == "integer":
                    inst = int(value) if re.fullmatch(r"[0-9]+", value) else value
                problems += ["header %s: %s" % (name, e) for e in self.v.errors(inst, hs)]
            for media, mt in (h.get("content") or {}).items():
                try:
                    problems += ["header %s: %s" % (name, e) for e in self.v.errors(json.loads(value), mt["schema"])]
                except ValueError:
                    problems.append("header %s is not JSON: %r" % (name, value))
        if status != 431 and r.header("x-content-type-options") != "nosniff":
            problems.append("X-Content-Type-Options: nosniff missing")
        return R.check(not problems, "%s: %s %s %d: %s" % (what, method, path, status, "; ".join(problems)))

    def check_multipart(self, r, schema):
        problems = []
        m = re.search(r'boundary="?([^";]+)"?', r.header("content-type") or "")
        if not m:
            return ["multipart/mixed without a boundary"]
        sep = b"--" + m.group(1).encode()
        pieces = r.body.split(sep)
        if len(pieces) != 4 or pieces[0] != b"" or pieces[3] != b"--\r\n":
            return ["multipart/mixed is not two parts between boundaries (%d pieces)" % len(pieces)]
        parts = []
        for piece in pieces[1:3]:
            if not piece.startswith(b"\r\n") or not piece.endswith(b"\r\n") or b"\r\n\r\n" not in piece:
                return ["a multipart part is not CRLF-framed"]
            head, body = piece[2:-2].split(b"\r\n\r\n", 1)
            hdrs = {}
            for line in head.split(b"\r\n"):
                k, v = line.split(b":", 1)
                hdrs[k.strip().lower().decode()] = v.strip().decode()
            parts.append((hdrs, body))
        schema = self.v.resolve(schema)
        if not parts[0][0].get("content-type", "").startswith("application/json"):
            problems.append("part 1 is not JSON: %s" % parts[0][0])
        else:
            problems += ["part 1: " + e for e in self.v.errors(json.loads(parts[0][1]), schema["properties"]["report"])]
        if not re.fullmatch(r'attachment; filename="[a-z]+\.(docx|pdf|txt)"', parts[1][0].get("content-disposition", "")):
            problems.append("part 2 has no Content-Disposition attachment: %s" % parts[1][0])
        if "content-type" not in parts[1][0]:
            problems.append("part 2 has no Content-Type")
        return problems

    def report_coverage(self):
        for path, method, op in self.operations():
            for status, resp in op["responses"].items():
                key = (path, method, int(status))
                if not R.check(key in self.covered, "no request produced the documented %s %s %s" % (
                        method, path, status)):
                    continue
                resp = self.v.resolve(resp)
                for media in resp.get("content") or {}:
                    if method != "HEAD" and media not in self.media[key]:
                        R.fail("no %s %s %s answered with the documented %s" % (method, path, status, media))
                codes = self.code_enum(resp)
                if codes and method != "HEAD":
                    missing = set(codes) - self.codes[key]
                    R.check(not missing, "%s %s %s: no request produced the documented code(s) %s" % (
                        method, path, status, sorted(missing)))
        for name, s in self.v.closed_schemas():
            missing = set(s.get("properties", {})) - self.v.seen_props[id(s)]
            R.check(not missing, "schema %s: no response had the documented field(s) %s" % (name, sorted(missing)))


# ---- (a) every path, method and status; (b) nothing undocumented ----


def ok_case(cfg):
    return json.load(open(cfg["example"], encoding="utf-8"))


def blocked_case(cfg):
    c = ok_case(cfg)
    c["begrundelse"]["fakta"] = "Dit CPR-nummer er 010190-1234. " + c["begrundelse"]["fakta"]
    return c


def hold_slot(port, token):
    """A POST whose body never comes: it holds one of the server's request slots until the server cuts it."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("POST /check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/plain\r\n"
               "Content-Length: 1000\r\n\r\nHej" % token).encode())
    return s


def scenarios(spec, c, cfg):
    tdir = cfg["templates"]
    A = "/templates/afslag-kontanthjaelp"
    example = open(cfg["example"], "rb").read()
    letter = open(os.path.join(tdir, "afslag-kontanthjaelp", "letter.docx"), "rb").read()
    broken_tpl = open(cfg["broken_template"], "rb").read()
    warn_tpl = open(cfg["warning_template"], "rb").read()
    bomb = open(cfg["zip_bomb"], "rb").read()
    JSON = "Content-Type: application/json"
    DOCX = "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    TEXT = "Content-Type: text/plain; charset=utf-8"
    big_header = "X-Fyld: " + "a" * 40000

    def do(op_path, method, status, url, what, server="main", check=None, bug=None, **kw):
        r = c.request(server, url, method, **kw)
        if not R.check(r.status == status, "%s: %s %s gave %d, want %d %s" % (
                what, method, url, r.status, status, r.body[:300].decode("utf-8", "replace")), bug):
            return r
        spec.check_response(r, op_path, method, status, what)
        if check:
            for ok, msg in check(r):
                R.check(ok, "%s: %s" % (what, msg))
        return r

    def get_and_head(op_path, status, url, what, **kw):
        do(op_path, "GET", status, url, what, **kw)
        kw.pop("check", None)
        do(op_path, "HEAD", status, url, what + " (HEAD)", **kw)

    # /health
    get_and_head("/health", 200, "/health", "health without a token", token=None,
                 check=lambda r: [(r.json()["status"] == "ok", "status ok"), (r.json()["threads"] == 2, "2 threads"),
                                  (r.json()["templates"] == 3, "3 templates")])
    do("/health", "GET", 200, "/health", "health ignores a wrong token", token="ugyldigt-token-0000000000")
    r = c.request("main", "/health?x", record=True)
    R.check(r.status == 200 and r.body and json.loads(r.body)["status"] == "ok",
            "/health?x answers as /health (a parameter is not part of the path): %d" % r.status)
    # /version
    get_and_head("/version", 200, "/version", "version", check=lambda r: [(r.json()["api"] == 1, "api 1")])
    get_and_head("/version", 200, "/version", "version with a token for check only", token="tjek")
    get_and_head("/version", 401, "/version", "version without a token", token=None)
    get_and_head("/version", 401, "/version", "version with a wrong token", token="ugyldigt-token-0000000000")
    r = c.request("main", "/version", headers=["Authorization: Basic " + "Zm9vOmJhcg=="], token=None)
    R.check(r.status == 401, "Authorization: Basic is no token: %d" % r.status)
    # /templates
    get_and_head("/templates", 200, "/templates", "templates", check=lambda r: [
        ([t["id"] for t in r.json()["templates"]] == ["afslag-kontanthjaelp", "uden-manifest", "valg"],
         "the three templates sorted by id"),
        (r.json()["templates"][2]["outcomes"] == ["afslag", "bevilling"], "outcomes from outcome_field")])
    get_and_head("/templates", 200, "/templates", "templates with a token for templates only", token="skabeloner")
    get_and_head("/templates", 401, "/templates", "templates without a token", token=None)
    get_and_head("/templates", 403, "/templates", "templates with a token for check only", token="tjek")
    # /templates/{id}
    get_and_head("/templates/{id}", 200, A, "template", check=lambda r: [
        (r.json()["manifest"]["title"] == "Afslag på kontanthjælp", "the manifest as it is"),
        ("modtager" in r.json()["skeleton"], "the skeleton has the case's groups")])
    get_and_head("/templates/{id}", 200, "/templates/uden-manifest", "template without a manifest",
                 check=lambda r: [(r.json()["manifest"] is None, "manifest null")])
    get_and_head("/templates/{id}", 200, "/templates/valg", "template with a choice and a list")
    get_and_head("/templates/{id}", 401, A, "template without a token", token=None)
    get_and_head("/templates/{id}", 403, A, "template with a token for check only", token="tjek")
    get_and_head("/templates/{id}", 404, "/templates/afslag-kontanthjalp", "template misspelt", check=lambda r: [
        ("afslag-kontanthjaelp" in r.json()["message"], "the message names the nearest id")])
    get_and_head("/templates/{id}", 404, "/templates/..", "template id ..", path_as_is=True)
    # 431 on every operation: libmicrohttpd's own answer
    for path, method, _ in spec.operations():
        url = path.replace("{id}", "afslag-kontanthjaelp")
        r = c.request("main", url, method, headers=[big_header], body=b"x" if method == "POST" else None,
                      record=False)
        if R.check(r.status == 431, "headers over 32 KB: %s %s gave %d" % (method, url, r.status)):
            spec.check_response(r, path, method, 431, "headers over 32 KB")

    # the web page: its files without a token, with the page's own headers; nothing but its table's files
    get_and_head("/", 200, "/", "the web page", token=None, check=lambda r: [
        (b'lang="da"' in r.body, "the page itself"),
        ("frame-ancestors 'none'" in (r.header("content-security-policy") or ""), "no framing"),
        (r.header("x-frame-options") == "DENY", "X-Frame-Options"),
        (r.header("referrer-policy") == "no-referrer", "Referrer-Policy")])
    get_and_head("/web/{file}", 200, "/web/app.js", "the page's script", token=None)
    get_and_head("/web/{file}", 200, "/web/style.css", "the page's stylesheet", token=None)
    get_and_head("/web/{file}", 200, "/web/logo.svg", "the page's picture", token=None)
    get_and_head("/web/{file}", 404, "/web/findes-ikke.js", "a file the page does not have", token=None)
    get_and_head("/web/{file}", 404, "/web/noter.md", "a file of the web folder that is no part of the page",
                 token=None)
    for odd_file in ("/web/..%2ftokens", "/web/%2e%2e%2ftokens", "/web/.skjult.js", "/web/Stor.js",
                     "/web/" + "a" * 80 + ".js"):
        do("/web/{file}", "GET", 404, odd_file, "an odd file name", token=None, path_as_is=True)

    # the page's sign-in: a cookie for the token, and the CSRF header on what the cookie POSTs
    S = "/session"
    JS = json.dumps
    get_and_head(S, 200, S, "session without a cookie", token=None, check=lambda r: [
        (r.json() == {"auth": "token", "signed_in": False, "name": None, "routes": [], "csrf": None}, "signed out")])
    r = do(S, "POST", 200, S, "sign in", token=None, headers=[JSON], body=JS({"token": cfg["tokens"]["fuld"]}),
           check=lambda r: [
               (r.json()["signed_in"] and r.json()["name"] == "fuld", "signed in as the token's name"),
               (r.json()["routes"] == ["templates", "fill", "check", "lint"], "the token's routes"),
               ("; HttpOnly; SameSite=Strict" in (r.header("set-cookie") or ""), "HttpOnly, SameSite=Strict")])
    cookie = "Cookie: " + (r.header("set-cookie") or "x=").split(";")[0]
    csrf = "X-Klarbrev-CSRF: " + str((r.json() if r.status == 200 else {}).get("csrf"))
    get_and_head(S, 200, S, "session with the cookie", token=None, headers=[cookie], check=lambda r: [
        (r.json()["signed_in"] and "X-Klarbrev-CSRF: " + r.json()["csrf"] == csrf, "the same session")])
    r = do(S, "POST", 200, S, "sign in with a token for check only", token=None, headers=[JSON],
           body=JS({"token": cfg["tokens"]["tjek"]}), check=lambda r: [(r.json()["routes"] == ["check"], "check")])
    cookie_check = "Cookie: " + (r.header("set-cookie") or "x=").split(";")[0]
    do("/templates", "GET", 200, "/templates", "templates by the cookie", token=None, headers=[cookie])
    do("/templates", "GET", 403, "/templates", "templates by the cookie of a token for check only", token=None,
       headers=[cookie_check])
    do("/templates", "GET", 401, "/templates", "templates by an unknown cookie", token=None,
       headers=["Cookie: klarbrev_session=" + "0" * 64])
    C_ = "/check"
    do(C_, "POST", 403, "/check?kind=tekst", "check by the cookie without the CSRF header", token=None,
       headers=[cookie, TEXT], body="Hej.", check=lambda r: [(r.json()["code"] == "csrf", "csrf")])
    do(C_, "POST", 403, "/check?kind=tekst", "check by the cookie with a wrong CSRF header", token=None,
       headers=[cookie, TEXT, "X-Klarbrev-CSRF: " + "0" * 64])
    for path, url, kw in (("/templates/{id}/fill", A + "/fill", {"headers": [JSON], "body": example}),
                          ("/lint", "/lint", {"headers": [DOCX], "body": letter}),
                          ("/templates/{id}/validate", A + "/validate", {"headers": [JSON], "body": example})):
        do(path, "POST", 403, url, "a POST by the cookie without the CSRF header", token=None,
           check=lambda r: [(r.json()["code"] == "csrf", "csrf")], **dict(kw, headers=kw["headers"] + [cookie]))
    do(C_, "POST", 200, "/check?kind=tekst", "check by a bearer token needs no CSRF header", headers=[cookie, TEXT],
       body="Hej.")
    para_text = "Vi har modtaget din ansøgnig om hjælp."

    def paragraphs_ok(r):
        j = r.json()
        f = next((f for f in j["findings"] if f["text"] == "ansøgnig"), None)
        p = j.get("paragraphs") or []
        return [(p == [{"index": 0, "part": "body", "heading": 1, "text": "Afgørelse"},
                       {"index": 1, "part": "body", "heading": 0, "text": para_text}], "the paragraphs: %s" % p),
                (f is not None and f["paragraph"] == 1 and para_text.encode()[f["start"]:f["start"] + f["length"]]
                 == "ansøgnig".encode(), "start and length are bytes of the paragraph's text")]
    do(C_, "POST", 200, "/check?kind=tekst&text=1", "check by the cookie with text=1", token=None,
       headers=[cookie, csrf, TEXT], body="---\nudfald: afslag\n---\n# Afgørelse\n\n" + para_text + "\n",
       check=paragraphs_ok)
    do(S, "POST", 400, S, "sign in with a form", token=None, headers=["Content-Type: application/x-www-form-urlencoded"],
       body="token=" + cfg["tokens"]["fuld"])
    do(S, "POST", 400, S, "sign in without the token", token=None, headers=[JSON], body=JS({"tokn": "x"}))
    do(S, "POST", 400, S, "sign in with broken JSON", token=None, headers=[JSON], body='{"token": ')
    do(S, "POST", 401, S, "sign in with a wrong token", token=None, headers=[JSON],
       body=JS({"token": "ugyldigt-token-0000000000"}), check=lambda r: [
           (r.header("www-authenticate") is None, "no Bearer challenge for a browser's sign-in"),
           (r.header("set-cookie") is None, "no cookie")])
    do(S, "POST", 413, S, "sign in with a body over 4 KB", token=None, headers=[JSON],
       body=JS({"token": "a" * 5000}))
    do(S, "DELETE", 403, S, "sign out without the CSRF header", token=None, headers=[cookie])
    do(S, "DELETE", 204, S, "sign out", token=None, headers=[cookie, csrf], check=lambda r: [
        ("Max-Age=0" in (r.header("set-cookie") or ""), "the cookie is cleared")])
    do("/templates", "GET", 401, "/templates", "the cookie after signing out", token=None, headers=[cookie])
    do(S, "DELETE", 204, S, "sign out without a session", token=None)

    # validate: what fill would say about the case, each problem with its field
    V = "/templates/{id}/validate"
    do(V, "POST", 200, A + "/validate", "validate the example case", body=example, headers=[JSON],
       check=lambda r: [(r.json() == {"valid": True, "problems": []}, "valid")])
    do(V, "POST", 200, A + "/validate", "validate a case that does not fit", headers=[JSON],
       body=JS({"modtager": {"navn": "Mette Lund Kristiansen"}, "sag": {"dato": "28/11/2026"}}), check=lambda r: [
           (r.json()["valid"] is False, "not valid"),
           (any(p["field"] == "sag.dato" and "28/11/2026" in p["message"] for p in r.json()["problems"]),
            "the date's problem on its field"),
           (all(p["field"] for p in r.json()["problems"]), "every problem has its field")])
    do(V, "POST", 200, "/templates/valg/validate", "validate a list's row", headers=[JSON],
       body=JS({"modtager": {"navn": "Test Testesen"}, "udfald": "bevilling", "ydelser": [{"navn": "Kontanthjælp"}]}),
       check=lambda r: [([p["field"] for p in r.json()["problems"]] == ["ydelser[0].beløb"],
                         "the row's missing field: %s" % r.json()["problems"])])
    do(V, "POST", 400, A + "/validate", "validate broken JSON", body='{"modtager":', headers=[JSON])
    do(V, "POST", 400, A + "/validate?format=pdf", "validate with a parameter", body=example, headers=[JSON])
    do(V, "POST", 401, A + "/validate", "validate without a token", token=None, body=example, headers=[JSON])
    do(V, "POST", 403, A + "/validate", "validate with a token for check only", token="tjek", body=example,
       headers=[JSON])
    do(V, "POST", 404, "/templates/afslag-kontanthjalp/validate", "validate for an unknown template", body=example,
       headers=[JSON])
    do(V, "POST", 413, A + "/validate", "validate a case over 16 MB", headers=[JSON],
       body=b'{"x": "' + b"a" * (17 << 20) + b'"}')

    # the lint of an installed template, with its manifest
    TL = "/templates/{id}/lint"
    get_and_head(TL, 200, A + "/lint", "lint an installed template", check=lambda r: [
        (r.json()["template"] == "afslag-kontanthjaelp" and r.json()["fields_checked"] is True, "with its manifest"),
        (r.json()["count"] == 0, "no errors"), (r.json()["static_text"]["metrics"]["lix"] > 0, "the LIX")])
    get_and_head(TL, 401, A + "/lint", "lint an installed template without a token", token=None)
    get_and_head(TL, 403, A + "/lint", "lint an installed template with a token for check only", token="tjek")
    get_and_head(TL, 404, "/templates/afslag-kontanthjalp/lint", "lint an unknown template")

    # fill
    F = "/templates/{id}/fill"
    sum_ok = lambda errors: (lambda r: [(json.loads(r.header("klarbrev-summary"))["errors"] == errors,
                                         "Klarbrev-Summary says %d errors" % errors)])
    do(F, "POST", 200, A + "/fill", "fill docx", body=example, headers=[JSON], check=lambda r: [
        (r.header("content-disposition") == 'attachment; filename="brev.docx"', "brev.docx")] + sum_ok(0)(r))
    do(F, "POST", 200, A + "/fill?format=txt", "fill txt", body=example, headers=[JSON], check=lambda r: [
        (b"Mette Lund Kristiansen" in r.body, "the letter's text"),
        (r.header("content-disposition") == 'attachment; filename="brev.txt"', "brev.txt")])
    do(F, "POST", 200, A + "/fill?format=pdf", "fill pdf", body=example, headers=[JSON], check=lambda r: [
        (r.header("content-disposition") == 'attachment; filename="brev.pdf"', "brev.pdf")])
    do(F, "POST", 200, A + "/fill?format=docx", "fill with the report", body=example,
       headers=[JSON, "Accept: multipart/mixed"], check=lambda r: [
           (r.header("content-disposition") is None, "no Content-Disposition on the multipart answer")])
    do(F, "POST", 200, A + "/fill?format=txt", "fill txt with the report", body=example,
       headers=[JSON, "Accept: multipart/mixed"])
    do(F, "POST", 200, A + "/fill?format=draft", "draft of a blocked letter", body=json.dumps(blocked_case(cfg)),
       headers=[JSON], check=lambda r: [
           (r.header("content-disposition") == 'attachment; filename="udkast.docx"', "udkast.docx")] + sum_ok(1)(r))
    do(F, "POST", 200, "/templates/valg/fill?format=txt", "fill with a choice and a list", headers=[JSON],
       body=json.dumps({"modtager": {"navn": "Test Testesen"}, "udfald": "bevilling",
                        "ydelser": [{"navn": "Kontanthjælp", "beløb": 12345.5}]}),
       check=lambda r: [(b"12.345,50 kr." in r.body, "the list is in the letter")])
    do(F, "POST", 400, A + "/fill?sagsnummer=2026-048127&navn=Mette+Lund+Kristiansen", "fill refuses an unknown "
       "parameter", body=example, headers=[JSON], check=lambda r: [
           (r.json()["code"] == "bad_request" and "sagsnummer" in r.json()["message"], "names the parameter")])
    do(F, "POST", 400, A + "/fill?formt=pdf", "fill with a misspelt parameter", body=example, headers=[JSON],
       check=lambda r: [("mente du »format«" in r.json()["message"], "names the nearest parameter")])

    do(F, "POST", 200, A + "/fill?format=txt", "fill a windows-1252 case that says so", body=example.decode(
        "utf-8").encode("cp1252"), headers=["Content-Type: application/json; charset=windows-1252"], check=lambda r: [
        ("Søby".encode() in r.body, "the letters are UTF-8 in the letter")])
    do(F, "POST", 400, A + "/fill", "fill a windows-1252 case that does not say so", headers=[JSON],
       body=example.decode("utf-8").encode("cp1252"), check=lambda r: [(r.json()["code"] == "invalid_json", "code")])
    do(F, "POST", 400, A + "/fill", "fill a case in an unknown charset", body=example,
       headers=["Content-Type: application/json; charset=klingon"])
    do(F, "POST", 400, A + "/fill?format=odt", "fill format=odt", body=example, headers=[JSON])
    do(F, "POST", 400, A + "/fill", "fill with broken JSON", body='{"modtager":', headers=[JSON])
    do(F, "POST", 400, A + "/fill", "fill with a JSON array", body="[1, 2]", headers=[JSON])
    do(F, "POST", 400, A + "/fill", "fill with an empty body", body=b"", headers=[JSON])
    do(F, "POST", 400, A + "/fill", "fill with a case that does not fit", headers=[JSON],
       body='{"modtager": {"navn": "Mette Lund Kristiansen"}}', check=lambda r: [
           (r.json()["code"] == "invalid_case" and len(r.json()["details"]) == 12, "every missing field in details"),
           ([p["message"] for p in r.json()["problems"]] == r.json()["details"], "the same problems with fields"),
           (r.json()["problems"][0]["field"] == "kommune.navn", "the first one's field")])
    do(F, "POST", 401, A + "/fill", "fill without a token", token=None, body=example, headers=[JSON])
    do(F, "POST", 403, A + "/fill", "fill with a token for check only", token="tjek", body=example, headers=[JSON])
    do(F, "POST", 404, "/templates/afslag-kontanthjalp/fill", "fill an unknown template", body=example,
       headers=[JSON])
    do(F, "POST", 413, A + "/fill", "fill with a case over 16 MB", headers=[JSON],
       body=b'{"x": "' + b"a" * (17 << 20) + b'"}', check=lambda r: [(r.json()["code"] == "limit_exceeded", "code")])
    do(F, "POST", 422, A + "/fill", "fill a letter the check blocks", body=json.dumps(blocked_case(cfg)),
       headers=[JSON], check=lambda r: [
           (len(r.json()["details"]) == 1 and "CPR" in r.json()["details"][0], "the error in details")]
       + sum_ok(1)(r))
    do(F, "POST", 422, A + "/fill?format=pdf", "format=pdf of a blocked letter", body=json.dumps(blocked_case(cfg)),
       headers=[JSON, "Accept: multipart/mixed"])

    # check
    C = "/check"
    brev = c.request("main", A + "/fill", "POST", body=example, headers=[JSON]).body
    do(C, "POST", 400, "/check?annotat=1", "check with a misspelt parameter", body=brev, check=lambda r: [
        ("mente du »annotate«" in r.json()["message"], "names the nearest parameter")])
    do(C, "POST", 200, "/check", "check a docx", body=brev, check=lambda r: [
        (r.json()["summary"]["errors"] == 0, "no errors")] + sum_ok(0)(r))
    do(C, "POST", 200, "/check", "check a docx sent as docx", body=brev, headers=[DOCX])
    do(C, "POST", 200, "/check?kind=tekst", "check text", headers=[TEXT],
       body="Vi har modtaget din ansøgnig. Såfremt du har spørgsmål, kan du ringe til os.",
       check=lambda r: [(r.json()["summary"]["warnings"] >= 2, "the warnings"),
                        (any(f["text"] == "ansøgnig" for f in r.json()["findings"]), "the misspelt word")])
    do(C, "POST", 200, "/check?kind=tekst", "check windows-1252 text",
       headers=["Content-Type: text/plain; charset=windows-1252"],
       body="Vi har modtaget din ansøgning. Hvis du har spørgsmål, kan du ringe til os.".encode("cp1252"))
    do(C, "POST", 200, "/check?kind=afg%C3%B8relse", "check kind=afgørelse", body=brev)
    do(C, "POST", 200, "/check?template=afslag-kontanthjaelp", "check as the template's letter", body=brev)
    do(C, "POST", 200, "/check?annotate=1", "check annotate", body=brev, check=lambda r: [
        (r.header("content-disposition") == 'attachment; filename="kommenteret.docx"', "kommenteret.docx")])
    do(C, "POST", 200, "/check?annotate=1", "check annotate with the report", body=brev,
       headers=["Accept: multipart/mixed"])
    do(C, "POST", 400, "/check?kind=brev", "check kind=brev", body=brev)
    do(C, "POST", 400, "/check?annotate=1", "annotate a text", body="Hej.", headers=[TEXT])
    do(C, "POST", 400, "/check", "check a text sent as docx", body="Hej.", headers=[DOCX])
    do(C, "POST", 400, "/check", "check a broken docx", body=b"PK\x03\x04garbage")
    do(C, "POST", 400, "/check", "check text that is not UTF-8", body="ansøgning".encode("cp1252"), headers=[TEXT])
    do(C, "POST", 401, "/check", "check without a token", token=None, body=brev)
    do(C, "POST", 403, "/check", "check with a token for templates only", token="skabeloner", body=brev)
    do(C, "POST", 404, "/check?template=afslag-kontanthjalp", "check as an unknown template", body=brev)
    do(C, "POST", 413, "/check", "check a zip bomb", body=bomb, check=lambda r: [
        (r.json()["code"] == "limit_exceeded", "limit_exceeded")])

    # lint
    L = "/lint"
    do(L, "POST", 400, "/lint?x=1", "lint with a parameter", body=letter, check=lambda r: [
        ("ingen parametre" in r.json()["message"], "says lint takes none")])
    do(L, "POST", 200, "/lint", "lint the sample template", body=letter, check=lambda r: [
        (r.json()["count"] == 0, "no errors"), (r.json()["static_text"] is not None, "the static text is checked")])
    do(L, "POST", 200, "/lint", "lint a broken template", body=broken_tpl, check=lambda r: [
        (r.json()["count"] == 2, "two errors"), (r.json()["static_text"] is None, "static_text null")])
    do(L, "POST", 200, "/lint", "lint a template with a warning", body=warn_tpl, check=lambda r: [
        (r.json()["warnings"] == 1 and r.json()["count"] == 0, "one warning")])
    do(L, "POST", 400, "/lint", "lint a text", body="{{navn}}", headers=[TEXT])
    do(L, "POST", 401, "/lint", "lint without a token", token=None, body=letter)
    do(L, "POST", 403, "/lint", "lint with a token for check only", token="tjek", body=letter)
    do(L, "POST", 413, "/lint", "lint a zip bomb", body=bomb)

    # ---- (b) nothing undocumented answers ----
    nf = spec.v.resolve(spec.doc["components"]["responses"]["NotFound"])
    na = spec.v.resolve(spec.doc["components"]["responses"]["MethodNotAllowed"])
    # (address, {method: known bug}, known bug without a token)
    odd = [("/web", {}, None), ("/session/", {}, None), ("/templates/afslag-kontanthjaelp/validate/", {}, None),
           ("/admin", {}, None), ("/templates/x/y", {}, None), ("/check/", {}, None),
           ("/lint/", {}, None), ("/templates/", {}, None), ("/health/", {}, None), ("/HEALTH", {}, None),
           ("//health", {}, None), ("/templates/afslag-kontanthjaelp/", {}, None),
           ("/templates/afslag-kontanthjaelp/fill/", {}, None), ("/templates/afslag-kontanthjaelp/lint/", {}, None),
           ("/../etc/passwd", {}, None), ("/%2e%2e/etc/passwd", {}, None),
           ("/templates/..%2f..%2fetc%2fpasswd", {}, None), ("/templates/%2e%2e/fill", {}, None),
           ("/health%00", {}, None), ("/health%00/admin", {}, None), ("/check%00.php", {}, None),
           ("/templates/afslag-kontanthjaelp%00/admin", {}, None), ("/templates/afslag-kontanthjaelp%00", {}, None),
           ("/templates/afslag-kontanthjaelp%2ffill", {"POST": "slash-in-id"}, None)]
    ut = spec.v.resolve(spec.doc["components"]["responses"]["UnknownTemplate"])
    for url, bugs, bug_no_token in odd:
        for method in ("GET", "POST"):
            r = c.request("main", url, method, body=example if method == "POST" else None, path_as_is=True,
                          headers=[JSON] if method == "POST" else [])
            if not R.check(r.status in (404, 405), "undocumented %s %s gave %d, want 404 or 405" % (
                    method, url, r.status), bugs.get(method)):
                continue
            what = "undocumented %s %s" % (method, url)
            if r.status == 405:
                spec.check_response(r, url, method, 405, what, resp=na)
            elif json.loads(r.body).get("code") == "unknown_template":
                spec.check_response(r, url, method, 404, what, resp=ut)  # /templates/../fill
            else:
                spec.check_response(r, url, method, 404, what, resp=nf)
        r = c.request("main", url, "GET", token=None, path_as_is=True)
        R.check(r.status == 401, "undocumented GET %s without a token gave %d, want 401" % (url, r.status),
                bug_no_token)
    r = c.request("main", "/templates", "POST", body=example, headers=[JSON])
    R.check(r.status == 405, "POST /templates gave %d, want 405" % r.status)
    # other methods on each documented path: 405 with Allow naming exactly the documented methods
    for path in spec.doc["paths"]:
        url = path.replace("{id}", "afslag-kontanthjaelp")
        documented = spec.methods(path)
        for method in METHODS:
            if method in documented:
                continue
            bug = "health-allow" if path == "/health" else None
            r = c.request("main", url, method)
            if not R.check(r.status == 405, "%s %s gave %d, want 405" % (method, url, r.status)):
                continue
            if method != "HEAD":
                spec.check_response(r, path, method, 405, "%s %s" % (method, url), resp=na)
            allow = {m.strip() for m in (r.header("allow") or "").split(",") if m.strip()}
            R.check(allow == documented, "%s %s: Allow: %s, but openapi.yaml documents %s" % (
                method, url, r.header("allow"), ", ".join(sorted(documented))), bug)
            if not spec.public(path):
                r = c.request("main", url, method, token=None)
                R.check(r.status == 401, "%s %s without a token gave %d, want 401" % (method, url, r.status))

    # ---- the limits server: --threads 1 --queue 0 --max-body 65536 --timeout 6 --max-connections 4 ----
    lim = cfg["limits"]
    big = b"a" * (lim["max_body"] + 1)
    for path, url, kw in ((F, A + "/fill", {"headers": [JSON]}), (C, "/check", {"headers": [TEXT]}),
                          (L, "/lint", {"headers": [DOCX]}), (V, A + "/validate", {"headers": [JSON]})):
        do(path, "POST", 413, url, "body over --max-body", server="limits", body=big, check=lambda r: [
            (r.json()["code"] == "body_too_large", "body_too_large")], **kw)
    # without Content-Length the body is read until it is too large, then the connection is closed
    r = c.request("limits", "/check", "POST", body=big, headers=[TEXT, "Transfer-Encoding: chunked"], record=False)
    R.check(r.status == 0, "a chunked body over --max-body: the connection is closed without an answer (got %d)"
            % r.status)
    c.sent["limits"].append(["POST", None])
    # every request slot taken (1 thread + 0 queue): 503 with Retry-After, before the body is read
    holder = hold_slot(lim["port"], cfg["tokens"]["fuld"])
    time.sleep(0.3)
    for path, url, kw in ((F, A + "/fill", {"headers": [JSON], "body": example}),
                          (C, "/check", {"headers": [TEXT], "body": "Hej."}),
                          (L, "/lint", {"headers": [DOCX], "body": letter}),
                          (V, A + "/validate", {"headers": [JSON], "body": example}),
                          (S, S, {"headers": [JSON], "body": JS({"token": cfg["tokens"]["fuld"]}), "token": None})):
        do(path, "POST", 503, url, "all request slots busy", server="limits", check=lambda r: [
            (r.json()["code"] == "busy", "busy")], **kw)
    get_and_head(TL, 503, A + "/lint", "all request slots busy", server="limits")
    r = c.request("limits", "/health")
    R.check(r.status == 200 and json.loads(r.body)["busy"] == 0, "GET /health answers while the slots are busy")
    # the held request is cut off after --timeout without an answer
    holder.settimeout(lim["timeout"] + 5)
    t0 = time.time()
    try:
        got = holder.recv(1000)
    except OSError:
        got = b""
    took = time.time() - t0
    R.check(got == b"", "a request whose body never comes gets no answer: %r" % got[:80])
    R.check(took < lim["timeout"] + 3, "a request whose body never comes is cut off after --timeout (%.1f s)" % took)
    holder.close()
    c.sent["limits"].append(["POST", None])
    # a client that sends its body a byte a second is cut off too
    s = socket.create_connection(("127.0.0.1", lim["port"]))
    s.sendall(("POST /check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/plain\r\n"
               "Content-Length: 100\r\n\r\n" % cfg["tokens"]["fuld"]).encode())
    t0, cut = time.time(), False
    try:
        for _ in range(40):
            s.sendall(b"a")
            time.sleep(0.5)
    except OSError:
        cut = True
    R.check(cut and time.time() - t0 < lim["timeout"] + 4,
            "a client that sends a byte every half second is cut off after --timeout (%.1f s)" % (time.time() - t0))
    s.close()
    c.sent["limits"].append(["POST", None])
    # --max-connections 4: a fifth connection waits until one of the four closes
    held = [socket.create_connection(("127.0.0.1", lim["port"])) for _ in range(lim["max_connections"])]
    time.sleep(0.3)
    extra = socket.create_connection(("127.0.0.1", lim["port"]))
    extra.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    extra.settimeout(1.5)
    try:
        early = extra.recv(100)
    except socket.timeout:
        early = None
    R.check(early is None, "a connection over --max-connections is not served while the others are open: %r" % early)
    for h in held:
        h.close()
    extra.settimeout(10)
    try:
        late = extra.recv(100)
    except socket.timeout:
        late = b""
    R.check(late.startswith(b"HTTP/1.1 200"), "the waiting connection is served when one closes: %r" % late[:40])
    extra.close()
    c.sent["limits"].append(["GET", 200])
    # PDF without LibreOffice (KLARBREV_SOFFICE names no program)
    do(F, "POST", 500, A + "/fill?format=pdf", "pdf without LibreOffice", server="limits", body=example,
       headers=[JSON], check=lambda r: [(r.json()["code"] == "pdf_failed", "pdf_failed")])
    # the worker's scratch folder gone: every route that works with a file says 500 internal
    roots = [d for d in os.listdir(lim["tmpdir"]) if d.startswith("klarbrev-serve.")]
    if R.check(len(roots) == 1, "one scratch folder under the limits server's TMPDIR: %s" % roots):
        w0 = os.path.join(lim["tmpdir"], roots[0], "w0")
        os.rmdir(w0)
        open(w0, "w").close()
        for path, url, kw, bug in ((F, A + "/fill?format=txt", {"headers": [JSON], "body": example},
                                    "scratch-in-message"),
                                   (C, "/check", {"body": brev}, None), (L, "/lint", {"body": letter}, None)):
            r = do(path, "POST", 500, url, "the scratch folder is gone", server="limits", check=lambda r: [
                (r.json()["code"] == "internal", "internal")], **kw)
            R.check(roots[0] not in r.body.decode("utf-8", "replace"),
                    "a 500 does not name the server's scratch folder: %s" % r.body[:200], bug)
        os.unlink(w0)
        os.mkdir(w0)
    return brev


# ---- (c) the examples of docs/api.md ----


def examples(spec, c, cfg):
    doc = open(cfg["doc"], encoding="utf-8").read()
    R.check(re.search(r"```sh\nexport KLARBREV_URL=\S+ KLARBREV_TOKEN=\S+\n```", doc) is not None,
            "docs/api.md sets KLARBREV_URL and KLARBREV_TOKEN once at the top")
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", doc, re.S) if b.startswith("curl ")]
    R.check(len(blocks) >= 19, "docs/api.md has %d curl examples; it had 19" % len(blocks))
    workdir = cfg["examples_dir"]
    env = dict(os.environ, KLARBREV_URL=cfg["url"]["main"], KLARBREV_TOKEN=cfg["tokens"]["fuld"])
    wrapper = ("curl() { command curl -w '%{stderr}KBSTATUS %{http_code} %{method} %{url_effective}\\n' \"$@\"; }\n")
    for b in blocks:
        first = b.splitlines()[0]
        m = re.search(r"#\s*->\s*([0-9]{3})\b", b)
        if not R.check(m is not None, "example without '# -> STATUS': %s" % first[:100]):
            continue
        want = int(m.group(1))
        p = subprocess.run(["bash", "-c", wrapper + b], cwd=workdir, env=env, capture_output=True, timeout=300)
        err = p.stderr.decode("utf-8", "replace")
        got = re.findall(r"^KBSTATUS ([0-9]{3}) (\S+) (\S+)$", err, re.M)
        if not R.check(len(got) == 1, "example made %d requests, want 1: %s\n    %s" % (len(got), first[:100], err)):
            continue
        status, method, url = int(got[0][0]), got[0][1], got[0][2]
        c.sent["main"].append([method, status])
        R.check(status == want, "example gives %d, the page says %d: %s\n    %s" % (
            status, want, first[:120], p.stdout[:300].decode("utf-8", "replace")))
        R.check(p.returncode == 0, "example exits %d: %s" % (p.returncode, first[:100]))
        out = re.search(r"-o (\S+)", b)
        if out:
            f = os.path.join(workdir, out.group(1))
            R.check(os.path.exists(f) and os.path.getsize(f) > 0, "example wrote nothing to %s" % out.group(1))
        elif "-D -" not in b and status == want:
            # what it printed is the documented body of that status
            path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
            op = next((p_ for p_ in spec.doc["paths"]
                       if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", p_), path)), None)
            if R.check(op is not None, "example's address %s is no documented path" % path):
                r = Resp(status, {"content-type": ["application/json; charset=utf-8"],
                                  "x-content-type-options": ["nosniff"]}, p.stdout)
                resp = spec.response(op, method, status)
                if R.check(resp is not None, "example: %s %s %d is not documented" % (method, op, status)):
                    try:
                        inst = r.json()
                        media = (resp.get("content") or {}).get("application/json") or {}
                        errs = spec.v.errors(inst, media["schema"]) if "schema" in media else []
                        R.check(not errs, "example %s: %s" % (first[:80], "; ".join(errs)))
                    except ValueError:
                        R.fail("example printed no JSON: %s" % first[:100])


# ---- (d) the access log ----

REQUEST_FIELDS = {"time": str, "event": str, "method": str, "route": str, "status": (int, type(None)),
                  "ms": (int, float), "token": (str, type(None)), "bytes_in": int, "bytes_out": int, "remote": str}
OPTIONAL_FIELDS = {"template": str, "closed": str}


def leaves(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from leaves(x)
    elif isinstance(v, list):
        for x in v:
            yield from leaves(x)
    elif isinstance(v, str):
        yield v


def check_log(cfg, spec):
    sent = json.load(open(os.path.join(cfg["work"], "sent.json")))
    routes = set(spec.doc["paths"]) | {"(ukendt)"}
    secrets = set()
    for v in leaves(ok_case(cfg)):
        secrets.add(v)
        secrets.update(line for line in v.split("\n") if len(line) >= 6)
    secrets |= {"010190-1234", "0101901234", "Dit CPR-nummer", "ansøgnig", "Såfremt", "Test Testesen",
                "Afslag på kontanthjælp\n", "Du får ikke kontanthjælp", "Vi har behandlet din ansøgning",
                "sagsnummer", "2026-048127"}
    secrets |= set(cfg["tokens"].values())
    secrets = {s for s in secrets if len(s) >= 4}
    for server in ("main", "limits"):
        path = cfg["log"][server]
        text = open(path, encoding="utf-8").read()
        lines = text.splitlines()
        objs = []
        for i, line in enumerate(lines, 1):
            try:
                objs.append(json.loads(line))
            except ValueError:
                R.fail("%s log line %d is not JSON: %s" % (server, i, line[:120]))
        if not objs:
            R.fail("%s log is empty" % server)
            continue
        R.check(objs[0].get("event") == "start" and objs[0].get("port") == cfg["url_port"][server],
                "%s log: the first line is the start with the port: %s" % (server, lines[0][:200]))
        R.check(objs[-1].get("event") == "stop", "%s log: the last line is the stop: %s" % (server, lines[-1][:200]))
        reqs = [o for o in objs if o.get("event") == "request"]
        others = {o.get("event") for o in objs} - {"request", "start", "stop", "http"}
        R.check(not others, "%s log: undocumented events %s" % (server, others))
        for o in reqs:
            problems = []
            for k, t in REQUEST_FIELDS.items():
                if k not in o:
                    problems.append("no %s" % k)
                elif not isinstance(o[k], t) or isinstance(o[k], bool):
                    problems.append("%s is %r" % (k, o[k]))
            for k in set(o) - set(REQUEST_FIELDS):
                if k not in OPTIONAL_FIELDS or not isinstance(o[k], OPTIONAL_FIELDS[k]):
                    problems.append("undocumented field %s=%r" % (k, o[k]))
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(o.get("time"))):
                problems.append("time %r" % o.get("time"))
            if o.get("method") not in LOG_METHODS | {"OTHER"}:
                problems.append("method %r" % o.get("method"))
            if o.get("route") not in routes:
                problems.append("route %r" % o.get("route"))
            if o.get("closed") not in (None, "timeout", "client", "shutdown", "error"):
                problems.append("closed %r" % o.get("closed"))
            if problems:
                R.fail("%s log: %s: %s" % (server, "; ".join(problems), json.dumps(o, ensure_ascii=False)[:300]))
        odd_ids = [o["template"] for o in reqs if "template" in o and not re.fullmatch(r"[A-Za-z0-9._-]+", o["template"])]
        R.check(not odd_ids, "%s log: \"template\" holds text that is no template id: %s" % (server, odd_ids[:3]),
                "path-in-log" if server == "main" else None)
        R.check(len(reqs) == len(sent[server]), "%s log: %d request lines for %d requests" % (
            server, len(reqs), len(sent[server])))
        if server == "main":
            want = collections.Counter((m if m in LOG_METHODS else "OTHER", s) for m, s in sent[server])
            got = collections.Counter((o.get("method"), o.get("status")) for o in reqs)
            R.check(want == got, "main log: the requests' methods and statuses differ: missing %s, extra %s" % (
                dict(want - got), dict(got - want)))
        R.check(sum(1 for o in reqs if o.get("status") == 200 and o.get("route") == "/templates/{id}/fill"
                    and o.get("template") == "afslag-kontanthjaelp" and o.get("token") == "fuld") > 0 or
                server == "limits", "%s log: a fill names its template and token" % server)
        for s in sorted(secrets):
            R.check(s not in text, "%s log holds %r" % (server, s[:60]))


def leak_probe(c):
    """Text of the address must not reach the log through the template field (checked by check_log)."""
    for token, url, method in (("fuld", "/templates/Jens%20Hansen%20311299-9999/fill", "GET"),
                               ("tjek", "/templates/Jens%20Hansen%20311299-9999", "GET"),
                               ("fuld", "/templates/3112999999", "GET")):
        c.request("main", url, method, token=token)


def main(argv):
    cmd = argv[1]
    opts = dict(zip(argv[2::2], argv[3::2]))
    cfg = json.load(open(opts["--config"]))
    spec = Spec(cfg["spec"])
    if cmd == "requests":
        c = Client(cfg, cfg["work"])
        scenarios(spec, c, cfg)
        examples(spec, c, cfg)
        spec.report_coverage()
        leak_probe(c)
        r = c.request("main", "/health")
        R.check(r.status == 200, "the main server still answers at the end: %d" % r.status)
        json.dump(c.sent, open(os.path.join(cfg["work"], "sent.json"), "w"))
    elif cmd == "log":
        check_log(cfg, spec)
        # the leak probes' text: the log must not hold it
        text = open(cfg["log"]["main"], encoding="utf-8").read()
        for s in ("Jens Hansen", "311299-9999", "3112999999"):
            R.check(s not in text, "main log holds %r from the address" % s, "path-in-log")
    return R.end()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
