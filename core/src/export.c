/*
 * export.c -- the letter as plain text and as PDF/A (klarbrev.h: kb_letter_save_text, kb_letter_save_pdf).
 *
 * The PDF comes from LibreOffice, run as a child process without a shell: an argument vector, its own process group
 * (so a stopped conversion takes soffice.bin and its helpers with it), its own profile folder (a running LibreOffice
 * would otherwise take the job over, and two conversions would fight over one profile), output into a fresh work
 * folder, and a time limit after which the group is stopped (SIGTERM, then SIGKILL) and reaped. Only a file that is a
 * PDF declaring PDF/A-2b is copied to the target, through a temporary file renamed into place.
 */
#include "export.h"
#include "letter.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_PDF_BYTES  (256u * 1024u * 1024u)
#define MAX_TIMEOUT    86400u
#define MAX_PATH_BYTES 4096u
#define KILL_GRACE_MS  3000
/* The PDF export filter with PDF/A-2b (SelectPdfVersion 2), in the JSON form LibreOffice 7.4 reads from
 * --convert-to. */
#define CONVERT_TO "pdf:writer_pdf_Export:{\"SelectPdfVersion\":{\"type\":\"long\",\"value\":\"2\"}}"

/* 1 when a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Refuses to write over the file the letter was read from. */
static int check_not_input(const kb_letter *l, kb_ctx *ctx, const char *path)
{
	if (same_file(path, l->name) || (l->pkg && same_file(path, kb_package_path(l->pkg))))
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: det er brevet selv; vælg et andet navn til det, der skrives",
		                   path);
	return KB_OK;
}

/* ---- plain text ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

const char *kb_paragraph_row_join(const kb_paragraph *prev, const kb_paragraph *p)
{
	if (!prev || !p->table_row || prev->table_row != p->table_row)
		return NULL;
	return prev->table_cell == p->table_cell ? " " : " \xC2\xB7 ";
}

/* Appends a paragraph as lines: white space at its ends left out, a line break (w:br) kept as one (or, in a table
 * row, which is one line, made a space), and no empty line inside it, so that a blank line always separates
 * paragraphs. */
static int add_paragraph(kb_buf *b, const char *s, size_t n, int one_line)
{
	while (n > 0 && is_blank(s[0]))
		s++, n--;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	int rc = KB_OK;
	for (size_t i = 0; i < n && !rc;) {
		if (s[i] != '\n' && s[i] != '\r') {
			rc = kb_buf_addc(b, s[i++]);
			continue;
		}
		/* a break and any white space up to the next text: one line break */
		while (i < n && is_blank(s[i]))
			i++;
		rc = kb_buf_addc(b, one_line ? ' ' : '\n');
	}
	return rc;
}

int kb_letter_save_text(const kb_letter *l, kb_ctx *ctx, const char *path)
{
	int rc = check_not_input(l, ctx, path);
	if (rc)
		return rc;
	const kb_text *t = kb_letter_text(l);
	kb_buf b;
	kb_buf_init(&b, KB_MAX_TEXT_BYTES + 2u * 1024u * 1024u);
	/* the body first, then the notes; headers and footers are the letterhead. A paragraph ends its line when the
	 * next one starts a line of its own; a blank line follows, except between the rows of a table. */
	const kb_paragraph *prev = NULL;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < t->nparas && !rc; i++) {
			const kb_paragraph *p = &t->paras[i];
			int notes = p->part == KB_PART_FOOTNOTE || p->part == KB_PART_ENDNOTE;
			if ((pass == 0 && p->part != KB_PART_BODY) || (pass == 1 && !notes))
				continue;
			const char *join = kb_paragraph_row_join(prev, p);
			if (join)
				rc = kb_buf_adds(&b, join);
			else if (prev)
				rc = kb_buf_adds(&b, prev->table_row && p->table_row ? "\n" : "\n\n");
			if (!rc)
				rc = add_paragraph(&b, p->text, p->len, p->table_row != 0);
			prev = p;
		}
	}
	if (!rc && prev)
		rc = kb_buf_adds(&b, "\n");
	if (rc) {
		kb_buf_free(&b);
		return kb_ctx_fail(ctx, rc == KB_ELIMIT ? KB_ELIMIT : KB_ENOMEM, "%s: brevets tekst er for stor", path);
	}
	kb_outfile out;
	if ((rc = kb_outfile_open(&out, ctx, path)) == KB_OK) {
		rc = kb_outfile_write(&out, ctx, b.data ? b.data : "", b.len);
		if (!rc)
			rc = kb_outfile_commit(&out, ctx);
		kb_outfile_abort(&out);
	}
	kb_buf_free(&b);
	return rc;
}

