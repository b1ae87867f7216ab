#!/usr/bin/env bash
# With KLARBREV_TJENESTE set, the Word macro (word/klarbrev.bas) talks to klarbrev serve instead of running klarbrev.
# Each request it sends is marked in the module by a line `' KLARBREV-HTTP: METHOD /path?query  Content-Type: ...
# body: ...` right above the line that sends it. This test takes those lines from the macro as they are, checks that
# the line below each sends just that (method, path, content type, body or none), starts the service on a free port
# with a tokens file, replays each request with curl as marked (the sample template, its example case, a letter made
# by klarbrev fill), and checks what the macro then relies on: the statuses it acts on (200, 400, 401, 403, 422, 503
# with Retry-After), the content type of what it saves as a Word document, the Klarbrev-Summary header it reads, and
# every JSON key it reads from an answer (each HentTekst/HentTal/HentListe/HentSandt(variable, "key") in the module)
# being in that answer with the type the macro reads it as.
. "$(dirname "$0")/lib.sh"
BAS=$KB_SRC/word/klarbrev.bas
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
ID=afslag-kontanthjaelp
DOCX=application/vnd.openxmlformats-officedocument.wordprocessingml.document
TOKEN=ydelser-4b1d0c8e9f2a7d63c5e1b0a9
export KLARBREV_CONFIG=

iconv -f CP1252 -t UTF-8 "$BAS" | tr -d '\r' >"$T/macro.bas"

# ---- the requests as the macro marks them: METHOD, path, Content-Type, body ('|'-separated), and the line below
# each sends that request with Tjeneste(...)
/usr/bin/python3 - "$T/macro.bas" >"$T/requests" <<'EOF' && pass || fail "every KLARBREV-HTTP line is followed by the Tjeneste call that sends it as marked"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
consts = dict(re.findall(r'^Private Const (TYPE_\w+) As String = "([^"]*)"', "\n".join(lines), re.M))
bad = 0
for n, line in enumerate(lines):
    m = re.match(r"\s*' KLARBREV-HTTP: (.*)$", line)
    if not m:
        continue
    parts = re.split(r"\s{2,}", m.group(1).strip())
    method, path = parts[0].split(" ", 1)
    ctype, body = "", None
    for p in parts[1:]:
        if p.startswith("Content-Type: "):
            ctype = p[len("Content-Type: "):]
        elif p.startswith("body: "):
            body = p[len("body: "):]
        else:
            sys.exit(f"klarbrev.bas:{n + 1}: {p!r} is neither Content-Type: nor body:")
    if body is None:
        sys.exit(f"klarbrev.bas:{n + 1}: the request says no body: (write body: ingen)")
    code = lines[n + 1]
    c = re.search(r'Tjeneste\("(\w+)", (?:"([^"]*)"|Replace\("([^"]*)", "\{id\}", id\)), (TYPE_\w+|""), (\w+), ', code)
    if not c:
        print(f"klarbrev.bas:{n + 2}: not a Tjeneste(...) call under the KLARBREV-HTTP line: {code.strip()}",
              file=sys.stderr)
        bad = 1
        continue
    sent = (c.group(1), c.group(2) or c.group(3), "" if c.group(4) == '""' else consts.get(c.group(4), "?"),
            "ingen" if c.group(5) == "Empty" else "some")
    marked = (method, path, ctype, "ingen" if body == "ingen" else "some")
    if sent != marked:
        print(f"klarbrev.bas:{n + 2}: sends {sent}, but the line above marks {marked}", file=sys.stderr)
        bad = 1
    print("|".join((method, path, ctype, body)))
sys.exit(bad)
EOF
sed 's/^/    marked: /' "$T/requests"
[ "$(wc -l <"$T/requests")" -eq 4 ] && pass || fail "the macro marks four requests: check, templates, fill, fill as draft"
# the one function that sends them puts the token and the content type on each, with the time limit
for want in 'http.setRequestHeader "Authorization", "Bearer " & KLARBREV_NOEGLE' \
  'If indholdstype <> "" Then http.setRequestHeader "Content-Type", indholdstype' \
  'Set http = CreateObject("MSXML2.ServerXMLHTTP.6.0")' 'http.setTimeouts forbind, forbind, ms, ms' \
  'ms = KLARBREV_TIDSGRAENSE * 1000&' 'http.Open metode, url, False'; do
  expect_in "$T/macro.bas" "$want" "Tjeneste sends with $want"
