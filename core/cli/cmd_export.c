/* cmd_export.c -- klarbrev export (a checked letter as PDF/A or plain text), and the writers that fill and check
 * share: the annotated draft (--draft, --annotate), --pdf and --txt. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *export_help =
    "Brug: klarbrev export BREV.docx UD.pdf|UD.txt [--force] [--format text|json] [--data-dir MAPPE]\n"
    "\n"
    "Tjekker brevet som klarbrev check og gemmer det derefter som PDF/A-2b (til Digital Post og journalen) eller\n"
    "som ren tekst (UTF-8, et tomt linjeskift mellem afsnittene, en tabelrække på én linje med \" · \" mellem\n"
    "cellerne; til sms, e-mail og journalnotater). Har tjekket\n"
    "fundet fejl, gemmes intet: klarbrev afslutter med kode 1. Rapporten kommer på standard-output.\n"
    "\n"
    "PDF'en laves af LibreOffice (programmet soffice), som skal være installeret. klarbrev finder det i PATH eller\n"
    "i KLARBREV_SOFFICE=/sti/til/soffice og giver det højst KLARBREV_PDF_TIMEOUT sekunder (standard 120).\n"
    "Det virker, også mens LibreOffice er åbent, og når flere breve laves på én gang.\n"
    "\n"
    "  UD.pdf | UD.txt       hvad der skal gemmes; filtypen afgør formen\n"
    "  --force               gem, selv om tjekket har fundet fejl\n"
    "  --format text|json    rapportens form (json er til programmer; se docs/report.md)\n"
    "  --encoding TEGNSÆT    tegnsættet i et .txt-brev, der ikke er UTF-8: windows-1252 eller iso-8859-1\n"
    "  --no-spell            spring stavekontrollen over\n"
    "  --data-dir MAPPE      klarbrevs data (plugins, ordlister); ellers KLARBREV_DATA eller ved programmet\n"
    "  --config FIL          kommunens opsætning (plugins, ordlister, niveauer); ellers KLARBREV_CONFIG\n"
    "\n"
    "Eksempel:\n"
    "  klarbrev export brev.docx brev.pdf\n"
    "  klarbrev export brev.docx journalnotat.txt\n"
    "\n"
    "Afslutningskoder: 0 gemt, 1 fejl i brevet (intet gemt), 2 forkert brug, ugyldige input, eller LibreOffice\n"
    "mangler eller kunne ikke lave PDF'en (intet gemt).\n";

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext);
	return n > m && !strcasecmp(path + n - m, ext);
}

/* A plain-text letter, as kb_letter_open() tells them apart. */
static int is_text_letter(const char *path)
{
	return has_ext(path, ".txt") || has_ext(path, ".text");
}

/* 1 when a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* An output that cannot be written: the message alone (no hint to --help; the usage was right). KB_EXIT_BAD. */
static int out_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "klarbrev %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KB_EXIT_BAD;
}

/* The folder an output goes into, checked before any work is done: it must exist, be a folder and be writable, and
 * the name must be a file name (not a folder). what is how the user gave it ("-o", "--pdf", or "" for export's
 * target). Returns 0, or KB_EXIT_BAD after printing why. */
static int check_out_folder(const char *cmd, const char *what, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	const char *sep = *what ? " " : "";
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else if ((size_t)(slash - path) >= sizeof dir)
		return out_fail(cmd, "%s%s%s: stien er for lang", what, sep, path);
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	struct stat st;
	if (!*path || (slash && !slash[1]) || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		return out_fail(cmd, "%s%s%s er en mappe; skriv også filens navn", what, sep, *path ? path : "\"\"");
	if (stat(dir, &st) != 0)
		return out_fail(cmd, "%s%s%s: mappen %s findes ikke; opret den, eller vælg en anden mappe", what, sep,
		                path, dir);
	if (!S_ISDIR(st.st_mode))
		return out_fail(cmd, "%s%s%s: %s er ikke en mappe", what, sep, path, dir);
	if (access(dir, W_OK | X_OK) != 0)
		return out_fail(cmd, "%s%s%s: du har ikke lov til at gemme filer i mappen %s; vælg en anden mappe",
		                what, sep, path, dir);
	return 0;
}

int cli_export_names(const cli_opts *o, const char *cmd, const char *letter)
{
	const char *outs[] = {o->output, o->annotate, o->draft, o->pdf, o->txt};
	const char *opts[] = {"-o", "--annotate", "--draft", "--pdf", "--txt"};
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		if (same_file(letter, outs[i]))
			return cli_usage_error(cmd, "%s er brevet selv; vælg et andet navn til det, der skal gemmes",
			                       outs[i]);
		for (size_t j = 0; j < i; j++)
			if (outs[i] && outs[j] && (!strcmp(outs[i], outs[j]) || same_file(outs[i], outs[j])))
				return cli_usage_error(cmd, "%s er nævnt to gange; giv hver fil sit eget navn",
				                       outs[i]);
	}
	const char *ann = o->annotate ? o->annotate : o->draft;
	const char *opt = o->annotate ? "--annotate" : "--draft";
	if (ann && letter && is_text_letter(letter))
		return cli_usage_error(cmd,
		                       "%s kræver et Word-brev (.docx): et .txt-brev kan ikke få kommentarer; "
		                       "brug klarbrev check %s uden %s",
		                       opt, letter, opt);
	/* what is written must fit the name: a Word file is never called .pdf, text never .docx */
	if (o->output && !has_ext(o->output, ".docx") && !has_ext(o->output, ".docm"))
		return cli_usage_error(cmd, "-o %s: brevet gemmes som Word-dokument og skal hedde noget med .docx%s",
		                       o->output,
		                       has_ext(o->output, ".pdf")  ? "; vil du have en PDF, så brug --pdf BREV.pdf"
		                       : is_text_letter(o->output) ? "; vil du have ren tekst, så brug --txt BREV.txt"
		                                                   : "");
	if (ann && !has_ext(ann, ".docx") && !has_ext(ann, ".docm"))
		return cli_usage_error(cmd,
		                       "%s %s: kopien med kommentarer gemmes som Word-dokument og skal hedde noget "
		                       "med .docx",
		                       opt, ann);
	if (o->pdf && !has_ext(o->pdf, ".pdf"))
		return cli_usage_error(cmd, "--pdf %s: PDF-filen skal hedde noget med .pdf", o->pdf);
	if (o->txt && !is_text_letter(o->txt))
		return cli_usage_error(cmd, "--txt %s: teksten gemmes som ren tekst og skal hedde noget med .txt%s",
		                       o->txt, has_ext(o->txt, ".docx") ? "; Word-brevet gemmes med -o BREV.docx" : "");
	if (o->pdf && letter && is_text_letter(letter))
		return cli_usage_error(cmd, "--pdf kræver et Word-brev (.docx); %s er et .txt-brev", letter);
	/* the folders last: a wrong name is the likelier mistake, and says more */
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		int ret = outs[i] ? check_out_folder(cmd, !strcmp(cmd, "export") ? "" : opts[i], outs[i]) : 0;
		if (ret)
			return ret;
	}
	return 0;
}

