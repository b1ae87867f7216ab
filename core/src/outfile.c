/* outfile.c -- output files written whole or not at all: a temporary file beside the target, renamed into place. */
#define _GNU_SOURCE /* syncfs */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* A hard-to-guess suffix for a temporary file name. O_EXCL makes a collision harmless, so this needs no more than
 * a fresh value per call. */
static void temp_suffix(char out[7], unsigned attempt)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16) ^
	             ((uint64_t)(uintptr_t)out << 7) ^ attempt;
	/* splitmix64 finaliser: spreads the bits so nearby inputs give unrelated names */
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	x ^= x >> 31;
	for (int i = 0; i < 6; i++) {
		out[i] = digits[x % (sizeof digits - 1)];
		x /= sizeof digits - 1;
	}
	out[6] = '\0';
}

const char *kb_errno_text(int err)
{
	switch (err) {
	case EACCES:
	case EPERM: return "adgang nægtet";
	case ENOENT: return "findes ikke";
	case ENOTDIR: return "en del af stien er ikke en mappe";
	case EISDIR: return "det er en mappe";
	case ENOSPC: return "disken er fuld";
#ifdef EDQUOT
	case EDQUOT: return "din diskkvote er brugt op";
#endif
	case EROFS: return "drevet er skrivebeskyttet";
	case EIO: return "læse- eller skrivefejl på disken";
	case ENAMETOOLONG: return "navnet er for langt";
	case ELOOP: return "for mange symbolske links i stien";
	case EMFILE:
	case ENFILE: return "for mange åbne filer";
	case ENOMEM: return "ikke nok hukommelse";
	case EEXIST: return "findes allerede";
	case EBUSY:
	case ETXTBSY: return "filen er i brug";
	case EXDEV: return "ligger på et andet drev";
	case EFBIG: return "filen er for stor";
	case EINVAL: return "ugyldig værdi";
	case EILSEQ: return "ugyldigt tegn";
	default: {
		static _Thread_local char buf[48];
		snprintf(buf, sizeof buf, "systemfejl nr. %d", err);
		return buf;
	}
	}
}

int kb_outfile_open(kb_outfile *out, kb_ctx *ctx, const char *path)
{
	memset(out, 0, sizeof *out);
	out->fd = -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	if (!*base)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: er ikke et filnavn; skriv også filens navn", path);
	/* the folder as people read it, for messages */
	char shown[1024];
	if (!slash)
		snprintf(shown, sizeof shown, ".");
	else
		snprintf(shown, sizeof shown, "%.*s", dirlen > 1 ? (int)(dirlen - 1) : 1, path);
	struct stat old;
	int have_old = stat(path, &old) == 0 && S_ISREG(old.st_mode);

	kb_buf name;
	kb_buf_init(&name, 16384);
	int rc = KB_OK;
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		char sfx[7];
		temp_suffix(sfx, attempt);
		name.len = 0;
		if (kb_buf_add(&name, path, dirlen) || kb_buf_printf(&name, ".%s.%s", base, sfx)) {
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: stien er for lang", path);
			goto done;
		}
		int fd = open(name.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			if (have_old)
				(void)fchmod(fd, old.st_mode & 07777);
			out->tmp = kb_buf_detach(&name);
			out->path = kb_strdup(path);
			if (!out->tmp || !out->path) {
				close(fd);
				kb_outfile_abort(out); /* removes the temporary file */
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
				goto done;
			}
			out->fd = fd;
			goto done;
		}
		if (errno == EEXIST || errno == EINTR)
			continue;
		if (errno == ENOENT)
			rc = kb_ctx_fail(
			    ctx, KB_EIO,
			    "%s: kan ikke gemmes: mappen %s findes ikke; opret den, eller vælg en anden mappe", path,
			    shown);
		else if (errno == ENOTDIR)
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: %s er ikke en mappe", path, shown);
		else if (errno == EACCES || errno == EPERM || errno == EROFS)
			rc = kb_ctx_fail(
			    ctx, KB_EIO,
			    "%s: kan ikke gemmes: der må ikke skrives i mappen %s (%s); vælg en anden mappe", path,
			    shown, kb_errno_text(errno));
		else
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes i mappen %s: %s", path, shown,
			                 kb_errno_text(errno));
		goto done;
	}
	rc =
	    kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: intet ledigt navn til en midlertidig fil i %s", path, shown);
done:
	kb_buf_free(&name);
	return rc;
}

int kb_outfile_write(kb_outfile *f, kb_ctx *ctx, const void *data, size_t len)
{
	const char *p = data;
	if (f->fd < 0)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: filen, der skal gemmes, er ikke åben (intern fejl)",
		                   f->path ? f->path : "?");
	while (len > 0) {
		ssize_t w = write(f->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: %s", f->path, kb_errno_text(errno));
		p += w;
		len -= (size_t)w;
	}
	return KB_OK;
}

int kb_outfile_commit(kb_outfile *f, kb_ctx *ctx)
{
	int rc = KB_OK;
	if (!f->tmp)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: filen, der skal gemmes, er ikke åben (intern fejl)",
		                   f->path ? f->path : "?");
	/* the data reaches the disk before the name points at it, so a crash leaves the old file or the new one */
	if (kb_ctx_sync(ctx) && (f->fd < 0 || fsync(f->fd) != 0)) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: %s", f->path, kb_errno_text(errno));
		goto done;
	}
	if (f->fd >= 0 && close(f->fd) != 0) {
		f->fd = -1;
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: %s", f->path, kb_errno_text(errno));
		goto done;
	}
	f->fd = -1;
	if (rename(f->tmp, f->path) != 0) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke gemmes: %s", f->path, kb_errno_text(errno));
		goto done;
	}
	free(f->tmp);
	f->tmp = NULL;
done:
	kb_outfile_abort(f);
	return rc;
}

void kb_outfile_abort(kb_outfile *f)
{
	if (!f)
		return;
	/* the descriptor exists only while the temporary file does, so a zeroed struct closes nothing */
	if (f->tmp && f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = NULL;
	f->path = NULL;
}

int kb_sync_folder(kb_ctx *ctx, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kb_ctx_fail(ctx, KB_EIO, "%s: mappen kan ikke gemmes på disken: %s", dir, kb_errno_text(errno));
	int rc = 0;
#ifdef __linux__
	rc = syncfs(fd);
#endif
	if (rc == 0)
		rc = fsync(fd);
	int err = errno;
	close(fd);
	if (rc != 0)
		return kb_ctx_fail(ctx, KB_EIO, "%s: mappen kan ikke gemmes på disken: %s", dir, kb_errno_text(err));
	return KB_OK;
}
