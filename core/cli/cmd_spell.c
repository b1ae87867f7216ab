/* cmd_spell.c -- klarbrev spell: the unknown words of some words or a text, with suggestions. A tool for the people
 * who keep word lists: it uses the same dictionaries, lists and skipping rules as the spelling check of a letter. */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SPELL_MAX_INPUT (64u * 1024u * 1024u) /* what a .txt letter may hold (KB_MAX_TEXT_BYTES) */

static const char *spell_help =
	"Brug: klarbrev spell [ORD...] [--list] [--format text|json] [--encoding TEGNSÆT] [--config FIL]\n"
	"\n"
	"Viser de ord, som stavekontrollen ikke kender, med op til tre rettelsesforslag, bedste først (til de første 20\n"
	"forskellige ord; forslag tager tid, se docs/spelling.md). Ordbøgerne og\n"
	"reglerne er de samme som i klarbrev check: da_DK, ordlisterne i dictionaries/ og kommunens egne lister.\n"
	"Et værktøj til dem, der vedligeholder ordlister: kender klarbrev et nyt ord, og dets bøjninger?\n"
	"\n"
	"Uden ORD læses en tekst fra standard-input (et afsnit pr. linje, som et .txt-brev). Hvert ukendt ord vises\n"
	"én gang, i den rækkefølge det først står i teksten. Som i et brev springes ord med tal, webadresser,\n"
	"e-mailadresser, sagsnumre og bogstaver i §-henvisninger over, forkortelser slås op med deres punktum, og et\n"
	"ord, der er delt med bindestreg ved linjeskift, sættes sammen.\n"
	"\n"
	"  ORD...                de ord, der skal slås op\n"
	"  -l, --list            kun de ukendte ord, et pr. linje, uden forslag (hurtigt, som hunspell -l)\n"
	"  --format text|json    json: {\"words\": N, \"checked\": N, \"unknown\": [{\"word\": \"...\", \"count\": N,\n"
	"                        \"suggestions\": [...]}]} (words: ord i teksten, checked: ord slået op)\n"
	"  --encoding TEGNSÆT    tegnsættet på standard-input, når det ikke er UTF-8: windows-1252 eller iso-8859-1\n"
	"  --no-cache            slå hvert ord op igen i stedet for at huske svaret (til at måle, hvad cachen giver)\n"
	"  --config FIL          opsætningsfilen med kommunens ordlister; ellers KLARBREV_CONFIG\n"
	"  --data-dir MAPPE      klarbrevs data (ordlister); ellers KLARBREV_DATA eller ved programmet\n"
	"\n"
	"Eksempler:\n"
	"  klarbrev spell aktivloven aktivlovens kontanthjlp\n"
	"      aktivloven og aktivlovens er kendt (dictionaries/forvaltning.dic); kontanthjlp vises sådan:\n"
	"      kontanthjlp: kontanthjælp\n"
	"  klarbrev spell < brev.txt\n"
	"  klarbrev spell --list --encoding windows-1252 < gammel-tekst.txt\n"
	"\n"
	"Afslutningskoder: 0 alle ord er kendt, 1 der er ukendte ord, 2 forkert brug eller ugyldige input.\n";

