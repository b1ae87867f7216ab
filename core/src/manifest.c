/*
 * manifest.c -- a template's manifest.json: the manifest's own check, the case check against its fields, and
 * look-ups of one field (for lint, for spelling and personal-data flags).
 *
 * Both checks list every problem at once as details on the context, so that a template author or a caseworker
 * can fix them all in one go; the one-line message only counts them. Messages are Danish and name the field by its
 * path (and its label, when the manifest gives one). Values of personal fields, and of names, addresses and CPR
 * numbers, are never repeated in a message: messages end up in terminals and logs.
 */
#include "manifest.h"
#include "expr.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define KB_MANIFEST_PREVIEW 40 /* bytes of a wrong value shown in a message */

static const char *const field_types[] = {"text",   "name",   "address", "cpr",    "date", "amount",
                                          "number", "bool",   "list",    "choice", NULL};
static const char field_type_list[] = "text, name, address, cpr, date, amount, number, bool, list, choice";
static const char *const field_keys[] = {"type",  "label",  "description", "required", "personal",
                                         "facts", "items", "values",      NULL};
static const char field_key_list[] = "type, label, description, required, personal, facts, items, values";

static int is_type(const char *type, const char *want)
{
	return type && !strcmp(type, want);
}

/* list is NULL-terminated */
static int known_in(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

/* Problems are gathered on ctx; a failed allocation of a detail is remembered and reported once at the end. */
typedef struct check_state {
	kb_ctx *ctx;
	int bad;
	int oom;
} check_state;

#define PROBLEM(st, ...)                                                                                               \
	do {                                                                                                           \
		if (kb_ctx_add_detail((st)->ctx, __VA_ARGS__))                                                         \
			(st)->oom = 1;                                                                                 \
		(st)->bad++;                                                                                           \
	} while (0)

/* ---- look-ups ---- */

static const json_t *fields_of(const json_t *manifest)
{
	const json_t *f = json_is_object(manifest) ? json_object_get(manifest, "fields") : NULL;
	return json_is_object(f) ? f : NULL;
}

/* The items object of a declared list field, or NULL. */
static const json_t *list_items(const json_t *f)
{
	if (!json_is_object(f) || !is_type(json_string_value(json_object_get(f, "type")), "list"))
		return NULL;
	const json_t *items = json_object_get(f, "items");
	return json_is_object(items) ? items : NULL;
}

/* Finds path among fields, directly or through a list's items ("ydelser.beløb" is "beløb" in the items of
 * "ydelser"). *personal is set when a list on the way is personal: its items are. */
static const json_t *resolve(const json_t *fields, const char *path, int depth, int *personal)
{
	if (!fields || depth > KB_MANIFEST_MAX_DEPTH)
		return NULL;
	const json_t *f = json_object_get(fields, path);
	if (json_is_object(f))
		return f;
	for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		const json_t *lf = json_object_getn(fields, path, (size_t)(dot - path));
		const json_t *items = list_items(lf);
		if (!items)
			continue;
		const json_t *r = resolve(items, dot + 1, depth + 1, personal);
		if (r) {
			if (json_is_true(json_object_get(lf, "personal")))
				*personal = 1;
			return r;
		}
	}
	return NULL;
}

/* 1 when some declared field lies inside the group path ("modtager" for "modtager.navn"). */
static int has_group(const json_t *fields, const char *path, int depth)
{
	if (!fields || depth > KB_MANIFEST_MAX_DEPTH)
		return 0;
	size_t len = strlen(path);
	const char *key;
	json_t *f;
	json_object_foreach((json_t *)fields, key, f)
	{
		if (!strncmp(key, path, len) && key[len] == '.')
			return 1;
	}
	for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		const json_t *items = list_items(json_object_getn(fields, path, (size_t)(dot - path)));
		if (items && has_group(items, dot + 1, depth + 1))
			return 1;
	}
	return 0;
}

const json_t *kb_manifest_field(const json_t *manifest, const char *path)
{
	int personal = 0;
	return path ? resolve(fields_of(manifest), path, 0, &personal) : NULL;
}

int kb_manifest_declares(const json_t *manifest, const char *path)
{
	const json_t *fields = fields_of(manifest);
	if (!fields || !path || !*path)
		return 0;
	return kb_manifest_field(manifest, path) != NULL || has_group(fields, path, 0);
}

unsigned kb_manifest_field_flags(const json_t *manifest, const char *path)
{
	int personal = 0;
	const json_t *f = path ? resolve(fields_of(manifest), path, 0, &personal) : NULL;
	if (!f)
		return 0;
	unsigned flags = 0;
	const char *type = json_string_value(json_object_get(f, "type"));
	if (is_type(type, "name") || is_type(type, "address") || is_type(type, "cpr"))
		flags |= KB_SPAN_NOSPELL;
	if (personal || json_is_true(json_object_get(f, "personal")))
		flags |= KB_SPAN_NOSPELL | KB_SPAN_PERSONAL;
	return flags;
}

/* ---- near names ---- */

/* got differs from want, by at most limit edits (kb_nearest_limit, nearest.c's rule) and by fewer than *best: then
 * *best becomes the distance. */
static int nearer(const char *got, const char *want, size_t limit, size_t *best)
{
	if (!strcmp(got, want))
		return 0;
	size_t d = kb_nearest_distance(got, want); /* nearest.c: characters, case ignored, a swap is one */
	if (d > limit || d >= *best)
		return 0;
	*best = d;
	return 1;
}