/* ---- finding LibreOffice ---- */

static int is_program(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The LibreOffice program: opts, then $KLARBREV_SOFFICE, then soffice or libreoffice in a folder of $PATH.
 * *out is the caller's to free. */
static int find_soffice(char **out, kb_ctx *ctx, const kb_pdf_options *opts, const char *path)
{
	*out = NULL;
	const char *given = opts && opts->soffice ? opts->soffice : getenv("KLARBREV_SOFFICE");
	const char *from = opts && opts->soffice ? "indstillingen" : "KLARBREV_SOFFICE";
	if (given && *given) {
		if (!strchr(given, '/'))
			return kb_ctx_fail(ctx, KB_EUSAGE,
			                   "%s=%s: angiv hele stien til LibreOffice, fx /usr/bin/soffice", from, given);
		if (!is_program(given))
			return kb_ctx_fail(
			    ctx, KB_EEXTERNAL,
			    "%s peger på %s, som ikke er et program, der kan køres; ret stien til LibreOffice "
			    "(soffice). Intet er skrevet til %s",
			    from, given, path);
		*out = kb_strdup(given);
		return *out ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	static const char *const names[] = {"soffice", "libreoffice"};
	const char *env = getenv("PATH");
	kb_buf cand;
	kb_buf_init(&cand, MAX_PATH_BYTES);
	for (size_t k = 0; env && k < sizeof names / sizeof names[0]; k++) {
		for (const char *dir = env;;) {
			const char *colon = strchr(dir, ':');
			size_t n = colon ? (size_t)(colon - dir) : strlen(dir);
			cand.len = 0;
			/* an empty entry is the current folder */
			if (!kb_buf_add(&cand, n ? dir : ".", n ? n : 1) && !kb_buf_printf(&cand, "/%s", names[k]) &&
			    is_program(cand.data)) {
				*out = kb_buf_detach(&cand);
				return *out ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			}
			if (!colon)
				break;
			dir = colon + 1;
		}
	}
	kb_buf_free(&cand);
	return kb_ctx_fail(
	    ctx, KB_EEXTERNAL,
	    "LibreOffice findes ikke: klarbrev laver PDF med LibreOffice, men programmet soffice er ikke i "
	    "PATH. Installér LibreOffice Writer (Debian: apt-get install libreoffice-writer-nogui), eller "
	    "sæt KLARBREV_SOFFICE til stien til soffice. Intet er skrevet til %s",
	    path);
}

static int read_timeout(unsigned *out, kb_ctx *ctx, const kb_pdf_options *opts)
{
	*out = KB_PDF_TIMEOUT;
	if (opts && opts->timeout) {
		*out = opts->timeout < MAX_TIMEOUT ? opts->timeout : MAX_TIMEOUT;
		return KB_OK;
	}
	const char *env = getenv("KLARBREV_PDF_TIMEOUT");
	if (!env || !*env)
		return KB_OK;
	char *end = NULL;
	errno = 0;
	long v = strtol(env, &end, 10);
	if (errno || !end || *end || v < 1 || v > (long)MAX_TIMEOUT)
		return kb_ctx_fail(ctx, KB_EUSAGE,
		                   "KLARBREV_PDF_TIMEOUT=%s: skal være et helt antal sekunder mellem 1 og %u", env,
		                   MAX_TIMEOUT);
	*out = (unsigned)v;
	return KB_OK;
}

/* ---- the work folder ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new folder <$TMPDIR or /tmp>/klarbrev-pdf.XXXXXX, as an absolute path. *out is the caller's to free. */
static int make_work_dir(char **out, kb_ctx *ctx)
{
	*out = NULL;
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char cwd[MAX_PATH_BYTES];
	int relative = base[0] != '/';
	if (relative && !getcwd(cwd, sizeof cwd))
		return kb_ctx_fail(ctx, KB_EIO, "den aktuelle mappe kan ikke læses: %s", kb_errno_text(errno));
	kb_buf b;
	kb_buf_init(&b, MAX_PATH_BYTES);
	if ((relative && kb_buf_printf(&b, "%s/", cwd)) || kb_buf_printf(&b, "%s/klarbrev-pdf.XXXXXX", base)) {
		kb_buf_free(&b);
		return kb_ctx_fail(ctx, KB_EIO, "%s: stien til den midlertidige mappe er for lang", base);
	}
	if (!mkdtemp(b.data)) {
		int e = errno;
		kb_buf_free(&b);
		return kb_ctx_fail(ctx, KB_EIO, "kan ikke lave en midlertidig mappe i %s: %s", base, kb_errno_text(e));
	}
	*out = kb_buf_detach(&b);
	return KB_OK;
}

/* "file://" and the path with every byte outside the unreserved set percent-encoded, for -env:UserInstallation. */
static int file_url(kb_buf *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = kb_buf_adds(out, "file://");
	for (const unsigned char *p = (const unsigned char *)path; !rc && *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("/-._~", c))
			rc = kb_buf_addc(out, (char)c);
		else
			rc = kb_buf_printf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return rc;
}

/* The last non-empty line of the converter's output, cleaned for a one-line message ("" when there is none). */
static void last_line(char *out, size_t outsz, const char *log_path)
{
	out[0] = '\0';
	char *data = NULL;
	size_t len = 0;
	kb_ctx *tmp = NULL;
	if (kb_ctx_new(&tmp))
		return;
	if (kb_read_file(&data, &len, tmp, log_path, 1024u * 1024u) == KB_OK) {
		size_t end = len;
		while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r' || data[end - 1] == ' '))
			end--;
		size_t start = end;
		while (start > 0 && data[start - 1] != '\n')
			start--;
		size_t n = end - start < outsz - 1 ? end - start : outsz - 1;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)data[start + i];
			out[i] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
		}
		out[n] = '\0';
	}
	free(data);
	kb_ctx_free(tmp);
}

