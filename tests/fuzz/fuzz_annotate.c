/*
 * fuzz_annotate.c -- fuzz target: open a DOCX letter, make findings at places derived from the input (every kind
 * of paragraph, offsets inside, across and past words and multi-byte characters, the whole letter, paragraphs that
 * do not exist) and write an annotated copy (annotate.c, package.c's writer). The input is the .docx file.
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
	if (kb_letter_open(&l, ctx, in) != KB_OK)
		goto done;
	const kb_text *t = kb_letter_text(l);
	uint64_t rng = kbf_hash(data, size);
	size_t n = 1 + kbf_below(&rng, 24);
	static const char *const rules[] = { "stavning", "readability", "plugin", "klagevejledning", "" };
	static const char *const texts[] = { NULL, "æøå", "x", "en \"lang\" <tekst> & mere", "" };
	char *sugg[3] = { "forslag", "æble", "<&>" };
	for (size_t i = 0; i < n; i++) {
		kb_finding f = { 0 };
		size_t pick = kbf_below(&rng, 10);
		f.paragraph = pick == 0 ? -1 : pick == 1 ? (long)t->nparas + (long)kbf_below(&rng, 3)
		                                          : (t->nparas ? (long)kbf_below(&rng, t->nparas) : -1);
		size_t plen = f.paragraph >= 0 && (size_t)f.paragraph < t->nparas ? t->paras[f.paragraph].len : 0;
		if (plen && kbf_below(&rng, 2) && t->paras[f.paragraph].nwords) {
			const kb_paragraph *p = &t->paras[f.paragraph];
			const kb_word *w = &p->words[kbf_below(&rng, p->nwords)];
			f.start = w->start;
			f.len = w->len + kbf_below(&rng, 3) * kbf_below(&rng, 8);
		} else {
			f.start = kbf_below(&rng, plen + 3);
			f.len = kbf_below(&rng, 4) == 0 ? (size_t)-1 - kbf_below(&rng, 2) : kbf_below(&rng, plen + 3);
		}
		f.rule = (char *)rules[kbf_below(&rng, 5)];
		f.level = (kb_level)kbf_below(&rng, 3);
		f.message = (char *)"Skriv \"kort\" og <klart> & tydeligt: æøå";
		f.text = (char *)texts[kbf_below(&rng, 5)];
		f.origin = kbf_below(&rng, 2) ? (char *)"field:modtager.navn" : NULL;
		f.source = (char *)"core";
		f.suggestions = sugg;
		f.nsuggestions = kbf_below(&rng, 4);
		if (kb_findings_add(fs, &f))
			abort();
	}
	kb_findings_sort(fs);
	kb_annotate_options o = { .author = "Fuzz & <Co>", .initials = "FZ", .date = "2026-05-04T09:30:00Z" };
	if (kb_letter_save_annotated(l, ctx, kbf_path(1, "annotated.docx"), fs, &o) == KB_OK) {
		/* what we wrote must be a letter we can read again, with the same paragraphs */
		kb_letter *back = NULL;
		if (kb_letter_open(&back, ctx, kbf_path(1, "annotated.docx")) != KB_OK) {
			fprintf(stderr, "annotated copy does not open: %s\n", kb_ctx_errmsg(ctx));
			abort();
		}
		kb_letter_free(back);
	}
done:
	(void)kb_ctx_errmsg(ctx);
	kb_letter_free(l);
	kb_findings_free(fs);
	kb_ctx_free(ctx);
	return 0;
}