/* Every declared name, with the fields of list items named through the list ("ydelser.beløb"), and the groups
 * they lie in ("modtager"), compared with path. */
static void nearest_in(const json_t *fields, const char *prefix, const char *path, size_t limit, kb_buf *best_name,
                       size_t *best, int depth)
{
	const char *key;
	json_t *f;
	if (depth > KB_MANIFEST_MAX_DEPTH)
		return;
	kb_buf name;
	kb_buf_init(&name, 65536);
	json_object_foreach((json_t *)fields, key, f)
	{
		name.len = 0;
		if ((*prefix && (kb_buf_adds(&name, prefix) || kb_buf_addc(&name, '.'))) || kb_buf_adds(&name, key))
			break;
		/* the groups on the way: "modtager" of "modtager.navn" */
		for (size_t i = name.len - strlen(key); i < name.len; i++) {
			if (name.data[i] != '.')
				continue;
			name.data[i] = '\0';
			if (nearer(path, name.data, limit, best)) {
				best_name->len = 0;
				kb_buf_adds(best_name, name.data);
			}
			name.data[i] = '.';
		}
		if (nearer(path, name.data, limit, best)) {
			best_name->len = 0;
			kb_buf_adds(best_name, name.data);
		}
		const json_t *items = list_items(f);
		if (items)
			nearest_in(items, name.data, path, limit, best_name, best, depth + 1);
	}
	kb_buf_free(&name);
}

char *kb_manifest_nearest(const json_t *manifest, const char *path)
{
	const json_t *fields = fields_of(manifest);
	if (!fields || !path)
		return NULL;
	kb_buf best_name;
	kb_buf_init(&best_name, 65536);
	size_t best = SIZE_MAX;
	nearest_in(fields, "", path, kb_nearest_limit(path), &best_name, &best, 0);
	if (!best_name.len) {
		kb_buf_free(&best_name);
		return NULL;
	}
	return kb_buf_detach(&best_name);
}

/* ---- JSON syntax errors in Danish ---- */

void kb_json_error_text(char *out, size_t cap, const json_error_t *err)
{
	static const char *const map[][2] = {
	    {"string or '}' expected", "her skulle stå et feltnavn i anførselstegn eller en }; står der et komma efter "
	                               "det sidste felt i en gruppe, så slet det"},
	    {"'}' expected", "her mangler et komma mellem to felter, eller en } til at lukke gruppen"},
	    {"']' expected", "her mangler et komma mellem to værdier i listen, eller en ] til at lukke listen"},
	    {"':' expected", "her mangler et kolon : mellem feltnavnet og værdien"},
	    {"'[' or '{' expected", "filen skal begynde med {"},
	    {"end of file expected", "der står mere efter den } der lukker det hele; slet det, eller flyt det ind"},
	    {"premature end of input", "filen slutter, før alt er lukket; mangler der en }, en ] eller et "
	                               "anførselstegn?"},
	    {"unexpected newline", "en tekst går over flere linjer; luk anførselstegnet på samme linje, og skriv et "
	                           "linjeskift i teksten som \\n"},
	    {"control character", "en tekst indeholder et usynligt styretegn (fx en tabulator); skriv det som \\t, "
	                          "eller slet det"},
	    {"invalid escape", "en tekst har en \\ foran et tegn, der ikke kan stå der; skriv \\\\ for en \\"},
	    {"invalid Unicode", "en tekst har en ugyldig \\u-kode"},
	    {"too big negative integer", "et tal er for stort"},
	    {"too big integer", "et tal er for stort"},
	    {"real number overflow", "et tal er for stort"},
	    {"invalid token", "her står noget, der ikke er JSON: en tekst skal stå i anførselstegn (\"...\"), og "
	                      "true, false og null skrives med små bogstaver"},
	    {"unexpected token", "her står noget, der ikke hører til her; se efter et komma eller en parentes for "
	                         "meget eller for lidt"},
	    {"maximum parsing depth reached", "grupperne og listerne ligger i for mange lag i hinanden"},
	    {"duplicate object key", "et feltnavn står to gange i samme gruppe; slet det ene"},
	    {"unable to decode byte", "filen er ikke gemt som UTF-8; gem den som UTF-8"},
	    {"NUL byte in object key", "et feltnavn indeholder et nul-tegn"},
	};
	const char *text = err->text;
	const char *near = strstr(text, " near ");
	size_t head = near ? (size_t)(near - text) : strlen(text);
	const char *what = NULL;
	for (size_t i = 0; i < sizeof map / sizeof map[0] && !what; i++)
		if (!strncmp(text, map[i][0], strlen(map[i][0])))
			what = map[i][1];
	char where[96] = "";
	if (near && !strcmp(near, " near end of file"))
		snprintf(where, sizeof where, " (ved filens slutning)");
	else if (near && near[6] == '\'') {
		size_t n = strcspn(near + 7, "'");
		if (n > 40) { /* a long token: its start, cut between two UTF-8 sequences */
			n = 40;
			while (n && ((unsigned char)near[7 + n] & 0xC0) == 0x80)
				n--;
		}
		snprintf(where, sizeof where, " (ved »%.*s«)", (int)n, near + 7);
	}
	if (what)
		snprintf(out, cap, "%s%s", what, where);
	else
		snprintf(out, cap, "%.*s%s", (int)head, text, where); /* a message we have no words for: as jansson says it */
}