/* ---- running LibreOffice ---- */

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000L + (now.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Waits up to limit_ms for child pid to exit, without reaping it (so its process group id stays its own while we
 * may still signal the group). Returns 1 when it exited. */
static int wait_exit(pid_t pid, long limit_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		int w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
		if (w == 0 && si.si_pid == pid)
			return 1;
		if (w != 0 && errno != EINTR)
			return 1; /* no such child: nothing to wait for */
		if (limit_ms >= 0 && ms_since(&t0) >= limit_ms)
			return 0;
		struct timespec nap = {0, 20 * 1000000L};
		nanosleep(&nap, NULL);
	}
}

typedef struct run_result {
	int timed_out;
	int exited; /* 1: exit code in code; 0: killed by signal sig */
	int code, sig;
} run_result;

/* Runs argv[0] with argv, standard input from /dev/null, standard output and error into log_path, in a process group
 * of its own; stops the group after timeout seconds. Always reaps the child. */
static int run_converter(run_result *res, kb_ctx *ctx, char *const argv[], const char *log_path, unsigned timeout,
                         const char *path)
{
	memset(res, 0, sizeof *res);
	int logfd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0)
		return kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke oprettes: %s", log_path, kb_errno_text(errno));
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int have_fa = posix_spawn_file_actions_init(&fa) == 0;
	int have_at = have_fa && posix_spawnattr_init(&at) == 0;
	int err = have_fa && have_at ? 0 : ENOMEM;
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGHUP);
	sigaddset(&defaults, SIGQUIT);
	if (!err)
		err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, logfd, 1);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, logfd, 2);
	if (!err)
		err = posix_spawnattr_setflags(&at,
		                               POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!err)
		err = posix_spawnattr_setpgroup(&at, 0);
	if (!err)
		err = posix_spawnattr_setsigmask(&at, &none);
	if (!err)
		err = posix_spawnattr_setsigdefault(&at, &defaults);
	pid_t pid = -1;
	if (!err)
		err = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
	if (have_at)
		posix_spawnattr_destroy(&at);
	if (have_fa)
		posix_spawn_file_actions_destroy(&fa);
	close(logfd);
	if (err)
		return kb_ctx_fail(ctx, KB_EEXTERNAL,
		                   "LibreOffice (%s) kunne ikke startes: %s. Intet er skrevet til %s", argv[0],
		                   kb_errno_text(err), path);

	if (!wait_exit(pid, (long)timeout * 1000L)) {
		res->timed_out = 1;
		kill(-pid, SIGTERM);
		if (!wait_exit(pid, KILL_GRACE_MS)) {
			kill(-pid, SIGKILL);
			wait_exit(pid, -1);
		}
	}
	/* the child has exited but is not reaped, so its group id is still ours to use: end what it left behind */
	kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->sig = WTERMSIG(status);
	}
	return KB_OK;
}

