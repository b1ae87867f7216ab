/*
 * fuzz_docx_text.c -- fuzz target: open a DOCX letter and extract its text (package.c, letter.c, docx.c,
 * textmodel.c), then write the text out, compute LIX and render an empty report, as `klarbrev text` and `klarbrev
 * check --no-spell --no-plugins` do. The input is the .docx file; with libFuzzer, docx_mutator.c mutates
 * word/document.xml inside the zip so inputs stay valid packages.
 */
#include "fuzz_util.h"

#include <klarbrev.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = kbf_path(0, "letter.docx");
	if (kbf_write(in, data, size))
		return 0;
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	if (kb_ctx_new(&ctx) || kb_findings_new(&fs))
		abort();
	if (kb_letter_open(&l, ctx, in) == KB_OK) {
		const kb_text *t = kb_letter_text(l);
		size_t words = 0;
		for (size_t i = 0; i < t->nparas; i++) {
			const kb_paragraph *p = &t->paras[i];
			if (strlen(p->text) > p->len)
				abort(); /* text is NUL-terminated at len */
			for (size_t w = 0; w < p->nwords; w++)
				if (p->words[w].start + p->words[w].len > p->len)
					abort();
			words += p->nwords;
		}
		(void)words;
		kb_metrics m;
		kb_metrics_compute(&m, t);
		free(kb_report_text(fs, t, &m));
		free(kb_report_json(fs, t, &m));
		kb_letter_save_text(l, ctx, kbf_path(1, "letter.txt"));
	}
	(void)kb_ctx_errmsg(ctx);
	kb_letter_free(l);
	kb_findings_free(fs);
	kb_ctx_free(ctx);
	return 0;
}
