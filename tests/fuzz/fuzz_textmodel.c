/*
 * fuzz_textmodel.c -- fuzz target: the Danish tokenizer and text model (textmodel.c, utf8.c). The input is text,
 * read three ways: as a plain-text letter (one paragraph a line, invalid UTF-8 refused), as one paragraph given to
 * kb_text_add_paragraph (invalid UTF-8 replaced) with spans cut at places derived from the input, and as a
 * windows-1252 .txt letter. The model's invariants are checked: sentences and words lie inside their paragraph, in
 * order, words inside their sentence's range, spans cover the text; LIX is computed.
 */
#include "fuzz_util.h"

#include <klarbrev.h>

#include "textmodel.h"

static void check_text(const kb_text *t)
{
	for (size_t i = 0; i < t->nparas; i++) {
		const kb_paragraph *p = &t->paras[i];
		if (p->text[p->len] != '\0')
			abort();
		size_t prev_end = 0;
		for (size_t w = 0; w < p->nwords; w++) {
			const kb_word *wd = &p->words[w];
			if (wd->start < prev_end || wd->len == 0 || wd->start + wd->len > p->len)
				abort();
			prev_end = wd->start + wd->len;
			(void)kb_is_abbreviation(p->text + wd->start, wd->len);
		}
		size_t sent_end = 0, next_word = 0;
		for (size_t s = 0; s < p->nsentences; s++) {
			const kb_sentence *se = &p->sentences[s];
			if (se->start < sent_end || se->start + se->len > p->len)
				abort();
			if (se->first_word < next_word || se->first_word + se->nwords > p->nwords)
				abort();
			sent_end = se->start + se->len;
			next_word = se->first_word + se->nwords;
		}
		size_t covered = 0;
		for (size_t s = 0; s < p->nspans; s++) {
			if (p->spans[s].start != covered || !p->spans[s].origin)
				abort();
			covered += p->spans[s].len;
		}
		if (p->nspans && covered != p->len)
			abort();
		(void)kb_paragraph_origin_at(p, 0);
		(void)kb_paragraph_origin_at(p, p->len);
		(void)kb_paragraph_span_at(p, p->len / 2);
	}
	kb_metrics m;
	kb_metrics_compute(&m, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kb_ctx *ctx = NULL;
	kb_text *t = NULL;
	kb_letter *l = NULL;
	if (kb_ctx_new(&ctx))
		abort();
	if (kb_text_from_plain(&t, ctx, (const char *)data, size, "brev.txt") == KB_OK)
		check_text(t);
	kb_text_free(t);
	t = NULL;

	/* one paragraph with up to 8 spans cut at offsets from the input's hash */
	if (kb_text_new(&t))
		abort();
	uint64_t rng = kbf_hash(data, size);
	kb_span spans[8];
	size_t nspans = kbf_below(&rng, 9), at = 0;
	static const char *const origins[] = { "template", "field:modtager.navn", "partial:p", NULL };
	for (size_t i = 0; i < nspans; i++) {
		size_t left = size - at;
		spans[i].start = at;
		spans[i].len = i + 1 == nspans ? left : kbf_below(&rng, left + 1);
		spans[i].origin = (char *)origins[kbf_below(&rng, 4)];
		spans[i].flags = (unsigned)kbf_below(&rng, 4);
		at += spans[i].len;
	}
	kb_para_info info = { .part = (kb_part_kind)kbf_below(&rng, 5), .part_name = "word/document.xml",
		              .style = kbf_below(&rng, 2) ? "Overskrift1" : NULL, .heading = (int)kbf_below(&rng, 10),
		              .in_table = (int)kbf_below(&rng, 2) };
	if (kb_text_add_paragraph(t, (const char *)data, size, &info, nspans ? spans : NULL, nspans) == KB_OK) {
		/* and again: a second paragraph of the same text in the same model */
		(void)kb_text_add_paragraph(t, (const char *)data, size, NULL, NULL, 0);
		check_text(t);
	}
	kb_text_free(t);

	if (kb_letter_from_text(&l, ctx, (const char *)data, size, "brev.txt", "windows-1252") == KB_OK)
		check_text(kb_letter_text(l));
	kb_letter_free(l);
	(void)kb_ctx_errmsg(ctx);
	kb_ctx_free(ctx);
	return 0;
}