/* ---- the manifest's own check ---- */

/* A field name is a dotted path of non-empty segments without characters that would end or split a tag. */
static int field_name_ok(const char *key)
{
	if (!*key || *key == '.')
		return 0;
	for (const char *p = key; *p; p++) {
		if (strchr(" \t\r\n{}|\"[]<>=!#^/&", *p))
			return 0;
		if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
			return 0;
	}
	return 1;
}

static void check_string_key(check_state *st, const json_t *obj, const char *key, const char *what, int required)
{
	const json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required)
			PROBLEM(st, "\"%s\" mangler; skriv %s", key, what);
		return;
	}
	if (!json_is_string(v) || json_string_length(v) == 0)
		PROBLEM(st, "\"%s\" skal være en tekst: %s", key, what);
}

static void check_choice_values(check_state *st, const json_t *f, const char *name)
{
	const json_t *values = json_object_get(f, "values");
	if (!values) {
		PROBLEM(
		    st,
		    "feltet \"%s\" har typen choice, men ingen \"values\"; skriv de tilladte værdier, fx \"values\": "
		    "[\"afslag\", \"bevilling\"]",
		    name);
		return;
	}
	if (!json_is_array(values) || json_array_size(values) == 0) {
		PROBLEM(
		    st,
		    "feltet \"%s\": \"values\" skal være en liste med mindst én tekst, fx [\"afslag\", \"bevilling\"]",
		    name);
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v)
	{
		if (!json_is_string(v) || json_string_length(v) == 0) {
			PROBLEM(st, "feltet \"%s\": værdi nr. %zu i \"values\" skal være en tekst, der ikke er tom",
			        name, i + 1);
			continue;
		}
		for (size_t k = 0; k < i; k++) {
			if (json_equal(v, json_array_get(values, k))) {
				PROBLEM(st, "feltet \"%s\": værdien \"%s\" står to gange i \"values\"; slet den ene",
				        name, json_string_value(v));
				break;
			}
		}
	}
}

/* "ydelser.beløb" at the top level while "ydelser" is itself a field: a field cannot both hold a value and hold
 * other fields. */
static void check_prefixes(check_state *st, const json_t *fields, const char *key, const char *name)
{
	for (const char *dot = strchr(key, '.'); dot; dot = strchr(dot + 1, '.')) {
		size_t n = (size_t)(dot - key);
		const json_t *pf = json_object_getn(fields, key, n);
		if (!pf)
			continue;
		if (is_type(json_string_value(json_object_get(pf, "type")), "list"))
			PROBLEM(st, "feltet \"%s\": \"%.*s\" er en liste; flyt \"%s\" ind under \"items\" i \"%.*s\"",
			        name, (int)n, key, dot + 1, (int)n, key);
		else
			PROBLEM(
			    st,
			    "feltet \"%s\": \"%.*s\" er selv et felt og kan ikke også rumme andre felter; omdøb et af "
			    "dem",
			    name, (int)n, key);
		return;
	}
}

static void check_fields(check_state *st, const json_t *fields, const char *prefix, int depth);

static void check_field(check_state *st, const json_t *fields, const char *key, const json_t *f, const char *name,
                        int depth)
{
	if (!field_name_ok(key))
		PROBLEM(
		    st,
		    "feltet \"%s\": navnet skal være ord adskilt af punktum, fx \"modtager.navn\", uden mellemrum og "
		    "uden tegnene { } | \" [ ] < > = ! # ^ / &",
		    name);
	check_prefixes(st, fields, key, name);
	if (!json_is_object(f)) {
		PROBLEM(st, "feltet \"%s\" skal beskrives med et objekt, fx {\"type\": \"text\", \"required\": true}",
		        name);
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)f, k, v)
	{
		if (!known_in(k, field_keys)) {
			const char *near = kb_nearest_name(k, field_keys);
			if (near)
				PROBLEM(st, "feltet \"%s\": ukendt nøgle \"%s\"; mente du \"%s\"? Kendte nøgler er: %s",
				        name, k, near, field_key_list);
			else
				PROBLEM(st, "feltet \"%s\": ukendt nøgle \"%s\"; kendte nøgler er: %s", name, k,
				        field_key_list);
		}
	}
	const json_t *tv = json_object_get(f, "type");
	const char *type = json_string_value(tv);
	if (!tv)
		PROBLEM(st, "feltet \"%s\" har ingen \"type\"; skriv en af: %s", name, field_type_list);
	else if (!type)
		PROBLEM(st, "feltet \"%s\": \"type\" skal være en tekst, en af: %s", name, field_type_list);
	else if (!known_in(type, field_types)) {
		const char *near = kb_nearest_name(type, field_types);
		if (near)
			PROBLEM(st, "feltet \"%s\": ukendt type \"%s\"; mente du \"%s\"? Brug en af: %s", name, type,
			        near, field_type_list);
		else
			PROBLEM(st, "feltet \"%s\": ukendt type \"%s\"; brug en af: %s", name, type, field_type_list);
	}
	static const char *const bools[] = {"required", "personal", "facts"};
	for (size_t i = 0; i < 3; i++) {
		const json_t *b = json_object_get(f, bools[i]);
		if (b && !json_is_boolean(b))
			PROBLEM(st, "feltet \"%s\": \"%s\" skal være true eller false (uden anførselstegn)", name,
			        bools[i]);
	}
	/* the facts of the decision are one text the letter shows, not a value in each row of a list */
	const json_t *facts = json_object_get(f, "facts");
	if (json_is_true(facts) && depth > 0)
		PROBLEM(st, "feltet \"%s\": \"facts\" kan kun stå på et felt uden for en liste", name);
	else if (json_is_true(facts) && !is_type(type, "text"))
		PROBLEM(st, "feltet \"%s\": \"facts\" kræver typen \"text\" (oplysningerne skrevet ud)", name);
	static const char *const texts[] = {"label", "description"};
	for (size_t i = 0; i < 2; i++) {
		const json_t *s = json_object_get(f, texts[i]);
		if (s && !json_is_string(s))
			PROBLEM(st, "feltet \"%s\": \"%s\" skal være en tekst i anførselstegn", name, texts[i]);
	}
	const json_t *items = json_object_get(f, "items");
	if (items && type && !is_type(type, "list")) {
		PROBLEM(st, "feltet \"%s\": \"items\" hører kun til typen list, men feltet har typen %s", name, type);
	} else if (items && !json_is_object(items)) {
		PROBLEM(st,
		        "feltet \"%s\": \"items\" skal være et objekt med et felt pr. nøgle, fx {\"beløb\": {\"type\": "
		        "\"amount\"}}",
		        name);
	} else if (items && depth + 1 >= KB_MANIFEST_MAX_DEPTH) {
		PROBLEM(st, "feltet \"%s\": lister må højst ligge %d i hinanden", name, KB_MANIFEST_MAX_DEPTH);
	} else if (items) {
		check_fields(st, items, name, depth + 1);
	}
	if (is_type(type, "choice"))
		check_choice_values(st, f, name);
	else if (json_object_get(f, "values") && type)
		PROBLEM(st, "feltet \"%s\": \"values\" hører kun til typen choice, men feltet har typen %s", name,
		        type);
}

