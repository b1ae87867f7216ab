#!/usr/bin/env bash
# A template id names a template of the templates folder and nothing else: ../, encoded slashes and dots, absolute
# paths and long names are unknown templates (404), and nothing outside the folder is read or answered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_sample
mkdir -p "$T/data/templates"
cp -r "$KB_SRC/templates/afslag-kontanthjaelp" "$KB_SRC/templates/partials" "$T/data/templates/"
ln -s "$KB_SRC/plugins" "$T/data/plugins"
ln -s "$KB_SRC/dictionaries" "$T/data/dictionaries"
# a template beside the templates folder, which no id may reach
mkdir -p "$T/data/hemmelig"
cp -r "$KB_SRC/templates/afslag-kontanthjaelp/." "$T/data/hemmelig/"
serve_start --threads 1 --no-spell --data-dir "$T/data" || { finish; exit 1; }
for id in .. ../hemmelig %2e%2e%2fhemmelig ..%2fhemmelig %2E%2E %2fetc%2fpasswd ..%5chemmelig \
  "$(printf 'a%.0s' $(seq 1 200))" afslag-kontanthjaelp%00 .hidden afslag%20kontanthjaelp; do
  for suffix in "" /fill; do
    method=GET
    [ -n "$suffix" ] && method=POST
    status=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' -X $method -H "Authorization: Bearer $SERVE_TOKEN" \
      --data-binary @"$SAMPLE_CASE" "$SERVE_URL/templates/$id$suffix")
    [ "$status" = 404 ] && pass || fail "$method /templates/$id$suffix: HTTP $status, want 404"
    expect_not_in "$T/body" "hemmelig" "$method /templates/$id$suffix: the answer names nothing outside"
    expect_not_in "$T/body" "root:" "$method /templates/$id$suffix: no file content"
  done
done
status=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $SERVE_TOKEN" \
  -H 'Content-Type: text/plain' --data-binary @"$T/brev.txt" "$SERVE_URL/check?template=../hemmelig")
[ "$status" = 404 ] && pass || fail "/check?template=../hemmelig: HTTP $status, want 404"
scurl "$SERVE_URL/templates/afslag-kontanthjaelpe"
expect_status 404 "a misspelt id"
expect_in "$T/body" 'mente du \"afslag-kontanthjaelp\"' "a misspelt id gets the nearest one"
scurl "$SERVE_URL/templates/afslag-kontanthjaelp"
expect_status 200 "the real id"
serve_stop
finish