/* 1 when the XMP metadata of pdf declares PDF/A part 2, conformance B (as element or as attribute). */
static int declares_pdfa2b(const char *pdf, size_t len)
{
	static const char *const parts[] = {"<pdfaid:part>2</pdfaid:part>", "pdfaid:part=\"2\"", "pdfaid:part='2'"};
	static const char *const conf[] = {"<pdfaid:conformance>B</pdfaid:conformance>", "pdfaid:conformance=\"B\"",
	                                   "pdfaid:conformance='B'"};
	int part = 0, b = 0;
	for (size_t k = 0; k < 3; k++) {
		size_t pn = strlen(parts[k]), cn = strlen(conf[k]);
		for (size_t i = 0; i + pn <= len && !part; i++)
			part = pdf[i] == parts[k][0] && memcmp(pdf + i, parts[k], pn) == 0;
		for (size_t i = 0; i + cn <= len && !b; i++)
			b = pdf[i] == conf[k][0] && memcmp(pdf + i, conf[k], cn) == 0;
	}
	return part && b;
}

/* ---- converting letters in chunks ---- */

#define MAX_BATCH_ITEMS 1000u

typedef struct pdf_item {
	char *target; /* where the PDF goes */
	int rc;       /* KB_OK once written */
	char *msg;    /* why not, or NULL */
} pdf_item;

struct kb_pdf_batch {
	char *soffice, *work;
	unsigned timeout;
	kb_buf profile; /* -env:UserInstallation=file://<work>/profile: one profile for every chunk, set up once */
	pdf_item *items;
	size_t n, cap;
};

/* "<work>/<sub>/<i>.<ext>" into b (cleared first). */
static int work_name(kb_buf *b, const char *work, const char *sub, size_t i, const char *ext)
{
	b->len = 0;
	return kb_buf_printf(b, "%s/%s/%06zu.%s", work, sub, i, ext);
}

static void clear_items(kb_pdf_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].target);
		free(b->items[i].msg);
	}
	b->n = 0;
	if (b->work) {
		kb_buf d;
		kb_buf_init(&d, MAX_PATH_BYTES);
		if (!kb_buf_printf(&d, "%s/in", b->work))
			remove_tree(d.data);
		d.len = 0;
		if (!kb_buf_printf(&d, "%s/pdf", b->work))
			remove_tree(d.data);
		kb_buf_free(&d);
	}
}