done
[ "$(grep -c 'Tjeneste("' "$T/macro.bas")" -eq "$(wc -l <"$T/requests")" ] && pass ||
  fail "every Tjeneste(...) call in the macro has its KLARBREV-HTTP line"

# ---- what the requests carry: a letter made by klarbrev fill, the example case, a case the checks stop (a full CPR
# number in the case's text: forvaltningsloven's persondata rule is an error), a case missing required fields
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/brev.docx"
expect_rc 0 "the letter the test sends is made by klarbrev fill"
"$KLARBREV" text "$T/brev.docx" --all >"$T/brev-lokalt.txt"
cp "$KB_SRC/tests/data/export/annotate.docx" "$T/brev-med-fejl.docx"
cp "$SAMPLE/example.json" "$T/sag.json"
/usr/bin/python3 - "$SAMPLE/example.json" "$T" <<'EOF'
import json, sys
case = json.load(open(sys.argv[1], encoding="utf-8"))
case["begrundelse"]["fakta"] = "Dit CPR-nummer er 010190-1234. " + case["begrundelse"]["fakta"]
json.dump(case, open(sys.argv[2] + "/sag-med-cpr.json", "w", encoding="utf-8"), ensure_ascii=False)
json.dump({"sag": {"nummer": "2026-048127"}}, open(sys.argv[2] + "/sag-uden-felter.json", "w", encoding="utf-8"))
EOF
# the templates folder: the sample, and a copy whose manifest has a choice field (the macro reads its "values")
mkdir -p "$T/templates"
cp -r "$SAMPLE" "$T/templates/$ID"
cp -r "$SAMPLE" "$T/templates/afslag-med-valg"
/usr/bin/python3 - "$T/templates/afslag-med-valg/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m["title"] = "Afslag på kontanthjælp (med grundlag)"
m["fields"]["afgoerelse.grundlag"] = {"type": "choice", "required": False, "label": "Grundlag",
                                      "values": ["formue", "indtægt"]}
json.dump(m, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
EOF

# ---- the service: a tokens file as the service demands it (private), one token per department
printf '# navn nøgle ruter\nydelser %s\nkun-tjek %s check\n' "$TOKEN" "tjek-7e5d4c3b2a19f8e7d6c5" >"$T/tokens"
chmod 600 "$T/tokens"
SERVERS=()
stop_servers() {
  local p
  for p in "${SERVERS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${SERVERS[@]}"; do wait "$p" 2>/dev/null; done
  SERVERS=()
}
trap 'stop_servers; rm -rf "$T"' EXIT
# start_server NAME ARGS...: starts klarbrev serve on a free port of 127.0.0.1; sets PORT and PID, or fails
start_server() {
  local name=$1
  shift
  "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/tokens" --log "$T/$name.log" "$@" 2>"$T/$name.err" &
  PID=$!
  SERVERS+=("$PID")
  PORT=$(listen_port "$T/$name.err" "$PID")
  [ -n "$PORT" ]
}
start_server serve --threads 2 --templates "$T/templates" && pass ||
  { fail "klarbrev serve starts: $(cat "$T/serve.err")"; finish; exit; }
head -n 1 "$T/serve.log" | grep -q "\"event\":\"start\".*\"port\":${PORT}[,}]" && pass ||
  fail "the log's first line is the start, with the port of the ready line ($PORT): $(head -n 1 "$T/serve.log")"
BASE=http://127.0.0.1:$PORT
SERVE_PID=$PID

# replay NAME METHOD PATH CTYPE BODYFILE [TOKEN]: sends the request as the macro marks it ({id} is the sample's id),
# with the token as the macro sends it and no "Expect: 100-continue" (WinHTTP sends none); keeps the answer's
# headers in $T/NAME.h, its body in $T/NAME.b and its status in $status
replay() {
  local name=$1 method=$2 path=${3//\{id\}/$ID} ctype=$4 body=$5 token=${6-$TOKEN}
  local args=(-sS -X "$method" -D "$T/$name.h" -o "$T/$name.b" -w '%{http_code}' -H 'Expect:' --max-time 120)
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$ctype" ] && args+=(-H "Content-Type: $ctype")
  [ -n "$body" ] && args+=(--data-binary "@$body")
  status=$(curl "${args[@]}" "$BASE$path" 2>"$T/stderr")
  tr -d '\r' <"$T/$name.h" >"$T/$name.hh"
  echo "    $method $path ${body:+($(basename "$body")) }-> $status"
}
# header NAME FIELD: the answer's header (case-insensitive), as WinHTTP's getResponseHeader gives it
header() { sed -n "s/^$2: //Ip" "$T/$1.hh" | head -n 1; }
# is_docx NAME [comments]: the body is a Word document (with comments: word/comments.xml has at least one)
is_docx() {
  /usr/bin/python3 - "$T/$1.b" "${2-}" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert "word/document.xml" in z.namelist()
if sys.argv[2]:
    assert b"<w:comment " in z.read("word/comments.xml")
EOF
}
# summary_ok NAME EXPR: the Klarbrev-Summary header as the macro reads it (one JSON object with three numbers), and
# EXPR (Python, over errors, warnings and lix) holds
summary_ok() {
  /usr/bin/python3 - "$(header "$1" Klarbrev-Summary)" "$2" <<'EOF'
import json, sys
s = json.loads(sys.argv[1])
assert set(s) >= {"errors", "warnings", "lix"}, s
for k in ("errors", "warnings", "lix"):
    assert isinstance(s[k], (int, float)) and not isinstance(s[k], bool) and s[k] >= 0, (k, s[k])
assert eval(sys.argv[2], {}, s), (sys.argv[2], s)
EOF
}
mkdir -p "$T/answers"
# keep NAME KIND: files the answer's JSON (body, or the summary header) for the key check at the end
keep() {
  if [ "$2" = opsummering ]; then header "$1" Klarbrev-Summary >"$T/answers/$1.$2"; else cp "$T/$1.b" "$T/answers/$1.$2"; fi
}

while IFS='|' read -r -u 3 method path ctype body; do
  case "$method $path|$body" in
  "POST /check?annotate=1|brevet (.docx)")
    # KlarbrevTjek: 200 with the annotated copy (saved as a .docx and opened) and the summary it shows
    replay tjek "$method" "$path" "$ctype" "$T/brev.docx"
    [ "$status" = 200 ] && pass || fail "KlarbrevTjek: 200 for a letter, got $status: $(head -c 300 "$T/tjek.b")"
    [ "$(header tjek Content-Type)" = "$DOCX" ] && pass || fail "KlarbrevTjek: the copy is a .docx ($(header tjek Content-Type))"
    is_docx tjek && pass || fail "KlarbrevTjek: the answer is a Word document"
    summary_ok tjek "errors == 0" && pass || fail "KlarbrevTjek: Klarbrev-Summary with no errors: $(header tjek Klarbrev-Summary)"
    keep tjek opsummering
    replay tjek-fejl "$method" "$path" "$ctype" "$T/brev-med-fejl.docx"
    [ "$status" = 200 ] && pass || fail "KlarbrevTjek: 200 for a letter with errors too, got $status"
    is_docx tjek-fejl comments && pass || fail "KlarbrevTjek: the copy of a letter with findings has them as comments"
    summary_ok tjek-fejl "errors >= 1" && pass || fail "KlarbrevTjek: the summary counts the errors: $(header tjek-fejl Klarbrev-Summary)"
    keep tjek-fejl opsummering
    # the numbers are those klarbrev check gives on the PC: for the caseworker only where the file comes from changes
    run "$KLARBREV" check "$T/brev-med-fejl.docx" --format json
    /usr/bin/python3 - "$T/stdout" "$(header tjek-fejl Klarbrev-Summary)" <<'EOF' && pass || fail "KlarbrevTjek: the service's counts and LIX are klarbrev check's"
import json, sys
r, s = json.load(open(sys.argv[1], encoding="utf-8")), json.loads(sys.argv[2])
assert (s["errors"], s["warnings"]) == (r["summary"]["errors"], r["summary"]["warnings"]), (s, r["summary"])
assert abs(s["lix"] - r["metrics"]["lix"]) < 0.06, (s["lix"], r["metrics"]["lix"])  # the header has one decimal
EOF
    replay tjek-401 "$method" "$path" "$ctype" "$T/brev.docx" "forkert-noegle-0123456789"
    [ "$status" = 401 ] && pass || fail "KlarbrevTjek with a wrong token: 401, got $status"
    keep tjek-401 fejlsvar
    ;;
  "GET /templates|ingen")
    # KlarbrevNytBrev: the list it numbers, and each template's fields it asks for
    replay skabeloner "$method" "$path" "$ctype" ""
    [ "$status" = 200 ] && pass || fail "GET /templates: 200, got $status"
    case "$(header skabeloner Content-Type)" in application/json*) pass ;; *) fail "GET /templates is JSON" ;; esac
    /usr/bin/python3 - "$T/skabeloner.b" "$ID" <<'EOF' && pass || fail "GET /templates lists the templates (UTF-8 JSON) with the sample's fields"