static void check_fields(check_state *st, const json_t *fields, const char *prefix, int depth)
{
	kb_buf name;
	kb_buf_init(&name, 65536);
	const char *key;
	json_t *f;
	json_object_foreach((json_t *)fields, key, f)
	{
		name.len = 0;
		if ((prefix && (kb_buf_adds(&name, prefix) || kb_buf_addc(&name, '.'))) || kb_buf_adds(&name, key)) {
			st->oom = 1;
			break;
		}
		check_field(st, fields, key, f, name.data, depth);
	}
	kb_buf_free(&name);
}

/* "{ }", "<< >>": two markers of 1 to 8 bytes with spaces between and none inside (as template.c reads them). */
static int delimiters_ok(const char *s)
{
	const char *sp = strchr(s, ' ');
	if (!sp || sp == s || sp - s > 8)
		return 0;
	while (*sp == ' ')
		sp++;
	size_t n = strlen(sp);
	return n > 0 && n <= 8 && !strchr(sp, ' ');
}

/* A web address a reader can open: http:// or https://, a host, and no white space. */
static int url_ok(const char *s)
{
	size_t n = 0;
	if (!strncasecmp(s, "https://", 8))
		n = 8;
	else if (!strncasecmp(s, "http://", 7))
		n = 7;
	if (!n || !s[n] || s[n] == '/')
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ')
			return 0;
	return 1;
}

/* "sources": the laws and guidance the template's text was checked against. Optional; a list whose entries are a
 * title with a web address ({"title": ..., "url": "https://..."}) or a plain text. */
static void check_sources(check_state *st, const json_t *sources)
{
	static const char example[] =
	    "{\"title\": \"Forvaltningsloven\", \"url\": \"https://www.retsinformation.dk/...\"}";
	if (!json_is_array(sources)) {
		PROBLEM(st, "\"sources\" skal være en liste over de kilder, teksten bygger på, fx [%s]", example);
		return;
	}
	size_t i;
	const json_t *s;
	json_array_foreach(sources, i, s)
	{
		if (json_is_string(s)) {
			if (json_string_length(s) == 0)
				PROBLEM(st, "\"sources\"[%zu] er en tom tekst; skriv kildens navn, eller skriv %s", i,
				        example);
			continue;
		}
		if (!json_is_object(s)) {
			PROBLEM(st, "\"sources\"[%zu] skal være en tekst eller et objekt som %s", i, example);
			continue;
		}
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)s, k, v)
		{
			if (strcmp(k, "title") && strcmp(k, "url"))
				PROBLEM(st, "\"sources\"[%zu]: ukendt nøgle \"%s\"; en kilde har \"title\" og \"url\"",
				        i, k);
		}
		const json_t *title = json_object_get(s, "title");
		if (!title)
			PROBLEM(st, "\"sources\"[%zu] mangler \"title\"; skriv kildens navn, fx \"Forvaltningsloven\"",
			        i);
		else if (!json_is_string(title) || json_string_length(title) == 0)
			PROBLEM(
			    st,
			    "\"sources\"[%zu]: \"title\" skal være en tekst: kildens navn, fx \"Forvaltningsloven\"",
			    i);
		const json_t *url = json_object_get(s, "url");
		if (!url)
			PROBLEM(st,
			        "\"sources\"[%zu] mangler \"url\"; skriv adressen, hvor kilden kan læses, fx "
			        "\"https://www.retsinformation.dk/...\"",
			        i);
		else if (!json_is_string(url) || !url_ok(json_string_value(url)))
			PROBLEM(st,
			        "\"sources\"[%zu]: \"url\" skal være en webadresse, der begynder med https:// eller "
			        "http:// (uden mellemrum), fx \"https://www.retsinformation.dk/...\"",
			        i);
	}
}

