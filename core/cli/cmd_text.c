/* cmd_text.c -- klarbrev text and klarbrev inspect: show a letter's text as klarbrev reads it. */
#include "cli.h"
#include "letter.h"

#include <string.h>

static const char *text_help =
	"Brug: klarbrev text BREV.docx|BREV.txt [--all]\n"
	"\n"
	"Skriver brevets tekst, et afsnit pr. linje. Uden --all kun brødteksten; med --all også sidehoveder,\n"
	"sidefødder, fodnoter og slutnoter, hver del under en linje \"# del\" (fx \"# header word/header1.xml\").\n"
	"Et linjeskift inde i et afsnit vises som et mellemrum. En række i en tabel står på én linje med \" · \"\n"
	"mellem cellerne.\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev text brev.docx --all\n";

static const char *inspect_help =
	"Brug: klarbrev inspect BREV.docx|BREV.txt\n"
	"\n"
	"Viser, hvordan klarbrev ser teksten: hvert afsnit (med del, typografi og overskriftsniveau) og under det\n"
	"hver sætning på sin egen linje med antallet af ord, samt hvor teksten kommer fra (skabelon eller felt).\n"
	"Til dem, der skriver plugins, og til test. Til sidst LIX, antal ord og sætninger.\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev inspect brev.docx\n";

/* Prints s[0..n) with line breaks as spaces, so one paragraph stays one line. */
static void put_oneline(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputc(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], stdout);
}

static int open_letter(kb_letter **l, kb_ctx **ctx, const cli_opts *o, const char *cmd)
{
	if (o->npositional != 1)
		return cli_usage_error(cmd, "angiv ét brev: klarbrev %s BREV.docx", cmd);
	if (kb_ctx_new(ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return KB_EXIT_BAD;
	}
	int rc = kb_letter_open(l, *ctx, o->positional[0]);
	return rc ? cli_fail(*ctx, rc) : 0;
}

int cmd_text(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "text", "all ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(text_help, stdout);
		return KB_EXIT_OK;
	}
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	if (!(ret = open_letter(&l, &ctx, &o, "text"))) {
		const kb_text *t = kb_letter_text(l);
		const char *last_part = NULL;
		const kb_paragraph *prev = NULL; /* written, its line not yet ended */
		for (size_t i = 0; i < t->nparas; i++) {
			const kb_paragraph *p = &t->paras[i];
			if (!o.all && p->part != KB_PART_BODY)
				continue;
			if (o.all && (!last_part || strcmp(last_part, p->part_name) != 0)) {
				if (prev)
					fputc('\n', stdout);
				prev = NULL;
				printf("# %s %s\n", kb_part_kind_name(p->part), p->part_name);
				last_part = p->part_name;
			}
			/* a table row is one line: its cells joined by " · " */
			const char *join = kb_paragraph_row_join(prev, p);
			if (join)
				fputs(join, stdout);
			else if (prev)
				fputc('\n', stdout);
			put_oneline(p->text, p->len);
			prev = p;
		}
		if (prev)
			fputc('\n', stdout);
	}
	kb_letter_free(l);
	kb_ctx_free(ctx);
	return ret;
}

int cmd_inspect(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "inspect", "");
	if (ret)
		return ret;
	if (o.help) {
		fputs(inspect_help, stdout);
		return KB_EXIT_OK;
	}
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	if (!(ret = open_letter(&l, &ctx, &o, "inspect"))) {
		const kb_text *t = kb_letter_text(l);
		for (size_t i = 0; i < t->nparas; i++) {
			const kb_paragraph *p = &t->paras[i];
			printf("afsnit %zu [%s", i + 1, kb_part_kind_name(p->part));
			if (p->heading)
				printf(", overskrift %d", p->heading);
			if (p->style)
				printf(", typografi %s", p->style);
			if (p->in_table && p->table_row)
				printf(", tabel række %u celle %u", p->table_row, p->table_cell);
			else if (p->in_table)
				printf(", tabel");
			printf("] ");
			put_oneline(p->text, p->len);
			fputc('\n', stdout);
			for (size_t s = 0; s < p->nsentences; s++) {
				const kb_sentence *se = &p->sentences[s];
				printf("  [%zu ord] ", se->nwords);
				put_oneline(p->text + se->start, se->len);
				fputc('\n', stdout);
			}
			for (size_t k = 0; k < p->nspans; k++) {
				const kb_span *sp = &p->spans[k];
				if (!strcmp(sp->origin, "template") || !strcmp(sp->origin, "letter"))
					continue;
				printf("  <%s> ", sp->origin);
				put_oneline(p->text + sp->start, sp->len);
				fputc('\n', stdout);
			}
		}
		kb_metrics m;
		kb_metrics_compute(&m, t);
		printf("LIX %.1f · %zu ord · %zu sætninger · %zu lange ord\n", m.lix, m.words, m.sentences, m.long_words);
	}
	kb_letter_free(l);
	kb_ctx_free(ctx);
	return ret;
}
