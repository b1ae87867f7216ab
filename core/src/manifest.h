/*
 * manifest.h -- a template's manifest.json: checking the manifest itself, checking a case against it before
 * anything is written, and looking up what it says about one field.
 *
 *   {
 *     "title": "Afslag på kontanthjælp", "kind": "afslag", "outcome": "afslag",
 *     "appeal": { "body": "Ankestyrelsen", "via": "kommunen", "deadline": "4 uger" },
 *     "fields": {
 *       "modtager.navn": { "type": "name", "required": true, "personal": true, "label": "Modtagerens navn" },
 *       "udfald":  { "type": "choice", "values": ["afslag", "bevilling"], "required": true },
 *       "ydelser": { "type": "list", "items": { "navn": { "type": "text", "required": true },
 *                                               "beløb": { "type": "amount", "required": true } } }
 *     }
 *   }
 *
 * Fields are keyed by dotted path into the case ("modtager.navn" is case["modtager"]["navn"]). A list's "items"
 * declares the fields of each item, keyed by path inside the item; from outside they are named through the list
 * ("ydelser.beløb"), as a tag inside {{#ydelser}} sees them.
 *
 * Ownership: every json_t * here is borrowed; nothing is kept after a call returns, except that kb_manifest_field
 * returns a pointer into the manifest, valid while the manifest lives.
 */
#ifndef KB_MANIFEST_H
#define KB_MANIFEST_H

#include "internal.h"

#include <jansson.h>

/* Lists inside list items inside ... : deeper manifests are refused by kb_manifest_check. */
#define KB_MANIFEST_MAX_DEPTH 8

/* Where the template at template_path keeps its manifest, as fill and check look for it: *out is
 * <template_path>/manifest.json for a template folder (*folder 1; the file may be missing), NULL for a .docx file (a
 * bare .docx is a template without a manifest), else template_path itself (a manifest .json given on its own).
 * Returns KB_OK or KB_ENOMEM (no message); *out is a new string or NULL. */
int kb_manifest_path(char **out, int *folder, const char *template_path);

/* Reads and parses path (at most KB_MAX_CASE_BYTES) and checks it with kb_manifest_check. A syntax error is
 * KB_EINPUT naming line and column in Danish; the checker's problems are details. *out is a new reference that the
 * caller json_decref()s; NULL on failure. */
int kb_manifest_load(json_t **out, kb_ctx *ctx, const char *path);

/* Checks the manifest itself: "title" (a non-empty string, required), "kind", "outcome", "outcome_field" (must name
 * a declared field), "appeal" {"body", "via", "deadline"}, "delimiters" ("{ }": two markers with one space between),
 * "fields" (each field an object with a known "type"; "required" and "personal" true/false; "label" and
 * "description" strings; a list's "items", a choice's "values"). Other top-level keys are allowed (law,
 * discretionary, ...); unknown keys inside a field are not (they are usually typos of "required" or "label").
 * Returns KB_OK, or KB_EINPUT with «<manifest_path>: N fejl; ...» and one Danish detail per problem, each naming
 * the field. manifest_path is only used in the message. Clears earlier details. */
int kb_manifest_check(kb_ctx *ctx, const json_t *manifest, const char *manifest_path);

/* Checks case_data against the manifest's fields: every required field that is missing (absent, null or ""),
 * every value of the wrong type, every choice value not in "values", and the same for each item of a list with
 * "items" (named "ydelser[2].beløb", counting from 0 as in JSON). Fields the manifest does not declare are allowed.
 * Values of personal fields and of types name, address and cpr are never repeated in the messages.
 * Returns KB_OK (also for a NULL manifest), or KB_EDATA with «<case_name>: sagen passer ikke til skabelonen (N
 * problemer); intet er skrevet» and one Danish detail per problem. Clears earlier details. */
int kb_manifest_validate_case(kb_ctx *ctx, const json_t *manifest, const json_t *case_data, const char *case_name);

/* The same checks as kb_manifest_validate_case, but only adds the details to ctx and adds their number to *bad,
 * so a caller can gather its own problems into the same list. Returns KB_OK, or KB_ENOMEM. */
int kb_manifest_case_problems(int *bad, kb_ctx *ctx, const json_t *manifest, const json_t *case_data);

/* The manifest's entry for a field ("modtager.navn"), or for a field of a list's items named through the list
 * ("ydelser.beløb"); NULL when the field is not declared (or manifest is NULL). Borrowed from the manifest. */
const json_t *kb_manifest_field(const json_t *manifest, const char *path);

/* 1 when path is a declared field, a list item's field, or a group that declared fields lie in ("modtager" when
 * "modtager.navn" is declared, so {{#modtager}} is fine); else 0. For template lint. */
int kb_manifest_declares(const json_t *manifest, const char *path);

/* KB_SPAN_* for text that comes from the field: KB_SPAN_NOSPELL for types name, address and cpr; KB_SPAN_NOSPELL
 * and KB_SPAN_PERSONAL for a personal field, or for any field of the items of a personal list. 0 when the field is
 * not declared. path as for kb_manifest_field (the full path: "ydelser.beløb" inside {{#ydelser}}). */
unsigned kb_manifest_field_flags(const json_t *manifest, const char *path);

/* The letter's outcome ("afslag", ...): the case's value of the manifest's "outcome_field" when it is a text, else
 * the manifest's fixed "outcome"; NULL when neither says. case_data may be NULL (a template without a case).
 * Borrowed from the manifest or the case. */
const char *kb_manifest_outcome(const json_t *manifest, const json_t *case_data);

/* The outcomes a letter from the template can have: the "values" of the choice field "outcome_field" names, else
 * the one "outcome"; an empty list when neither says (or manifest is NULL). What `klarbrev template list` and the
 * service's GET /templates show. A new list: the caller decrefs it; NULL when out of memory. */
json_t *kb_manifest_outcomes(const json_t *manifest);

/* The declared name nearest to path (a field, a list item's field named through the list, or a group), when path
 * looks like a typo of it (one edit in a short name, up to three in a long one; letter case ignored); NULL when
 * none is near or path is declared. Caller frees. */
char *kb_manifest_nearest(const json_t *manifest, const char *path);

/* jansson's syntax error in Danish for a template author or a caseworker: what is wrong and where in the text
 * ("her mangler et komma mellem to felter, eller en } til at lukke gruppen (ved »"navn"«)"), without the line and
 * column, which the caller puts in front. A message without a translation is passed on as jansson wrote it. */
void kb_json_error_text(char *out, size_t cap, const json_error_t *err);

#endif
