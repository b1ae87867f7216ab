/* csv.c -- cases as a stream of records: JSON Lines and CSV (csv.h). */
#include "csv.h"
#include "manifest.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kb_records_init(kb_records *r, FILE *f, int csv)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->csv = csv;
}

int kb_records_next(kb_records *r, kb_buf *raw, size_t *first_line)
{
	raw->len = 0;
	if (raw->data)
		raw->data[0] = '\0';
	if (!r->started) {
		r->started = 1;
		int c0 = getc(r->f);
		if (c0 == 0xEF) {
			int c1 = getc(r->f), c2 = c1 == 0xBB ? getc(r->f) : EOF;
			if (c1 == 0xBB && c2 == 0xBF) {
				r->bom = 1;
			} else {
				/* not a byte order mark: the bytes are part of the first record */
				if (kb_buf_addc(raw, (char)0xEF) || (c1 != EOF && kb_buf_addc(raw, (char)c1)) ||
				    (c2 != EOF && kb_buf_addc(raw, (char)c2)))
					return KB_ELIMIT;
			}
		} else if (c0 != EOF) {
			ungetc(c0, r->f);
		}
	}
	*first_line = r->line + 1;
	int quoted = 0, any = raw->len > 0, over = 0;
	for (;;) {
		int c = getc(r->f);
		if (c == EOF) {
			if (ferror(r->f)) {
				r->read_error = errno ? errno : EIO;
				clearerr(r->f);
				return KB_EIO;
			}
			if (!any)
				return 0;
			r->line++;
			if (over)
				return KB_ELIMIT;
			return quoted ? KB_EINPUT : 1;
		}
		any = 1;
		if (c == '"' && r->csv)
			quoted = !quoted;
		if (c == '\n') {
			r->line++;
			if (!quoted) {
				if (raw->len && raw->data[raw->len - 1] == '\r')
					raw->data[--raw->len] = '\0';
				return over ? KB_ELIMIT : 1;
			}
		}
		if (!over && kb_buf_addc(raw, (char)c))
			over = 1; /* skip the rest of the record, keep counting its lines */
	}
}

void kb_csv_row_free(kb_csv_row *row)
{
	if (!row)
		return;
	free(row->buf);
	free(row->cells);
	memset(row, 0, sizeof *row);
}

char kb_csv_detect_separator(const char *header, size_t len)
{
	size_t semis = 0, commas = 0;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (header[i] == '"')
			quoted = !quoted;
		else if (!quoted && header[i] == ';')
			semis++;
		else if (!quoted && header[i] == ',')
			commas++;
	}
	return semis && semis >= commas ? ';' : ',';
}

