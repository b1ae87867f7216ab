/* outfile.c -- output files written whole or not at all: a temporary file beside the target, renamed into place. */
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

int kb_outfile_open(kb_outfile *out, kb_ctx *ctx, const char *path)
{
	memset(out, 0, sizeof *out);
	out->fd = -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	if (!*base)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: not a file name", path);
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
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: the path is too long", path);
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
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
				goto done;
			}
			out->fd = fd;
			goto done;
		}
		if (errno == EEXIST || errno == EINTR)
			continue;
		if (errno == ENOENT)
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: the folder %s does not exist", path, shown);
		else if (errno == ENOTDIR)
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s is not a folder", path, shown);
		else if (errno == EACCES || errno == EPERM || errno == EROFS)
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: the folder %s is not writable (%s)", path,
			                 shown, strerror(errno));
		else
			rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write in the folder %s: %s", path, shown,
			                 strerror(errno));
		goto done;
	}
	rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: no free temporary file name in %s", path, shown);
done:
	kb_buf_free(&name);
	return rc;
}

int kb_outfile_write(kb_outfile *f, kb_ctx *ctx, const void *data, size_t len)
{
	const char *p = data;
	if (f->fd < 0)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: the output file is not open", f->path ? f->path : "?");
	while (len > 0) {
		ssize_t w = write(f->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s", f->path, strerror(errno));
		p += w;
		len -= (size_t)w;
	}
	return KB_OK;
}

int kb_outfile_close_fd(kb_outfile *f, kb_ctx *ctx)
{
	if (f->fd < 0)
		return KB_OK;
	int cerr = close(f->fd);
	f->fd = -1;
	if (cerr != 0)
		return kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s", f->path, strerror(errno));
	return KB_OK;
}

int kb_outfile_commit(kb_outfile *f, kb_ctx *ctx)
{
	int rc = KB_OK;
	if (!f->tmp)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: the output file is not open", f->path ? f->path : "?");
	/* the data reaches the disk before the name points at it, so a crash leaves the old file or the new one */
	if (f->fd < 0)
		f->fd = open(f->tmp, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fsync(f->fd) != 0) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s", f->path, strerror(errno));
		goto done;
	}
	if (close(f->fd) != 0) {
		f->fd = -1;
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s", f->path, strerror(errno));
		goto done;
	}
	f->fd = -1;
	if (rename(f->tmp, f->path) != 0) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s", f->path, strerror(errno));
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