import json, sys
t = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
ids = [x["id"] for x in t["templates"]]
assert sys.argv[2] in ids and "afslag-med-valg" in ids, ids
sample = t["templates"][ids.index(sys.argv[2])]
assert sample["title"] == "Afslag på kontanthjælp", sample["title"]
paths = [f["path"] for f in sample["fields"] if f["required"] is True]
assert "modtager.navn" in paths and "begrundelse.fakta" in paths, paths
EOF
    keep skabeloner oversigt
    replay skabeloner-401 "$method" "$path" "$ctype" "" ""
    [ "$status" = 401 ] && pass || fail "GET /templates without a token: 401, got $status"
    keep skabeloner-401 fejlsvar
    replay skabeloner-403 "$method" "$path" "$ctype" "" "tjek-7e5d4c3b2a19f8e7d6c5"
    [ "$status" = 403 ] && pass || fail "GET /templates with a token only for check: 403, got $status"
    keep skabeloner-403 fejlsvar
    ;;
  "POST /templates/{id}/fill|sagen (JSON i UTF-8)")
    replay brev "$method" "$path" "$ctype" "$T/sag.json"
    [ "$status" = 200 ] && pass || fail "KlarbrevNytBrev: 200 for the example case, got $status: $(head -c 300 "$T/brev.b")"
    [ "$(header brev Content-Type)" = "$DOCX" ] && pass || fail "KlarbrevNytBrev: the letter is a .docx"
    is_docx brev && pass || fail "KlarbrevNytBrev: the letter is a Word document"
    summary_ok brev "errors == 0" && pass || fail "KlarbrevNytBrev: the letter's summary: $(header brev Klarbrev-Summary)"
    keep brev opsummering
    cp "$T/brev.b" "$T/brev-fra-tjenesten.docx"
    "$KLARBREV" text "$T/brev-fra-tjenesten.docx" --all >"$T/brev-fra-tjenesten.txt"
    expect_same "$T/brev-fra-tjenesten.txt" "$T/brev-lokalt.txt" "KlarbrevNytBrev: the service's letter has the text klarbrev fill makes"
    # a case the checks stop: 422 with one line per error (the macro lists them), then it asks for the draft
    replay blokeret "$method" "$path" "$ctype" "$T/sag-med-cpr.json"
    [ "$status" = 422 ] && pass || fail "KlarbrevNytBrev: 422 when the checks find an error, got $status"
    /usr/bin/python3 - "$T/blokeret.b" <<'EOF' && pass || fail "the 422 answer has details, one line per error"
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
assert b["details"] and all(isinstance(d, str) and d for d in b["details"]), b["details"]
assert any("CPR-nummer" in d for d in b["details"]), b["details"]
EOF
    summary_ok blokeret "errors >= 1" && pass || fail "the 422 answer has the summary the macro shows"
    keep blokeret fejlsvar
    keep blokeret opsummering
    # a case missing required fields: 400 with every problem (the macro shows them)
    replay ugyldig "$method" "$path" "$ctype" "$T/sag-uden-felter.json"
    [ "$status" = 400 ] && pass || fail "KlarbrevNytBrev: 400 for a case missing fields, got $status"
    expect_in "$T/ugyldig.b" '"feltet \"modtager.navn\" (Modtagerens navn) mangler' "the 400 answer names each missing field"
    keep ugyldig fejlsvar
    replay brev-401 "$method" "$path" "$ctype" "$T/sag.json" "forkert-noegle-0123456789"
    [ "$status" = 401 ] && pass || fail "KlarbrevNytBrev with a wrong token: 401, got $status"
    ;;
  "POST /templates/{id}/fill?format=draft|sagen (JSON i UTF-8)")
    replay udkast "$method" "$path" "$ctype" "$T/sag-med-cpr.json"
    [ "$status" = 200 ] && pass || fail "KlarbrevNytBrev: the draft of a stopped letter: 200, got $status"
    [ "$(header udkast Content-Type)" = "$DOCX" ] && pass || fail "KlarbrevNytBrev: the draft is a .docx"
    is_docx udkast comments && pass || fail "KlarbrevNytBrev: the draft has the findings as comments"
    summary_ok udkast "errors >= 1" && pass || fail "the draft's summary counts the error"
    keep udkast opsummering
    ;;
  *)
    fail "this test does not know how to replay the macro's request: $method $path (body: $body); add it here"
    ;;
  esac