int kb_csv_split(kb_csv_row *out, kb_ctx *ctx, const char *rec, size_t len, char sep, const char *where)
{
	memset(out, 0, sizeof *out);
	/* cells never grow: the copy fits in len + 1 bytes, and there are at most one more cells than separators */
	size_t ncap = 1;
	for (size_t i = 0; i < len; i++)
		ncap += rec[i] == sep;
	if (ncap > KB_CSV_MAX_CELLS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: rækken har mere end %u celler", where, KB_CSV_MAX_CELLS);
	char *buf = malloc(len + 1);
	char **cells = malloc(ncap * sizeof *cells);
	if (!buf || !cells) {
		free(buf);
		free(cells);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	size_t n = 0, w = 0, i = 0;
	int rc = KB_OK;
	for (;;) {
		cells[n++] = buf + w;
		if (i < len && rec[i] == '"') {
			i++;
			for (;;) {
				if (i >= len) {
					rc = kb_ctx_fail(
					    ctx, KB_EINPUT,
					    "%s, kolonne %zu: et anførselstegn åbner cellen, men lukker den aldrig; "
					    "tilføj det afsluttende \"",
					    where, n);
					goto done;
				}
				if (rec[i] == '"' && i + 1 < len && rec[i + 1] == '"') {
					buf[w++] = '"';
					i += 2;
				} else if (rec[i] == '"') {
					i++;
					break;
				} else {
					buf[w++] = rec[i++];
				}
			}
			if (i < len && rec[i] != sep) {
				rc = kb_ctx_fail(
				    ctx, KB_EINPUT,
				    "%s, kolonne %zu: der står tekst efter cellens afsluttende anførselstegn; skriv "
				    "et anførselstegn i cellen som \"\"",
				    where, n);
				goto done;
			}
		} else {
			while (i < len && rec[i] != sep) {
				if (rec[i] == '"') {
					rc = kb_ctx_fail(
					    ctx, KB_EINPUT,
					    "%s, kolonne %zu: et anførselstegn midt i en celle; sæt hele cellen i "
					    "anførselstegn og skriv det som \"\"",
					    where, n);
					goto done;
				}
				buf[w++] = rec[i++];
			}
		}
		buf[w++] = '\0';
		if (i >= len)
			break;
		i++; /* the separator */
	}
	out->buf = buf;
	out->cells = cells;
	out->n = n;
	buf = NULL;
	cells = NULL;
done:
	free(buf);
	free(cells);
	return rc;
}

/* 1 when name is one or more non-empty parts joined by single dots. */
static int good_path(const char *name)
{
	if (!*name || name[0] == '.' || name[strlen(name) - 1] == '.' || strstr(name, ".."))
		return 0;
	return 1;
}

int kb_csv_check_header(kb_ctx *ctx, const kb_csv_row *header, const char *where)
{
	kb_ctx_clear_details(ctx);
	size_t bad = 0;
	for (size_t i = 0; i < header->n; i++) {
		const char *a = header->cells[i];
		if (!*a)
			continue;
		if (!good_path(a)) {
			bad++;
			if (kb_ctx_add_detail(ctx,
			                      "kolonne %zu (»%s«): et feltnavn er ord adskilt af ét punktum, fx "
			                      "modtager.navn",
			                      i + 1, a))
				return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const char *b = header->cells[j];
			size_t na = strlen(a), nb = strlen(b);
			const char *why = NULL;
			if (!strcmp(a, b))
				why = "står to gange";
			else if (nb && nb < na && !strncmp(a, b, nb) && a[nb] == '.')
				why = "ligger i en gruppe, som også er et felt";
			else if (na && na < nb && !strncmp(a, b, na) && b[na] == '.')
				why = "er både et felt og en gruppe";
			if (!why)
				continue;
			bad++;
			if (kb_ctx_add_detail(ctx, "kolonne %zu (»%s«) %s: se kolonne %zu (»%s«)", i + 1, a, why, j + 1,
			                      b))
				return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			break;
		}
	}
	if (bad)
		return kb_ctx_fail_keep(ctx, KB_EINPUT, "%s: overskriften har %zu fejl; ret overskriftsrækken", where,
		                        bad);
	return KB_OK;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

int kb_csv_parse_number(double *out, const char *s)
{
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	char digits[128];
	size_t w = 0;
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		digits[w++] = s[i++];
	const char *comma = memchr(s, ',', n);
	size_t since_group = 0, int_digits = 0;
	int grouped = 0, frac = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (w + 2 >= sizeof digits)
			return 0;
		if (c >= '0' && c <= '9') {
			digits[w++] = c;
			if (frac)
				continue;
			since_group++;
			int_digits++;
		} else if ((c == '.' || c == ' ') && !frac) {
			/* a thousands separator: after 1-3 digits (3 when not the first group), before exactly three */
			size_t k = i + 1;
			while (k < n && s[k] >= '0' && s[k] <= '9')
				k++;
			size_t next = k - (i + 1);
			int ends = k >= n || s[k] == ',' || s[k] == '.' || s[k] == ' ';
			if (c == '.' && !comma && !grouped && next >= 1 && next <= 2 && k >= n) {
				digits[w++] = '.'; /* "12345.50": a decimal point */
				frac = 1;
				continue;
			}
			if (since_group == 0 || since_group > 3 || (grouped && since_group != 3) || next != 3 || !ends)
				return 0;
			grouped = 1;
			since_group = 0;
		} else if (c == ',' && !frac && int_digits) {
			if (grouped && since_group != 3)
				return 0;
			digits[w++] = '.';
			frac = 1;
		} else {
			return 0;
		}
	}
	digits[w] = '\0';
	if (!int_digits || (frac && digits[w - 1] == '.'))
		return 0;
	char *end = NULL;
	errno = 0;
	double v = strtod(digits, &end);
	if (errno || !end || *end || !isfinite(v))
		return 0;
	*out = v;
	return 1;
}

int kb_csv_parse_bool(int *out, const char *s)
{
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	static const char *const yes[] = {"ja", "true", "1"}, *const no[] = {"nej", "false", "0"};
	for (size_t k = 0; k < 3; k++) {
		if (n == strlen(yes[k]) && !strncasecmp(s, yes[k], n)) {
			*out = 1;
			return 1;
		}
		if (n == strlen(no[k]) && !strncasecmp(s, no[k], n)) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

/* Puts v at the dotted path in root, making the groups on the way. The header check rules out a path that runs
 * through a value. Takes v's reference. */
static int put_path(json_t *root, const char *path, json_t *v)
{
	json_t *at = root;
	char part[512];
	for (const char *p = path;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof part) {
			json_decref(v);
			return KB_ELIMIT;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		if (!dot)
			return json_object_set_new(at, part, v) ? KB_ENOMEM : KB_OK;
		json_t *next = json_object_get(at, part);
		if (!next) {
			next = json_object();
			if (!next || json_object_set_new(at, part, next)) {
				json_decref(v);
				return KB_ENOMEM;
			}
		} else if (!json_is_object(next)) {
			json_decref(v);
			return KB_EINPUT;
		}
		at = next;
		p = dot + 1;
	}
}

int kb_csv_row_case(json_t **out, kb_ctx *ctx, const kb_csv_row *header, const kb_csv_row *row, const json_t *manifest,
                    const char *where)
{
	*out = NULL;
	kb_ctx_clear_details(ctx);
	/* empty cells after the last column (a separator too many at the end of a row) are no cells */
	size_t n = row->n;
	while (n > header->n && !*row->cells[n - 1])
		n--;
	if (n != header->n)
		return kb_ctx_fail(
		    ctx, KB_EINPUT,
		    "%s: rækken har %zu %s, men overskriften har %zu; er der en ; eller , for meget eller for "
		    "lidt, eller et anførselstegn, der ikke er lukket?",
		    where, n, n == 1 ? "celle" : "celler", header->n);
	json_t *root = json_object();
	if (!root)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	size_t bad = 0;
	int rc = KB_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		const char *name = header->cells[i], *cell = row->cells[i];
		if (!*cell)
			continue;
		if (!*name) {
			bad++;
			if (kb_ctx_add_detail(ctx,
			                      "kolonne %zu har ingen overskrift, men rækken har en værdi i den; giv "
			                      "kolonnen et feltnavn, eller tøm den",
			                      i + 1))
				rc = KB_ENOMEM;
			continue;
		}
		const json_t *field = kb_manifest_field(manifest, name);
		const char *type = json_string_value(json_object_get(field, "type"));
		json_t *v = NULL;
		const char *want = NULL;
		if (type && (!strcmp(type, "amount") || !strcmp(type, "number"))) {
			double d;
			if (!kb_csv_parse_number(&d, cell))
				want = "et tal, fx 12.345,50 eller 12345.50";
			else if (d == floor(d) && fabs(d) < 9e15)
				v = json_integer((json_int_t)d);
			else
				v = json_real(d);
		} else if (type && !strcmp(type, "bool")) {
			int b;
			if (!kb_csv_parse_bool(&b, cell))
				want = "ja eller nej (eller true/false, 1/0)";
			else
				v = json_boolean(b);
		} else if (type && !strcmp(type, "list")) {
			want = "en liste, som en CSV-celle ikke kan rumme; brug JSON Lines til sager med lister";
		} else {
			v = json_string(cell);
			if (!v) {
				rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, kolonne %zu (%s): cellen er ikke gyldig UTF-8",
				                 where, i + 1, name);
				break;
			}
		}
		if (want) {
			bad++;
			/* the value itself is not repeated: it may be personal */
			if (kb_ctx_add_detail(ctx, "%s, kolonne %zu (%s): cellen skal være %s", where, i + 1, name,
			                      want))
				rc = KB_ENOMEM;
			continue;
		}
		if (!v) {
			rc = KB_ENOMEM;
			break;
		}
		int prc = put_path(root, name, v);
		if (prc == KB_ENOMEM)
			rc = KB_ENOMEM;
		else if (prc)
			rc = kb_ctx_fail(ctx, prc, "%s, kolonne %zu (%s): feltnavnet kan ikke bruges", where, i + 1,
			                 name);
	}
	if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	else if (!rc && bad)
		rc = kb_ctx_fail_keep(ctx, KB_EINPUT, "%s: %zu %s kan ikke læses", where, bad,
		                      bad == 1 ? "celle" : "celler");
	if (rc) {
		json_decref(root);
		return rc;
	}
	*out = root;
	return KB_OK;
}