/* Reads all of standard input, at most SPELL_MAX_INPUT bytes. Returns 0, or KB_EXIT_BAD after printing why. */
static int read_stdin(char **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	*out = NULL;
	while (buf) {
		if (n == cap) {
			if (cap >= SPELL_MAX_INPUT) {
				free(buf);
				fprintf(
				    stderr,
				    "klarbrev spell: standard-input er større end grænsen på %u byte; del teksten op\n",
				    SPELL_MAX_INPUT);
				return KB_EXIT_BAD;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, stdin);
		n += got;
		if (got == 0) {
			if (ferror(stdin)) {
				free(buf);
				fprintf(stderr, "klarbrev spell: kan ikke læse standard-input\n");
				return KB_EXIT_BAD;
			}
			*out = buf;
			*len = n;
			return 0;
		}
	}
	free(buf);
	fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
	return KB_EXIT_BAD;
}

/* The words given on the command line as a text, one a line. */
static char *words_text(const cli_opts *o, size_t *len)
{
	size_t n = 0;
	for (int i = 0; i < o->npositional; i++)
		n += strlen(o->positional[i]) + 1;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	size_t at = 0;
	for (int i = 0; i < o->npositional; i++) {
		size_t k = strlen(o->positional[i]);
		memcpy(s + at, o->positional[i], k);
		at += k;
		s[at++] = '\n';
	}
	s[at] = '\0';
	*len = at;
	return s;
}

/* One distinct unknown word: the finding where it first stands, and how often it does. */
typedef struct spell_word {
	const kb_finding *f;
	size_t first, count;
} spell_word;

static int by_text_then_place(const void *a, const void *b)
{
	const spell_word *x = a, *y = b;
	int c = strcmp(x->f->text, y->f->text);
	return c ? c : x->first < y->first ? -1 : x->first > y->first;
}

static int by_place(const void *a, const void *b)
{
	const spell_word *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The distinct unknown words of fs in the order they first occur; *n of them. NULL with *n 0 when there are none
 * or memory is short (*oom set). */
static spell_word *distinct_words(const kb_findings *fs, size_t *n, int *oom)
{
	size_t total = kb_findings_count(fs);
	*n = 0;
	*oom = 0;
	if (!total)
		return NULL;
	spell_word *v = calloc(total, sizeof *v);
	if (!v) {
		*oom = 1;
		return NULL;
	}
	size_t m = 0; /* the words: findings about the text as a whole (the note on suggestions) have none */
	for (size_t i = 0; i < total; i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		if (f->text)
			v[m++] = (spell_word){ .f = f, .first = i, .count = 1 };
	}
	qsort(v, m, sizeof *v, by_text_then_place);
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		if (k && !strcmp(v[k - 1].f->text, v[i].f->text))
			v[k - 1].count++;
		else
			v[k++] = v[i];
	}
	qsort(v, k, sizeof *v, by_place);
	*n = k;
	return v;
}

/* Prints the words as text or JSON. Returns 0, or KB_EXIT_BAD when out of memory (nothing printed then). */
static int print_words(const cli_opts *o, const spell_word *v, size_t n, size_t words, size_t checked)
{
	if (o->format == KB_FMT_JSON) {
		json_t *list = json_array();
		json_t *root = json_pack("{s:I, s:I, s:o}", "words", (json_int_t)words, "checked", (json_int_t)checked,
		                         "unknown", list);
		int bad = !root || !list;
		for (size_t i = 0; !bad && i < n; i++) {
			json_t *sugg = json_array();
			for (size_t k = 0; sugg && k < v[i].f->nsuggestions; k++)
				bad |= json_array_append_new(sugg, json_string(v[i].f->suggestions[k]));
			json_t *w = sugg ? json_pack("{s:s, s:I, s:o}", "word", v[i].f->text, "count",
			                             (json_int_t)v[i].count, "suggestions", sugg)
			                 : NULL;
			bad |= !w || json_array_append_new(list, w);
		}
		char *s = bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(root);
		if (!s) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			return KB_EXIT_BAD;
		}
		puts(s);
		free(s);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const kb_finding *f = v[i].f;
		if (o->list) {
			printf("%s\n", f->text);
			continue;
		}
		printf("%s: ", f->text);
		if (!f->nsuggestions)
			fputs("(ingen forslag)", stdout);
		for (size_t k = 0; k < f->nsuggestions; k++)
			printf("%s%s", k ? ", " : "", f->suggestions[k]);
		putchar('\n');
	}
	return 0;
}

int cmd_spell(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "spell", "format data-dir config encoding list no-cache ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(spell_help, stdout);
		return KB_EXIT_OK;
	}
	kb_ctx *ctx = NULL;
	kb_checker *ck = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	spell_word *words = NULL;
	char *text = NULL, *data_dir = NULL;
	size_t len = 0, checked = 0, nwords = 0;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx) || kb_findings_new(&fs)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	if (!(data_dir = cli_data_dir(&o)))
		goto done;
	if (o.npositional) {
		if (!(text = words_text(&o, &len))) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			goto done;
		}
	} else if (read_stdin(&text, &len)) {
		goto done;
	}
	kb_checker_options co;
	cli_checker_options(&co, &o, data_dir);
	co.no_plugins = 1;
	co.no_spell = 0;
	int rc = kb_letter_from_text(&l, ctx, text, len, o.npositional ? "ORD" : "standard-input", o.encoding);
	if (!rc)
		rc = kb_checker_new(&ck, ctx, &co);
	if (!rc)
		rc = kb_checker_spell(ck, ctx, l, !o.list, fs, &checked);
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	int oom = 0;
	words = distinct_words(fs, &nwords, &oom);
	if (oom) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	kb_metrics m;
	kb_metrics_compute(&m, kb_letter_text(l));
	if ((ret = print_words(&o, words, nwords, m.words, checked)))
		goto done;
	for (size_t i = 0; i < kb_findings_count(fs); i++) { /* the note when some words went without suggestions */
		const kb_finding *f = kb_findings_get(fs, i);
		if (!f->text)
			fprintf(stderr, "klarbrev spell: %s\n", f->message);
	}
	ret = nwords ? KB_EXIT_BLOCKED : KB_EXIT_OK;
done:
	free(words);
	kb_findings_free(fs);
	kb_letter_free(l);
	cli_checker_done(ck);
	kb_ctx_free(ctx);
	free(text);
	free(data_dir);
	return ret;
}