void kb_pdf_batch_free(kb_pdf_batch *b)
{
	if (!b)
		return;
	clear_items(b);
	remove_tree(b->work);
	free(b->work);
	free(b->soffice);
	free(b->items);
	kb_buf_free(&b->profile);
	free(b);
}

int kb_pdf_batch_new(kb_pdf_batch **out, kb_ctx *ctx, const kb_pdf_options *opts, const char *what)
{
	*out = NULL;
	kb_pdf_batch *b = calloc(1, sizeof *b);
	if (!b)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	kb_buf_init(&b->profile, 3 * MAX_PATH_BYTES + 16);
	int rc;
	if ((rc = read_timeout(&b->timeout, ctx, opts)) || (rc = find_soffice(&b->soffice, ctx, opts, what)) ||
	    (rc = make_work_dir(&b->work, ctx)))
		goto done;
	if (kb_buf_adds(&b->profile, "-env:UserInstallation=") || file_url(&b->profile, b->work) ||
	    kb_buf_adds(&b->profile, "/profile")) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: stien til den midlertidige mappe er for lang", b->work);
		goto done;
	}
	*out = b;
	b = NULL;
done:
	kb_pdf_batch_free(b);
	return rc;
}

size_t kb_pdf_batch_count(const kb_pdf_batch *b)
{
	return b ? b->n : 0;
}

/* Whether l can become a PDF at path: a DOCX letter, not written over its own file. */
static int pdf_can_make(const kb_letter *l, kb_ctx *ctx, const char *path)
{
	if (!l->pkg)
		return kb_ctx_fail(
		    ctx, KB_EUSAGE,
		    "%s: et .txt-brev kan ikke laves til PDF; udfyld en Word-skabelon eller gem brevet som "
		    ".docx først",
		    l->name);
	return check_not_input(l, ctx, path);
}

int kb_pdf_batch_add(kb_pdf_batch *b, kb_ctx *ctx, const kb_letter *l, const char *path)
{
	int rc = pdf_can_make(l, ctx, path);
	if (rc)
		return rc;
	if (b->n >= MAX_BATCH_ITEMS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "højst %u breve kan laves til PDF ad gangen", MAX_BATCH_ITEMS);
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		pdf_item *items = realloc(b->items, cap * sizeof *items);
		if (!items)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		b->items = items;
		b->cap = cap;
	}
	kb_buf name;
	kb_buf_init(&name, MAX_PATH_BYTES);
	if (b->n == 0) {
		/* the folders of a chunk: in/ for the letters, pdf/ for what LibreOffice makes of them */
		if (kb_buf_printf(&name, "%s/in", b->work) || (mkdir(name.data, 0700) != 0 && errno != EEXIST)) {
			rc = kb_ctx_fail(ctx, KB_EIO, "%s/in: kan ikke oprettes: %s", b->work, kb_errno_text(errno));
			goto done;
		}
		name.len = 0;
		if (kb_buf_printf(&name, "%s/pdf", b->work) || (mkdir(name.data, 0700) != 0 && errno != EEXIST)) {
			rc = kb_ctx_fail(ctx, KB_EIO, "%s/pdf: kan ikke oprettes: %s", b->work, kb_errno_text(errno));
			goto done;
		}
	}
	pdf_item *it = &b->items[b->n];
	memset(it, 0, sizeof *it);
	if (work_name(&name, b->work, "in", b->n, "docx")) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: stien til den midlertidige mappe er for lang", b->work);
		goto done;
	}
	if (!(it->target = kb_strdup(path))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if ((rc = kb_letter_save(l, ctx, name.data))) {
		free(it->target);
		goto done;
	}
	it->rc = KB_EEXTERNAL;
	b->n++;
done:
	kb_buf_free(&name);
	return rc;
}