int kb_manifest_check(kb_ctx *ctx, const json_t *manifest, const char *manifest_path)
{
	check_state st = {.ctx = ctx};
	const char *mp = manifest_path ? manifest_path : "manifest.json";
	kb_ctx_clear_details(ctx);
	if (!json_is_object(manifest))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: manifestet skal være et JSON-objekt, fx {\"title\": \"...\", "
		                   "\"fields\": {...}}",
		                   mp);
	check_string_key(&st, manifest, "title", "brevets titel, fx \"title\": \"Afslag på kontanthjælp\"", 1);
	check_string_key(&st, manifest, "kind",
	                 "hvilken slags afgørelse brevet er, fx \"afslag\", \"delvis bevilling\", \"bevilling\" eller "
	                 "\"partshøring\"",
	                 0);
	check_string_key(&st, manifest, "outcome", "afgørelsens udfald, fx \"afslag\"", 0);
	const json_t *of = json_object_get(manifest, "outcome_field");
	if (of && (!json_is_string(of) || json_string_length(of) == 0))
		PROBLEM(&st, "\"outcome_field\" skal være navnet på det felt, der rummer udfaldet, fx \"udfald\"");
	else if (of && !kb_manifest_field(manifest, json_string_value(of)))
		PROBLEM(&st,
		        "\"outcome_field\" peger på feltet \"%s\", som ikke står under \"fields\"; tilføj det, eller "
		        "ret navnet",
		        json_string_value(of));
	const json_t *appeal = json_object_get(manifest, "appeal");
	if (appeal && !json_is_object(appeal)) {
		PROBLEM(&st, "\"appeal\" skal være et objekt, fx {\"body\": \"Ankestyrelsen\", \"via\": \"kommunen\", "
		             "\"deadline\": \"4 uger\"}");
	} else if (appeal) {
		/* the messages name the key inside appeal, so say where it is */
		static const char *const keys[] = {"body", "deadline", "via"};
		static const char *const what[] = {"klageinstansen, fx \"Ankestyrelsen\"",
		                                   "klagefristen, fx \"4 uger\"",
		                                   "hvem klagen sendes til, fx \"kommunen\""};
		for (size_t i = 0; i < 3; i++) {
			const json_t *v = json_object_get(appeal, keys[i]);
			if (!v && i < 2)
				PROBLEM(&st, "\"appeal\" mangler \"%s\"; skriv %s", keys[i], what[i]);
			else if (v && (!json_is_string(v) || json_string_length(v) == 0))
				PROBLEM(&st, "\"appeal\": \"%s\" skal være en tekst: %s", keys[i], what[i]);
		}
	}
	const json_t *sources = json_object_get(manifest, "sources");
	if (sources)
		check_sources(&st, sources);
	const json_t *dl = json_object_get(manifest, "delimiters");
	if (dl && !(json_is_string(dl) && delimiters_ok(json_string_value(dl))))
		PROBLEM(&st,
		        "\"delimiters\" skal være to afgrænsere med et mellemrum imellem, fx \"{ }\" eller \"<< >>\" "
		        "(højst 8 tegn hver)");
	const json_t *fields = json_object_get(manifest, "fields");
	if (fields && !json_is_object(fields))
		PROBLEM(&st, "\"fields\" skal være et objekt med et felt pr. nøgle, fx {\"modtager.navn\": {\"type\": "
		             "\"name\", \"required\": true}}");
	else if (fields)
		check_fields(&st, fields, NULL, 0);
	if (st.oom)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (st.bad)
		return kb_ctx_fail_keep(ctx, KB_EINPUT, "%s: %d fejl; ret dem i manifestet", mp, st.bad);
	return KB_OK;
}

int kb_manifest_load(json_t **out, kb_ctx *ctx, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	json_t *m = NULL;
	*out = NULL;
	int rc = kb_read_file(&data, &len, ctx, path, KB_MAX_CASE_BYTES);
	if (rc)
		return rc;
	json_error_t err;
	m = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!m) {
		char why[512];
		kb_json_error_text(why, sizeof why, &err);
		if (err.line <= 0)
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: manifestet er ikke gyldig JSON: %s", path, why);
		else
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %d, kolonne %d: manifestet er ikke gyldig JSON: %s",
			                 path, err.line, err.column, why);
		goto done;
	}
	if ((rc = kb_manifest_check(ctx, m, path)))
		goto done;
	*out = m;
	m = NULL;
done:
	json_decref(m);
	free(data);
	return rc;
}

