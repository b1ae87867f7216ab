/*
 * csv.h -- cases as a stream of records, for klarbrev batch: JSON Lines (one case a line) or CSV as Danish Excel
 * writes it (a header row of dotted field names, ';' or ',' between cells, "" inside quoted cells, line breaks inside
 * quoted cells, a UTF-8 byte order mark), read one record at a time so that memory does not grow with the file.
 *
 *   kb_records r;
 *   kb_records_init(&r, f, 1);
 *   while ((rc = kb_records_next(&r, &raw, &line)) == 1) ... kb_csv_split(&row, ctx, raw.data, raw.len, ';', where)
 *
 * The record reader works on raw bytes before any conversion to UTF-8: quotes, separators and line ends are ASCII
 * in every encoding klarbrev reads (UTF-8, windows-1252, iso-8859-1), so a record is found first and converted
 * after.
 */
#ifndef KB_CSV_H
#define KB_CSV_H
#include "internal.h"

#include <jansson.h>
#include <stdio.h>

/* The bytes of one record at most (as a case file). */
#define KB_MAX_RECORD_BYTES KB_MAX_CASE_BYTES
/* Cells of one CSV row at most. */
#define KB_CSV_MAX_CELLS 4096u

typedef struct kb_records {
	FILE *f;        /* borrowed */
	int csv;        /* 1: a line break inside a quoted cell belongs to the cell */
	size_t line;    /* lines read so far */
	int bom;        /* 1 when the input started with a UTF-8 byte order mark (skipped) */
	int started;    /* the byte order mark has been looked for */
	int read_error; /* errno of a failed read, 0 */
} kb_records;

void kb_records_init(kb_records *r, FILE *f, int csv);
/* Reads the next record into raw (cleared first; without its line end, "\r\n" or "\n"; NUL-terminated). *first_line
 * is the line it starts on, counting from 1. Returns 1 for a record, 0 at the end of the input, KB_ELIMIT when the
 * record is longer than KB_MAX_RECORD_BYTES (the rest of it is skipped, so the next call reads the next record),
 * KB_EINPUT when the input ends inside a quoted cell (raw holds the record so far), KB_EIO when reading failed
 * (r->read_error holds errno; EINTR when a signal came). */
int kb_records_next(kb_records *r, kb_buf *raw, size_t *first_line);

/* A CSV row split into cells: cells[i] points into buf. Free with kb_csv_row_free(). */
typedef struct kb_csv_row {
	char *buf;
	char **cells;
	size_t n;
} kb_csv_row;
void kb_csv_row_free(kb_csv_row *row);

/* The separator of a header line: ';' or ',', whichever stands more often outside quotes (';' on a tie, as Danish
 * Excel writes); ',' when there is neither (one column). */
char kb_csv_detect_separator(const char *header, size_t len);
/* Splits the UTF-8 record rec[0..len) at sep. A quoted cell may hold sep, line breaks and "" for one quote. A quote
 * after other text in a cell, or text after a closing quote, is KB_EINPUT «<where>, kolonne N: ...»; more than
 * KB_CSV_MAX_CELLS cells KB_ELIMIT. On failure *out holds nothing. */
int kb_csv_split(kb_csv_row *out, kb_ctx *ctx, const char *rec, size_t len, char sep, const char *where);

/* Checks a header row: each cell a dotted field name ("modtager.navn") with no empty part, no name twice, no name
 * that is also the group of another ("modtager" and "modtager.navn"). An empty cell is allowed (Excel adds empty
 * columns at the end); its column must then be empty in every row. KB_EINPUT with every problem as a detail
 * («kolonne 3 (»sag..nummer«): ...»), the message naming where. */
int kb_csv_check_header(kb_ctx *ctx, const kb_csv_row *header, const char *where);

/* Parses an amount or number as a Danish spreadsheet writes it: "12.345,50", "12345,50", "12345.50", "-75", with
 * white space around, ' ' as thousands separator. With a comma, the comma is the decimal mark and dots must group
 * thousands; without one, a dot followed by one or two digits is a decimal point, and dots before groups of exactly
 * three digits group thousands ("12.345" is 12345). Returns 1 and sets *out, or 0 when s is no such number. */
int kb_csv_parse_number(double *out, const char *s);
/* Parses ja/nej, true/false, 1/0 (letter case ignored). Returns 1 and sets *out, or 0. */
int kb_csv_parse_bool(int *out, const char *s);

/* Builds the case of one row: each cell under its header's dotted name, nested ("modtager.navn" makes
 * {"modtager": {"navn": ...}}). A cell is text, unless manifest (may be NULL) declares the field an amount or number
 * (a JSON number), or a bool (true/false); an empty cell is left out, so the manifest's check of required fields
 * speaks. A row with another number of cells than the header, or a cell that cannot be converted, is KB_EINPUT with
 * «<where>, kolonne N (navn): ...» (every such cell a detail). *out is a new reference; NULL on failure. */
int kb_csv_row_case(json_t **out, kb_ctx *ctx, const kb_csv_row *header, const kb_csv_row *row, const json_t *manifest,
                    const char *where);

#endif