int kb_pdf_batch_result(const kb_pdf_batch *b, size_t i, const char **msg)
{
	*msg = i < b->n && b->items[i].msg ? b->items[i].msg : "";
	return i < b->n ? b->items[i].rc : KB_EUSAGE;
}

/* Gives item i the message of ctx's failure rc. */
static int item_fail(pdf_item *it, const kb_ctx *ctx, int rc)
{
	free(it->msg);
	it->msg = kb_strdup(kb_ctx_errmsg(ctx));
	it->rc = it->msg ? rc : KB_ENOMEM;
	return it->rc;
}

/* Verifies and writes the PDF LibreOffice made of item i. */
static void finish_item(kb_pdf_batch *b, size_t i, const char *why, int sync)
{
	pdf_item *it = &b->items[i];
	kb_ctx *ctx = NULL;
	char *pdf = NULL;
	size_t pdflen = 0;
	kb_buf result;
	kb_buf_init(&result, MAX_PATH_BYTES);
	kb_outfile out = {.fd = -1};
	if (kb_ctx_new(&ctx)) {
		it->rc = KB_ENOMEM;
		goto done;
	}
	kb_ctx_set_sync(ctx, sync);
	if (work_name(&result, b->work, "pdf", i, "pdf")) {
		item_fail(it, ctx, kb_ctx_fail(ctx, KB_EIO, "%s: stien er for lang", b->work));
		goto done;
	}
	int rrc = kb_read_file(&pdf, &pdflen, ctx, result.data, MAX_PDF_BYTES);
	if (rrc || pdflen < 5 || memcmp(pdf, "%PDF-", 5) != 0) {
		item_fail(it, ctx,
		          kb_ctx_fail(ctx, KB_EEXTERNAL, "LibreOffice lavede ingen PDF af brevet%s%s. Intet er skrevet til %s",
		                      why[0] ? ": " : "", why, it->target));
		goto done;
	}
	if (!declares_pdfa2b(pdf, pdflen)) {
		item_fail(it, ctx,
		          kb_ctx_fail(ctx, KB_EEXTERNAL,
		                      "LibreOffice lavede en PDF, men ikke en PDF/A-2b (denne version af LibreOffice forstår "
		                      "måske ikke valget SelectPdfVersion; brug LibreOffice 7.4 eller nyere). Intet er "
		                      "skrevet til %s",
		                      it->target));
		goto done;
	}
	int rc = kb_outfile_open(&out, ctx, it->target);
	if (!rc)
		rc = kb_outfile_write(&out, ctx, pdf, pdflen);
	if (!rc)
		rc = kb_outfile_commit(&out, ctx);
	if (rc)
		item_fail(it, ctx, rc);
	else
		it->rc = KB_OK;
done:
	kb_outfile_abort(&out);
	kb_buf_free(&result);
	free(pdf);
	kb_ctx_free(ctx);
}