/* ---- the case against the manifest ---- */

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The value of n digits at s, or -1 when they are not all digits. */
static long digits(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "0101901234" or "010190-1234"; the date part loosely (day 01-31, month 01-12): CPR numbers without a valid
 * modulus check exist, and the birth date is not ours to judge. */
static int cpr_ok(const char *s)
{
	size_t len = strlen(s);
	const char *tail = NULL;
	if (len == 10)
		tail = s + 6;
	else if (len == 11 && s[6] == '-')
		tail = s + 7;
	if (!tail || digits(s, 6) < 0 || digits(tail, 4) < 0)
		return 0;
	long d = digits(s, 2), m = digits(s + 2, 2);
	return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

/* "12345", "-3", "12345.50": a number as a program writes it (no thousands separator, '.' before decimals). */
static int numeric_ok(const char *s)
{
	if (*s == '-')
		s++;
	if (!digit(*s))
		return 0;
	while (digit(*s))
		s++;
	if (*s == '.') {
		s++;
		if (!digit(*s))
			return 0;
		while (digit(*s))
			s++;
	}
	return *s == '\0';
}

/* What the manifest asks for, in a caseworker's words. */
static const char *expected(const char *type)
{
	if (is_type(type, "name"))
		return "en tekst (et navn)";
	if (is_type(type, "address"))
		return "en tekst (en adresse)";
	if (is_type(type, "cpr"))
		return "et CPR-nummer med 10 cifre, skrevet DDMMÅÅ-NNNN eller DDMMÅÅNNNN";
	if (is_type(type, "date"))
		return "en dato på formen ÅÅÅÅ-MM-DD (fx 2026-11-28) eller skrevet ud (fx 28. november 2026)";
	if (is_type(type, "amount"))
		return "et beløb: et tal som 12345.50 (punktum før ører, intet tusindtalspunktum)";
	if (is_type(type, "number"))
		return "et tal, fx 3 eller 2.5";
	if (is_type(type, "bool"))
		return "true eller false (uden anførselstegn)";
	if (is_type(type, "list"))
		return "en liste i firkantede parenteser [ ]";
	return "en tekst";
}

/* A short, one-line description of a value for a message: "\"28/11/2026\"", "tallet 12", "en liste". */
static int describe(kb_buf *b, const json_t *v)
{
	b->len = 0;
	switch (json_typeof(v)) {
	case JSON_STRING: {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v), show = n;
		if (show > KB_MANIFEST_PREVIEW) {
			show = KB_MANIFEST_PREVIEW;
			while (show && ((unsigned char)s[show] & 0xC0) == 0x80)
				show--; /* do not cut a UTF-8 sequence */
		}
		int rc = kb_buf_addc(b, '"');
		for (size_t i = 0; i < show && !rc; i++)
			rc = kb_buf_addc(b, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
		if (!rc && show < n)
			rc = kb_buf_adds(b, "…");
		return rc ? rc : kb_buf_addc(b, '"');
	}
	case JSON_INTEGER: return kb_buf_printf(b, "tallet %" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL: return kb_buf_printf(b, "tallet %g", json_real_value(v));
	case JSON_TRUE: return kb_buf_adds(b, "true");
	case JSON_FALSE: return kb_buf_adds(b, "false");
	case JSON_ARRAY: return kb_buf_adds(b, "en liste");
	case JSON_OBJECT: return kb_buf_adds(b, "en gruppe af felter");
	default: return kb_buf_adds(b, "null");
	}
}

typedef struct case_state {
	check_state st;
	kb_buf val;      /* scratch: a value's description */
	kb_buf list;     /* scratch: a choice's allowed values */
	json_t *blocked; /* groups already reported as not being groups: name -> true */
} case_state;

/* Looks path up in obj by dots. *blocked is the length of a leading part of path whose value is there but is not
 * an object (so nothing can be inside it), else 0; then *blocker (when blocker is not NULL) is that value. */
static const json_t *lookup(const json_t *obj, const char *path, size_t *blocked, const json_t **blocker)
{
	const char *p = path;
	*blocked = 0;
	if (blocker)
		*blocker = NULL;
	for (;;) {
		const char *dot = strchr(p, '.');
		if (!json_is_object(obj)) {
			if (obj && !json_is_null(obj) && p != path) {
				*blocked = (size_t)(p - path) - 1;
				if (blocker)
					*blocker = obj;
			}
			return NULL;
		}
		obj = dot ? json_object_getn(obj, p, (size_t)(dot - p)) : json_object_get(obj, p);
		if (!dot || !obj)
			return obj;
		p = dot + 1;
	}
}

static void wrong_type(case_state *cs, const char *name, const char *lb, const char *want, const json_t *v,
                       int sensitive)
{
	const char *label = lb ? lb : "";
	const char *open = lb ? " (" : "", *close = lb ? ")" : "";
	if (sensitive && json_is_string(v)) {
		PROBLEM(&cs->st,
		        "feltet \"%s\"%s%s%s skal være %s; værdien vises ikke, fordi den er en personoplysning", name,
		        open, label, close, want);
		return;
	}
	if (describe(&cs->val, v))
		cs->st.oom = 1;
	PROBLEM(&cs->st, "feltet \"%s\"%s%s%s skal være %s, men er %s", name, open, label, close, want,
	        cs->val.data ? cs->val.data : "");
}

static void check_items(case_state *cs, const json_t *items, const json_t *list, const char *name, int depth);

/* Checks one value v (NULL when absent) of field f, shown as name. blocked and group_value (the value that stands
 * where the blocked group should be): see lookup(). near_key: a case key at a missing field's place that looks like
 * a typo of it, or NULL. */
static void check_value(case_state *cs, const json_t *f, const json_t *v, const char *name, size_t blocked,
                        const json_t *group_value, const char *near_key, int depth)
{
	const char *label = json_string_value(json_object_get(f, "label"));
	const char *open = label ? " (" : "", *close = label ? ")" : "";
	const char *type = json_string_value(json_object_get(f, "type"));
	int required = json_is_true(json_object_get(f, "required"));
	int sensitive = json_is_true(json_object_get(f, "personal")) || is_type(type, "name") ||
	                is_type(type, "address") || is_type(type, "cpr");
	if (!v && blocked && !required) {
		/* {"tillaeg": [{"beløb": "12.500,00"}]} where the manifest has the group tillaeg.beløb: the fields are
		 * in a shape the manifest does not declare, and a section would show them unchecked; say it once per
		 * group */
		if (cs->blocked && !json_object_getn(cs->blocked, name, blocked)) {
			if (json_object_setn_new(cs->blocked, name, blocked, json_true()))
				cs->st.oom = 1;
			/* a text in place of the group is not repeated: the group's fields may be personal */
			cs->val.len = 0;
			if (json_is_string(group_value) ? kb_buf_adds(&cs->val, "en tekst") : describe(&cs->val, group_value))
				cs->st.oom = 1;
			PROBLEM(&cs->st,
			        "feltet \"%.*s\" skal være en gruppe af felter i krøllede parenteser { } (manifestet har "
			        "\"%s\"), men er %s",
			        (int)blocked, name, name, cs->val.data ? cs->val.data : "");
		}
		return;
	}
	if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
		if (required && blocked)
			PROBLEM(&cs->st,
			        "feltet \"%s\"%s%s%s mangler, fordi \"%.*s\" i sagen ikke er en gruppe af felter", name,
			        open, label ? label : "", close, (int)blocked, name);
		else if (required && near_key)
			PROBLEM(&cs->st,
			        "feltet \"%s\"%s%s%s mangler; det skal udfyldes. Sagen har \"%s\" samme sted: er det "
			        "en stavefejl for \"%s\"?",
			        name, open, label ? label : "", close, near_key, strrchr(name, '.') ? strrchr(name, '.') + 1 : name);
		else if (required)
			PROBLEM(&cs->st, "feltet \"%s\"%s%s%s mangler; det skal udfyldes", name, open,
			        label ? label : "", close);
		return;
	}
	const char *s = json_string_value(v);
	int ok = 1;
	if (is_type(type, "text") || is_type(type, "name") || is_type(type, "address"))
		ok = s != NULL;
	else if (is_type(type, "cpr"))
		ok = s && cpr_ok(s);
	else if (is_type(type, "date")) {
		/* the dato formatter reads dates with the same function, so a date that passes here prints */
		kb_date dt;
		char why[160];
		int drc = s ? kb_date_parse(&dt, why, sizeof why, s, json_string_length(v)) : KB_EINPUT;
		ok = !drc;
		if (drc == KB_DATE_NO_DAY) {
			if (sensitive) {
				/* not even the month and year it names: the value is personal */
				PROBLEM(&cs->st, "feltet \"%s\"%s%s%s skal være en dato, men værdien er ikke en dag i "
				        "kalenderen (den vises ikke, fordi den er en personoplysning)", name, open,
				        label ? label : "", close);
			} else {
				if (describe(&cs->val, v))
					cs->st.oom = 1;
				PROBLEM(&cs->st, "feltet \"%s\"%s%s%s skal være en dato, men %s %s", name, open,
				        label ? label : "", close, cs->val.data ? cs->val.data : "", why);
			}
			return;
		}
	}
	else if (is_type(type, "amount") || is_type(type, "number"))
		ok = json_is_number(v) || (s && numeric_ok(s));
	else if (is_type(type, "bool"))
		ok = json_is_boolean(v);
	else if (is_type(type, "list"))
		ok = json_is_array(v);
	if (!ok) {
		wrong_type(cs, name, label, expected(type), v, sensitive);
		return;
	}
	if (is_type(type, "choice")) {
		const json_t *values = json_object_get(f, "values");
		size_t i;
		json_t *a;
		int found = 0;
		cs->list.len = 0;
		json_array_foreach(values, i, a)
		{
			if (json_equal(a, v))
				found = 1;
			const char *as = json_string_value(a);
			if (kb_buf_printf(&cs->list, "%s\"%s\"", i ? ", " : "", as ? as : "") == KB_ENOMEM)
				cs->st.oom = 1;
		}
		const char *allowed = cs->list.data ? cs->list.data : "";
		if (!s) {
			wrong_type(cs, name, label, "en tekst", v, sensitive);
		} else if (!found && sensitive) {
			PROBLEM(&cs->st, "feltet \"%s\"%s%s%s har en værdi, der ikke er tilladt; brug en af: %s", name,
			        open, label ? label : "", close, allowed);
		} else if (!found) {
			if (describe(&cs->val, v))
				cs->st.oom = 1;
			PROBLEM(&cs->st, "feltet \"%s\"%s%s%s har værdien %s, som ikke er tilladt; brug en af: %s",
			        name, open, label ? label : "", close, cs->val.data ? cs->val.data : "", allowed);
		}
	}
	const json_t *items = list_items(f);
	if (items && depth < KB_MANIFEST_MAX_DEPTH)
		check_items(cs, items, v, name, depth + 1);
}

/* Checks the fields of container (the case, or one list item) against fields; prefix names the container in
 * messages ("ydelser[2]"), NULL for the case. */
static void check_case_fields(case_state *cs, const json_t *fields, const json_t *container, const char *prefix,
                              int depth)
{
	kb_buf name;
	kb_buf_init(&name, 65536);
	const char *key;
	json_t *f;
	json_object_foreach((json_t *)fields, key, f)
	{
		if (!json_is_object(f))
			continue;
		name.len = 0;
		if ((prefix && (kb_buf_adds(&name, prefix) || kb_buf_addc(&name, '.'))) || kb_buf_adds(&name, key)) {
			cs->st.oom = 1;
			break;
		}
		size_t blocked = 0;
		const json_t *group_value = NULL;
		const json_t *v = lookup(container, key, &blocked, &group_value);
		/* a missing required field: a key beside it in the case that is a typo of its name ("nanv" for "navn");
		 * the message about an optional field that is missing says nothing, so no search then */
		const char *near_key = NULL;
		if (!v && !blocked && json_is_true(json_object_get(f, "required"))) {
			const char *last = strrchr(key, '.');
			const json_t *parent = container;
			if (last) {
				char *group = kb_strndup(key, (size_t)(last - key));
				size_t ignored;
				if (!group)
					cs->st.oom = 1;
				parent = group ? lookup(container, group, &ignored, NULL) : NULL;
				free(group);
			}
			const char *k;
			json_t *x;
			const char *want = last ? last + 1 : key;
			size_t best = SIZE_MAX, limit = kb_nearest_limit(want);
			json_object_foreach((json_t *)(json_is_object(parent) ? parent : NULL), k, x)
			{
				(void)x;
				char sib[512]; /* the case key as a declared name: a field of its own is no typo */
				snprintf(sib, sizeof sib, "%.*s%s", last ? (int)(last - key + 1) : 0, key, k);
				if (!json_object_get(fields, sib) && nearer(k, want, limit, &best))
					near_key = k;
			}
		}
		/* blocked counts bytes of key; shift it past the prefix so that it cuts name at the same place */
		if (blocked && prefix)
			blocked += strlen(prefix) + 1;
		check_value(cs, f, v, name.data, blocked, group_value, near_key, depth);
	}
	kb_buf_free(&name);
}

static void check_items(case_state *cs, const json_t *items, const json_t *list, const char *name, int depth)
{
	size_t i;
	json_t *item;
	kb_buf at;
	kb_buf_init(&at, 65536);
	json_array_foreach(list, i, item)
	{
		at.len = 0;
		if (kb_buf_printf(&at, "%s[%zu]", name, i)) {
			cs->st.oom = 1;
			break;
		}
		if (!json_is_object(item)) {
			if (describe(&cs->val, item))
				cs->st.oom = 1;
			PROBLEM(&cs->st,
			        "feltet \"%s\" skal være en gruppe af felter i krøllede parenteser { }, men er %s",
			        at.data, cs->val.data ? cs->val.data : "");
			continue;
		}
		check_case_fields(cs, items, item, at.data, depth);
	}
	kb_buf_free(&at);
}

int kb_manifest_case_problems(int *bad, kb_ctx *ctx, const json_t *manifest, const json_t *case_data)
{
	const json_t *fields = fields_of(manifest);
	if (!fields)
		return KB_OK;
	case_state cs = {.st = {.ctx = ctx}};
	kb_buf_init(&cs.val, 4096);
	kb_buf_init(&cs.list, 4096);
	if (!(cs.blocked = json_object()))
		return KB_ENOMEM;
	check_case_fields(&cs, fields, case_data, NULL, 0);
	kb_buf_free(&cs.val);
	kb_buf_free(&cs.list);
	json_decref(cs.blocked);
	*bad += cs.st.bad;
	return cs.st.oom ? KB_ENOMEM : KB_OK;
}

int kb_manifest_validate_case(kb_ctx *ctx, const json_t *manifest, const json_t *case_data, const char *case_name)
{
	int bad = 0;
	kb_ctx_clear_details(ctx);
	if (kb_manifest_case_problems(&bad, ctx, manifest, case_data))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (bad)
		return kb_ctx_fail_keep(ctx, KB_EDATA, "%s: sagen passer ikke til skabelonen (%d %s); intet er skrevet",
		                        case_name ? case_name : "sagen", bad, bad == 1 ? "problem" : "problemer");
	return KB_OK;
}

const char *kb_manifest_outcome(const json_t *manifest, const json_t *case_data)
{
	if (!manifest)
		return NULL;
	const char *of = json_string_value(json_object_get(manifest, "outcome_field"));
	size_t blocked;
	const json_t *v = of && case_data ? lookup(case_data, of, &blocked, NULL) : NULL;
	return json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(manifest, "outcome"));
}

json_t *kb_manifest_outcomes(const json_t *manifest)
{
	json_t *list = json_array();
	if (!list || !json_is_object(manifest))
		return list;
	const char *of = json_string_value(json_object_get(manifest, "outcome_field"));
	const json_t *fields = json_object_get(manifest, "fields");
	const json_t *f = of && json_is_object(fields) ? json_object_get(fields, of) : NULL;
	const json_t *values = json_is_object(f) ? json_object_get(f, "values") : NULL;
	const json_t *outcome = json_object_get(manifest, "outcome");
	if (json_is_array(values))
		json_array_extend(list, (json_t *)values);
	else if (json_is_string(outcome))
		json_array_append(list, (json_t *)outcome);
	return list;
}

int kb_manifest_path(char **out, int *folder, const char *template_path)
{
	struct stat st;
	size_t n = strlen(template_path);
	*out = NULL;
	*folder = stat(template_path, &st) == 0 && S_ISDIR(st.st_mode);
	if (*folder)
		*out = kb_path_join(template_path, "manifest.json");
	else if (n >= 5 && !strcasecmp(template_path + n - 5, ".docx"))
		return KB_OK;
	else
		*out = kb_strdup(template_path);
	return *out ? KB_OK : KB_ENOMEM;
}