done 3<"$T/requests"

# the access log names the department's token for each request, never the case or the letter
grep -q '"token":"ydelser"' "$T/serve.log" && pass || fail "the log names the token (the department) of each request"
expect_not_in "$T/serve.log" "Mette Lund" "the log has no case values"

kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
rc=$?
SERVERS=()
expect_rc 0 "klarbrev serve stops with exit 0 on SIGTERM"

# ---- 503 with Retry-After, which the macro shows as "prøv igen om N sekunder": one worker and no queue, held by a
# client that sends its letter slowly
start_server travl --threads 1 --queue 0 --no-spell --templates "$T/templates" && pass ||
  fail "klarbrev serve --threads 1 --queue 0 starts: $(cat "$T/travl.err")"
BASE=http://127.0.0.1:$PORT
head -c 400000 /dev/zero >"$T/langsom.txt"
curl -s -o /dev/null -H 'Expect:' --limit-rate 2k -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/plain" \
  --data-binary "@$T/langsom.txt" "$BASE/check" &
SLOW=$!
IFS='|' read -r method path ctype body < <(grep '^POST|/templates/{id}/fill|' "$T/requests")
for _ in $(seq 1 40); do
  sleep 0.25
  replay travl "$method" "$path" "$ctype" "$T/sag.json" >/dev/null
  [ "$status" = 503 ] && break