int kb_pdf_batch_run(kb_pdf_batch *b, kb_ctx *ctx, int sync)
{
	if (!b->n)
		return KB_OK;
	int rc = KB_OK;
	/* what a message about the whole chunk says was not written */
	char what[MAX_PATH_BYTES + 32];
	if (b->n == 1)
		snprintf(what, sizeof what, "%s", b->items[0].target);
	else
		snprintf(what, sizeof what, "de %zu PDF-filer", b->n);
	size_t argc = 0, first_input = 0;
	char **argv = calloc(b->n + 16, sizeof *argv);
	kb_buf outdir, log;
	kb_buf_init(&outdir, MAX_PATH_BYTES);
	kb_buf_init(&log, MAX_PATH_BYTES);
	if (!argv) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (kb_buf_printf(&outdir, "%s/pdf", b->work) || kb_buf_printf(&log, "%s/soffice.log", b->work)) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: stien til den midlertidige mappe er for lang", b->work);
		goto done;
	}
	static const char *const fixed[] = {"--headless", "--invisible", "--nologo",   "--norestore", "--nodefault",
	                                    "--nolockcheck", "--convert-to", CONVERT_TO, "--outdir"};
	argv[argc++] = b->soffice;
	argv[argc++] = b->profile.data;
	for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
		argv[argc++] = (char *)fixed[k];
	argv[argc++] = outdir.data;
	first_input = argc;
	for (size_t i = 0; i < b->n; i++) {
		kb_buf in;
		kb_buf_init(&in, MAX_PATH_BYTES);
		if (work_name(&in, b->work, "in", i, "docx")) {
			kb_buf_free(&in);
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: stien til den midlertidige mappe er for lang", b->work);
			goto done;
		}
		argv[argc++] = kb_buf_detach(&in);
	}
	argv[argc] = NULL;
	/* one start of LibreOffice for the chunk: its time limit grows with the letters, a quarter of the limit for
	 * one letter for each further letter */
	unsigned long limit = b->timeout + (unsigned long)(b->n - 1) * (b->timeout / 4 + 1);
	unsigned timeout = limit < MAX_TIMEOUT ? (unsigned)limit : MAX_TIMEOUT;
	run_result res;
	if ((rc = run_converter(&res, ctx, argv, log.data, timeout, what)))
		goto done;
	char why[240];
	last_line(why, sizeof why, log.data);
	if (res.timed_out) {
		rc = kb_ctx_fail(ctx, KB_EEXTERNAL,
		                 "LibreOffice blev ikke færdig med PDF'en inden for %u sekunder og er stoppet. Intet er "
		                 "skrevet til %s. Prøv igen, eller giv mere tid med KLARBREV_PDF_TIMEOUT=SEKUNDER",
		                 timeout, what);
		goto done;
	}
	if (!res.exited || res.code != 0) {
		char how[64];
		if (res.exited)
			snprintf(how, sizeof how, "afslutningskode %d", res.code);
		else
			snprintf(how, sizeof how, "stoppet af signal %d", res.sig);
		rc = kb_ctx_fail(ctx, KB_EEXTERNAL, "LibreOffice kunne ikke lave PDF'en (%s%s%s). Intet er skrevet til %s",
		                 how, why[0] ? ": " : "", why, what);
		goto done;
	}
	for (size_t i = 0; i < b->n; i++)
		finish_item(b, i, why, sync);
done:
	if (rc)
		for (size_t i = 0; i < b->n; i++)
			item_fail(&b->items[i], ctx, rc);
	for (size_t i = first_input; argv && first_input && i < argc; i++)
		free(argv[i]);
	free(argv);
	kb_buf_free(&outdir);
	kb_buf_free(&log);
	return rc;
}

void kb_pdf_batch_reset(kb_pdf_batch *b)
{
	if (b)
		clear_items(b);
}

int kb_letter_save_pdf(const kb_letter *l, kb_ctx *ctx, const char *path, const kb_pdf_options *opts)
{
	/* a chunk of one; what is wrong with the letter is said before a missing LibreOffice, and the target folder is
	 * checked before the slow part */
	kb_pdf_batch *b = NULL;
	kb_outfile probe = { .fd = -1 };
	int rc = pdf_can_make(l, ctx, path);
	if (!rc)
		rc = kb_pdf_batch_new(&b, ctx, opts, path);
	if (!rc)
		rc = kb_pdf_batch_add(b, ctx, l, path);
	if (!rc && !(rc = kb_outfile_open(&probe, ctx, path)))
		kb_outfile_abort(&probe);
	if (!rc)
		rc = kb_pdf_batch_run(b, ctx, kb_ctx_sync(ctx));
	const char *msg;
	if (!rc && (rc = kb_pdf_batch_result(b, 0, &msg)))
		rc = kb_ctx_fail(ctx, rc, "%s", msg);
	kb_pdf_batch_free(b);
	return rc;
}