/* The comments' date: $SOURCE_DATE_EPOCH when set (reproducible files), else now. */
static const char *comment_date(char buf[32])
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (!e || !*e)
		return NULL;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(e, &end, 10);
	struct tm tmv;
	time_t t = (time_t)v;
	if (errno || !end || *end || v < 0 || !gmtime_r(&t, &tmv) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tmv))
		return NULL;
	return buf;
}

int cli_save_draft(const kb_letter *l, kb_ctx *ctx, const char *path, const kb_findings *fs)
{
	char date[32];
	kb_annotate_options ao = {.date = comment_date(date)};
	return kb_letter_save_annotated(l, ctx, path, fs, &ao);
}

int cli_write_draft(const cli_opts *o, const kb_letter *l, const kb_findings *fs)
{
	const char *path = o->annotate ? o->annotate : o->draft;
	if (!path)
		return 0;
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return KB_EXIT_BAD;
	}
	int rc = cli_save_draft(l, ctx, path, fs);
	int ret = rc ? cli_fail(ctx, rc) : 0;
	if (!rc)
		fprintf(stderr, "klarbrev: kopien med %zu %s er gemt i %s\n", kb_findings_count(fs),
		        kb_findings_count(fs) == 1 ? "kommentar" : "kommentarer", path);
	kb_ctx_free(ctx);
	return ret;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int cli_write_exports(const cli_opts *o, const kb_letter *l)
{
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return KB_EXIT_BAD;
	}
	int ret = 0;
	/* the PDF first: it is the one that can fail for reasons outside the letter, and then nothing else is written
	 */
	if (o->pdf) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int rc = kb_letter_save_pdf(l, ctx, o->pdf, NULL);
		if (rc) {
			ret = cli_fail(ctx, rc);
			goto done;
		}
		long tenths = (long)(seconds_since(&t0) * 10.0 + 0.5);
		fprintf(stderr, "klarbrev: PDF/A-2b er gemt i %s (LibreOffice brugte %ld,%ld s)\n", o->pdf, tenths / 10,
		        tenths % 10);
	}
	if (o->txt) {
		int rc = kb_letter_save_text(l, ctx, o->txt);
		if (rc) {
			ret = cli_fail(ctx, rc);
			goto done;
		}
		fprintf(stderr, "klarbrev: teksten er gemt i %s\n", o->txt);
	}
done:
	kb_ctx_free(ctx);
	return ret;
}

int cmd_export(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "export", "format force data-dir no-spell no-plugins encoding config ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(export_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional != 2)
		return cli_usage_error("export",
		                       "angiv brevet og det, der skal gemmes: klarbrev export BREV.docx BREV.pdf");
	const char *letter = o.positional[0], *target = o.positional[1];
	if (has_ext(target, ".pdf"))
		o.pdf = target;
	else if (has_ext(target, ".txt") || has_ext(target, ".text"))
		o.txt = target;
	else
		return cli_usage_error("export", "%s: skriv .pdf (PDF/A) eller .txt (ren tekst) til sidst i navnet",
		                       target);
	if ((ret = cli_export_names(&o, "export", letter)))
		return ret;

	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	char *data_dir = NULL;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	if (!(data_dir = cli_data_dir(&o)))
		goto done;
	int rc = kb_letter_open_encoded(&l, ctx, letter, o.encoding);
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	if ((ret = cli_check_findings(&o, data_dir, l, &fs)))
		goto done;
	size_t errors = kb_findings_count_level(fs, KB_LEVEL_ERROR);
	if (errors && !o.force) {
		fprintf(stderr, "klarbrev: %s er ikke gemt, fordi tjekket fandt %zu fejl; ret %s, eller brug --force\n",
		        target, errors, errors == 1 ? "den" : "dem");
		ret = KB_EXIT_BLOCKED;
		goto done;
	}
	if (!(ret = cli_write_exports(&o, l)) && errors)
		fprintf(stderr,
		        "klarbrev: %s er gemt med --force, selv om tjekket fandt %zu fejl; ret %s, før brevet "
		        "sendes\n",
		        target, errors, errors == 1 ? "den" : "dem");
done:
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_ctx_free(ctx);
	free(data_dir);
	return ret;
}