done
kill "$SLOW" 2>/dev/null
wait "$SLOW" 2>/dev/null
[ "$status" = 503 ] && pass || fail "a request when the service is full: 503, got $status"
header travl Retry-After | grep -qx '[0-9][0-9]*' && pass || fail "the 503 has Retry-After in seconds: '$(header travl Retry-After)'"
keep travl fejlsvar
stop_servers

# ---- every JSON key the macro reads is in the answers it reads it from, as the type it reads it as. The macro reads
# answers only with HentTekst/HentTal/HentListe/HentSandt(variable, "key"); the variable names the answer: oversigt
# is GET /templates, skab a template in it, felt a field of a template, opsummering the Klarbrev-Summary header,
# fejlsvar an error answer (400, 401, 403, 422, 503).
grep -v 'Private Function Hent' "$T/macro.bas" | grep -o 'Hent\(Tekst\|Tal\|Liste\|Sandt\)([^)]*)' >"$T/all-reads"
grep -x 'Hent[A-Za-z]*([A-Za-z]*, "[A-Za-z_]*")' "$T/all-reads" | sort -u >"$T/reads"
[ "$(grep -cvx 'Hent[A-Za-z]*([A-Za-z]*, "[A-Za-z_]*")' "$T/all-reads")" -eq 0 ] && pass ||
  fail "every JSON read is Hent...(variable, \"key\"): $(grep -vx 'Hent[A-Za-z]*([A-Za-z]*, "[A-Za-z_]*")' "$T/all-reads" | tr '\n' ' ')"
[ "$(wc -l <"$T/reads")" -ge 15 ] && pass || fail "the macro's JSON reads are found ($(wc -l <"$T/reads"))"
/usr/bin/python3 - "$T/reads" "$T/answers" <<'EOF' && pass || fail "every key the macro reads is in the service's answers"
import glob, json, os, re, sys
answers = {}
for p in glob.glob(os.path.join(sys.argv[2], "*")):
    answers.setdefault(p.rsplit(".", 1)[1], []).append(json.loads(open(p, encoding="utf-8").read()))
kinds = {
    "oversigt": answers.get("oversigt", []),
    "skab": [t for o in answers.get("oversigt", []) for t in o["templates"]],
    "felt": [f for o in answers.get("oversigt", []) for t in o["templates"] for f in t["fields"]],
    "opsummering": answers.get("opsummering", []),
    "fejlsvar": answers.get("fejlsvar", []),
}
# keys the server gives only when the template has them; the macro reads them as "" or an empty list then
optional = {("felt", "description"), ("felt", "values")}
types = {"Tekst": (str, int, float), "Tal": (int, float), "Liste": (list,), "Sandt": (bool,)}
bad = 0
for line in open(sys.argv[1]):
    how, var, key = re.match(r'Hent(\w+)\((\w+), "(\w+)"\)', line).groups()
    objs = kinds.get(var)
    if not objs:
        print(f"    the macro reads {key!r} from {var!r}, which this test does not know (or got no answer for)")
        bad = 1
        continue
    have = [o for o in objs if key in o]
    if not have or (len(have) < len(objs) and (var, key) not in optional):
        print(f"    {var}: {len(objs) - len(have)} of {len(objs)} answers have no {key!r} (Hent{how}({var}, \"{key}\"))")
        bad = 1
    wrong = [o[key] for o in have if not isinstance(o[key], types[how]) or (how == "Tal" and isinstance(o[key], bool))]
    if wrong:
        print(f"    {var}.{key} is not what Hent{how} reads: {wrong[:3]}")
        bad = 1
    if not bad:
        print(f"    {var}.{key}: in {len(have)} of {len(objs)} answers")
sys.exit(bad)
EOF
finish
