/*
 * klarbrev.h -- the public C API of libklarbrev.
 *
 * klarbrev fills DOCX letter templates from case data (JSON) and checks the letter: spelling (hunspell, da_DK),
 * Lua rule plugins and structural checks. A filled letter and a letter a person wrote go through the same checks.
 *
 * Conventions (see STYLE.md):
 *  - Fallible functions return int: KB_OK (0) on success, a negative KB_E* code on failure. The one-line message
 *    is kept on the context: kb_ctx_errmsg(). Some failures carry a list of details (every missing field, every
 *    problem at once): kb_ctx_detail_count() / kb_ctx_detail().
 *  - Output parameter first, called out. Ownership is stated on each function. Destructors accept NULL.
 *  - The library never prints.
 */
#ifndef KLARBREV_H
#define KLARBREV_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KB_VERSION "0.1.0"

/* Status codes. */
enum {
	KB_OK = 0,
	KB_ENOMEM = -1,  /* out of memory */
	KB_EINPUT = -2,  /* bad input: unreadable, malformed, not a DOCX, bad JSON, ... */
	KB_EIO = -3,     /* output could not be written */
	KB_ELIMIT = -4,  /* a safety limit was exceeded (size, compression ratio, depth, iterations) */
	KB_EDATA = -5,   /* case data does not fit the template (missing fields, wrong types) */
	KB_EUSAGE = -6,  /* the caller passed an invalid argument */
	KB_EPLUGIN = -7, /* a plugin could not be loaded or run */
	KB_ENOTFOUND = -8, /* a named thing (file, part, dictionary) does not exist */
	KB_ETEMPLATE = -9, /* the template has problems its author must fix; each one is a detail */
	KB_EEXTERNAL = -10, /* an outside program (LibreOffice) is missing, failed or took too long */
	KB_EINTERNAL = -11  /* klarbrev itself made something invalid (a DOCX that fails its own re-read); a bug to
	                       report with the input that caused it; nothing was written */
};

/* ---------------------------------------------------------------------------------------------------------------
 * Context: the error message of the last failure and its details.
 */
typedef struct kb_ctx kb_ctx;

/* Caller frees with kb_ctx_free(). */
int kb_ctx_new(kb_ctx **out);
void kb_ctx_free(kb_ctx *ctx);
/* Borrowed; valid until the next failing call on ctx. "" when there was no failure. */
const char *kb_ctx_errmsg(const kb_ctx *ctx);
size_t kb_ctx_detail_count(const kb_ctx *ctx);
/* Borrowed; NULL when i is out of range. */
const char *kb_ctx_detail(const kb_ctx *ctx, size_t i);
/* Forgets the last message and its details. */
void kb_ctx_clear(kb_ctx *ctx);
/* Whether the files written through ctx (letters, drafts, text, PDF) reach the disk before they are renamed into
 * place (1, the default) or are only renamed (0): a batch writes thousands of letters and syncs their folder once at
 * the end with kb_sync_folder(). Either way a file appears whole or not at all. */
void kb_ctx_set_sync(kb_ctx *ctx, int sync);
int kb_ctx_sync(const kb_ctx *ctx);
/* Flushes the files of folder dir and the folder itself to disk (syncfs on Linux, else fsync of the folder). KB_EIO
 * names the folder and the reason. */
int kb_sync_folder(kb_ctx *ctx, const char *dir);

/* ---------------------------------------------------------------------------------------------------------------
 * Parts of a letter.
 */
typedef enum {
	KB_PART_BODY = 0,
	KB_PART_HEADER,
	KB_PART_FOOTER,
	KB_PART_FOOTNOTE,
	KB_PART_ENDNOTE
} kb_part_kind;

/* "body", "header", "footer", "footnote", "endnote". Static string. */
const char *kb_part_kind_name(kb_part_kind kind);

/* ---------------------------------------------------------------------------------------------------------------
 * Text model: paragraphs -> sentences -> words, with byte offsets into the paragraph's UTF-8 text, and for each
 * span of text where it came from ("template", "field:<path>", "partial:<name>").
 *
 * A kb_text owns everything it points to. Its structs are read-only for everyone but textmodel.c.
 */
typedef struct kb_word {
	size_t start, len;   /* bytes in the paragraph text; punctuation around the word is not included, except the
	                        final period of a known abbreviation ("f.eks.", "stk.") */
	unsigned letters;    /* Unicode letters in the word (for LIX: long = more than 6) */
	unsigned flags;      /* KB_WORD_* */
} kb_word;

enum {
	KB_WORD_DIGIT = 1u << 0,  /* contains a digit ("83a", "10.000", "2026") */
	KB_WORD_ABBREV = 1u << 1, /* a known abbreviation, final period included */
	KB_WORD_URL = 1u << 2,    /* a URL or an e-mail address */
	KB_WORD_LONG = 1u << 3    /* more than 6 letters (LIX) */
};

typedef struct kb_sentence {
	size_t start, len;        /* bytes in the paragraph text, without surrounding white space */
	size_t first_word, nwords; /* words[first_word .. first_word + nwords) of the paragraph */
} kb_sentence;

enum {
	KB_SPAN_NOSPELL = 1u << 0, /* text from a field typed name/address/cpr or marked personal: not spell-checked */
	KB_SPAN_PERSONAL = 1u << 1 /* text from a field marked personal */
};

typedef struct kb_span {
	size_t start, len;  /* bytes in the paragraph text */
	char *origin;       /* "template", "field:modtager.navn", "partial:klagevejledning/ankestyrelsen" */
	unsigned flags;     /* KB_SPAN_* */
} kb_span;

typedef struct kb_paragraph {
	char *text;           /* UTF-8, NUL-terminated; w:tab is '\t', w:br is '\n' */
	size_t len;
	kb_part_kind part;
	char *part_name;      /* "word/document.xml", "word/header1.xml", or the .txt file name */
	char *style;          /* paragraph style id, or NULL */
	int heading;          /* heading level 1..9, 0 when the paragraph is not a heading */
	int in_table;         /* 1 when the paragraph is in a table cell */
	unsigned table_row;   /* in a table: its row, numbered through the letter from 1 (0 outside tables); the
	                         paragraphs of one row share the number, so plain text can write a row as one line */
	unsigned table_cell;  /* in a table: its cell in that row, from 1 (cells without text are not counted) */
	kb_span *spans;       /* covering text in order; a paragraph with no spans is all "template" */
	size_t nspans;
	kb_sentence *sentences;
	size_t nsentences;
	kb_word *words;
	size_t nwords;
} kb_paragraph;

typedef struct kb_text {
	kb_paragraph *paras;
	size_t nparas;
	size_t cap;
} kb_text;

/* ---------------------------------------------------------------------------------------------------------------
 * Findings.
 */
typedef enum { KB_LEVEL_INFO = 0, KB_LEVEL_WARNING = 1, KB_LEVEL_ERROR = 2 } kb_level;

/* "info", "warning", "error". Static string. */
const char *kb_level_name(kb_level level);
/* Parses "info", "warning", "error" (also "fejl", "advarsel"). Returns 0 and sets *out, or KB_EINPUT. */
int kb_level_parse(kb_level *out, const char *name);

typedef struct kb_finding {
	char *rule;          /* "stavning", "readability", "plugin", ... */
	kb_level level;
	char *message;       /* Danish, for the caseworker */
	long paragraph;      /* index into the text's paragraphs; -1 for the letter as a whole */
	size_t start, len;   /* bytes in that paragraph's text */
	char *text;          /* the text the finding is about (may be NULL) */
	char *origin;        /* where that text came from ("template", "field:x"); may be NULL */
	char *source;        /* who made the finding: "core", "spell", or a plugin file ("plugins/readability.lua") */
	char **suggestions;
	size_t nsuggestions;
} kb_finding;

typedef struct kb_findings kb_findings;

/* Caller frees with kb_findings_free(). */
int kb_findings_new(kb_findings **out);
void kb_findings_free(kb_findings *fs);
/* Appends a deep copy of f (its strings are copied; f stays the caller's). */
int kb_findings_add(kb_findings *fs, const kb_finding *f);
size_t kb_findings_count(const kb_findings *fs);
/* Borrowed; valid until fs changes. */
const kb_finding *kb_findings_get(const kb_findings *fs, size_t i);
size_t kb_findings_count_level(const kb_findings *fs, kb_level level);
/* Sorts by paragraph (letter-wide first), then offset, then rule. Stable. */
void kb_findings_sort(kb_findings *fs);

typedef struct kb_metrics {
	double lix;        /* convention K of shared/reference/lix-cases.md */
	size_t words;      /* LIX words */
	size_t sentences;  /* LIX periods */
	size_t long_words;
	size_t paragraphs;
} kb_metrics;

/* ---------------------------------------------------------------------------------------------------------------
 * Case data, templates, letters.
 */
typedef struct kb_case kb_case;
typedef struct kb_template kb_template;
typedef struct kb_letter kb_letter;

/* Reads a JSON case file (UTF-8). A syntax error names file, line and column. Caller frees with kb_case_free().
 * A top-level "ignore" must be a list of words: the spelling rule does not report them in this case's letter
 * (a name or a term no dictionary knows). */
int kb_case_load_file(kb_case **out, kb_ctx *ctx, const char *path);
/* The same for a file in another character set, converted with iconv: encoding "windows-1252", "iso-8859-1", ...;
 * NULL or "utf-8" for UTF-8. */
int kb_case_load_file_encoded(kb_case **out, kb_ctx *ctx, const char *path, const char *encoding);
/* Same from memory; name is used in messages. */
int kb_case_load_buffer(kb_case **out, kb_ctx *ctx, const char *data, size_t len, const char *name);
void kb_case_free(kb_case *c);

typedef struct kb_template_options {
	const char *open_delim;  /* NULL: "{{" */
	const char *close_delim; /* NULL: "}}" */
	const char *partials_dir; /* where {{> name}} finds name.docx or name.txt; NULL: no partials */
	/* The folders {{> name}} searches, in order (NULL-terminated; a folder that does not exist is skipped); when set,
	 * partials_dir is not used. A partial found in none of them is a template problem that names every folder,
	 * the partials that exist, and then partials_hint (how to point elsewhere; may be NULL). */
	const char *const *partials_dirs;
	const char *partials_hint;
} kb_template_options;

/* Opens and compiles a template: a folder holding letter.docx and manifest.json, or a bare .docx. The compiled
 * template holds the parsed parts with every tag found, checked and isolated in a run of its own, partials,
 * MERGEFIELDs and content controls already turned into tags; kb_template_render() copies it for each letter and
 * never changes it. A problem the template's author must fix is KB_ETEMPLATE with every problem as a detail.
 * opts may be NULL. Caller frees with kb_template_free(). */
int kb_template_compile(kb_template **out, kb_ctx *ctx, const char *path, const kb_template_options *opts);
/* The same as kb_template_compile(). */
int kb_template_open(kb_template **out, kb_ctx *ctx, const char *path, const kb_template_options *opts);
void kb_template_free(kb_template *t);
/* Checks a template without a case and lists every problem at once, each as a detail on ctx ("part, afsnit N: the
 * tag: what is wrong and how to fix it"): unclosed, unopened and mismatched sections, unknown formatters, tags split
 * over paragraphs, fields the manifest does not declare. A warning (a formatter whose output ends a sentence,
 * followed by a full stop: "500,00 kr..") is a detail whose message, after "part, afsnit N: ", starts with
 * "advarsel: "; warnings alone leave the template clean. Returns KB_OK when clean, KB_ETEMPLATE with the problems,
 * or another code when the template cannot be read at all. */
int kb_template_lint(kb_ctx *ctx, const char *path, const kb_template_options *opts);
/* What lint knew of the template's manifest.json, and so whether the tags' fields were checked against it. */
typedef enum kb_manifest_state {
	KB_MANIFEST_OK,        /* read: the fields were checked */
	KB_MANIFEST_BROKEN,    /* there, but with problems (listed as details): the fields were not checked */
	KB_MANIFEST_NONE,      /* a template folder without manifest.json */
	KB_MANIFEST_DOCX_ONLY, /* a .docx alone, which has no manifest */
} kb_manifest_state;
/* kb_template_lint, also setting *manifest (when not NULL) whenever the template could be read (KB_OK or
 * KB_ETEMPLATE). */
int kb_template_lint_manifest(kb_ctx *ctx, const char *path, const kb_template_options *opts,
                              kb_manifest_state *manifest);

/* A JSON skeleton of a case for the template. With a manifest that declares fields, the skeleton has the manifest's
 * shapes and types: groups are objects, a bool is true, a list with items a list of one item, and each value a
 * typed example that passes the case check (dates "2026-11-28", amounts 12345.5, choices their first value, texts
 * the field's label); fields in the order the template first uses them, then the declared fields it does not use,
 * in the manifest's order. Without a manifest, every field the template uses, nested as the tags nest (a section
 * that holds fields becomes a list with one item; a section without fields a boolean). *out is pretty-printed
 * JSON; caller frees. */
int kb_template_fields(char **out, kb_ctx *ctx, const kb_template *t);

/* For kb_template_fields' skeleton: one Danish line per declared field, in the skeleton's order, with its path in
 * the case, label, type, whether it must be filled in, a choice's values and the description
 * ("  sag.dato: Brevets dato (dato ÅÅÅÅ-MM-DD, skal udfyldes). Datoen som ..."). *out is NULL when the template
 * has no manifest fields; caller frees. */
int kb_template_field_guide(char **out, kb_ctx *ctx, const kb_template *t);

/* The template's title from its manifest, or its file name. Borrowed. */
const char *kb_template_title(const kb_template *t);

/* Renders a letter from a compiled template and a case. The template is not modified, so one template renders any
 * number of letters. On KB_EDATA every problem (each missing field with the place the template uses it) is a detail
 * on ctx. Caller frees with kb_letter_free(). */
int kb_template_render(kb_letter **out, kb_ctx *ctx, const kb_template *t, const kb_case *c);

/* The template's own text as a letter, for checking what every letter will say: each section's content once, tags
 * left out (a paragraph that held only a tag goes). The letter has no case data. Caller frees with
 * kb_letter_free(). */
int kb_template_static_letter(kb_letter **out, kb_ctx *ctx, const kb_template *t);

/* Opens an existing letter for checking: a .docx, or a .txt with one paragraph per line (UTF-8; blank lines are
 * ignored). Caller frees with kb_letter_free(). */
int kb_letter_open(kb_letter **out, kb_ctx *ctx, const char *path);
/* The same with the character set of a .txt letter (converted with iconv; NULL or "utf-8" for UTF-8). A .docx
 * declares its own encoding: another encoding than UTF-8 for one is KB_EINPUT. */
int kb_letter_open_encoded(kb_letter **out, kb_ctx *ctx, const char *path, const char *encoding);
/* A plain-text letter from text in memory (one paragraph a line, as a .txt letter), in encoding (NULL: UTF-8);
 * name stands for the file in messages and as the paragraphs' part name. Caller frees with kb_letter_free(). */
int kb_letter_from_text(kb_letter **out, kb_ctx *ctx, const char *text, size_t len, const char *name,
                        const char *encoding);
/* Gives a letter opened for checking what a fill would give its checks: the manifest of template_path (a template
 * folder with manifest.json, or a manifest .json file; NULL: keep the letter's) and the case data of case_path
 * (NULL: keep); the outcome follows from them as in fill (the case's outcome field, else the manifest's outcome),
 * unless the letter's front matter states it. A case and a manifest are checked against each other as fill checks
 * them (KB_EDATA with every problem as a detail). A .txt letter's front matter does the same (docs/plugins.md). */
int kb_letter_set_case(kb_letter *l, kb_ctx *ctx, const char *template_path, const char *case_path);
void kb_letter_free(kb_letter *l);
/* The letter's text model. Borrowed; valid until the letter is freed. */
const kb_text *kb_letter_text(const kb_letter *l);
/* 1 when the letter is a DOCX (it can be saved), 0 for plain text. */
int kb_letter_is_docx(const kb_letter *l);
/* Writes the letter as DOCX: to a temporary file in the target folder, renamed into place; on failure nothing is
 * left at path. Parts the letter did not change are copied without being decompressed. */
int kb_letter_save(const kb_letter *l, kb_ctx *ctx, const char *path);

/* ---------------------------------------------------------------------------------------------------------------
 * Export: the letter as an annotated draft, as plain text, as PDF/A. Each writes to a temporary file in the target
 * folder and renames it into place; on failure nothing is left at path. None of them checks the letter: the caller
 * applies the gate (DESIGN.md) first.
 */
typedef struct kb_annotate_options {
	const char *author;   /* the comments' author; NULL: "klarbrev" */
	const char *initials; /* NULL: "KB" */
	const char *date;     /* the comments' date as Word writes it, "2026-05-04T09:30:00Z"; NULL: now (UTC) */
} kb_annotate_options;

/* Writes a copy of a DOCX letter with each finding of fs as a Word comment: the level, rule and Danish message, the
 * suggestions, and where the text came from when the letter was filled. A finding in the body or a table cell is
 * anchored on exactly its words (runs are split at its byte offsets, keeping their formatting). Word shows no
 * comments in headers, footers, notes and text boxes, so a finding there is anchored on the nearest place in the body
 * (the first paragraph for a header, the last for a footer, the reference mark of a note, the run that holds a text
 * box) and the comment quotes the text it is about. A finding about the whole letter (paragraph -1) is a comment on
 * the first paragraph. The document's own comments are kept; the new ones get ids after theirs. fs may be empty (a
 * plain copy). A .txt letter is KB_EUSAGE. opts may be NULL. */
int kb_letter_save_annotated(const kb_letter *l, kb_ctx *ctx, const char *path, const kb_findings *fs,
                             const kb_annotate_options *opts);

/* Writes the letter as plain UTF-8 text: the paragraphs of the body (tables and text boxes included), then those of
 * the footnotes and endnotes, separated by blank lines; a line break inside a paragraph stays a line break, a tab a
 * tab. A table row is one line, its cells separated by " · " (the paragraphs of one cell by a space, a line break in
 * a cell is a space too); the rows of a table follow each other without blank lines. Headers and footers (the
 * letterhead) are left out. Works for DOCX and .txt letters. */
int kb_letter_save_text(const kb_letter *l, kb_ctx *ctx, const char *path);

typedef struct kb_pdf_options {
	const char *soffice; /* the LibreOffice program; NULL: $KLARBREV_SOFFICE, else soffice or libreoffice on PATH */
	unsigned timeout;    /* seconds the conversion may take; 0: $KLARBREV_PDF_TIMEOUT, else KB_PDF_TIMEOUT */
} kb_pdf_options;

#define KB_PDF_TIMEOUT 120

/* Writes a DOCX letter as PDF/A-2b (the archival PDF that Digital Post and journal systems take), converted by
 * LibreOffice in headless mode with a profile folder of its own (so it works while LibreOffice is open and when
 * several conversions run at once), under a time limit (the conversion is stopped when it runs over). The PDF is
 * checked to be a PDF that declares PDF/A-2b before it is renamed into place. A missing LibreOffice, a failed or
 * stopped conversion: KB_EEXTERNAL with a Danish message that says what to do; a .txt letter: KB_EUSAGE. opts may be
 * NULL. */
int kb_letter_save_pdf(const kb_letter *l, kb_ctx *ctx, const char *path, const kb_pdf_options *opts);

/* ---------------------------------------------------------------------------------------------------------------
 * Checking: spelling, Lua plugins, metrics. A checker loads its dictionary and plugins once and checks any number
 * of letters.
 */
typedef struct kb_checker kb_checker;

typedef struct kb_checker_options {
	const char *data_dir;      /* where plugins/ and dictionaries/ are; required */
	const char *hunspell_dir;  /* where da_DK.aff/.dic are; NULL: KLARBREV_HUNSPELL_DIR or /usr/share/hunspell */
	int no_spell;              /* 1: skip spelling */
	int no_plugins;            /* 1: skip plugins */
	int no_spell_cache;        /* 1: look every word up again instead of caching answers (to measure the cache) */
	const char *config_path;   /* a config file (docs/plugins.md): plugin folders, word lists, plugin options and
	                              levels, plugins and rules switched off; NULL: none */
	int not_decision;          /* 1: the letters are no decisions (check --kind tekst): the plugins about decisions
	                              (decisions_only = true, such as forvaltningsloven) do not run; spelling, language
	                              and readability do */
	int full_check;            /* 1: every paragraph is checked again for every letter, as if it were the first
	                              (the paragraph memo of the plugins is off; so is the environment variable
	                              KLARBREV_FULL_CHECK=1). The findings are the same either way; this is for tests
	                              that show so, and for debugging */
} kb_checker_options;

/* Loads the word lists and plugins: <data_dir>/dictionaries and <data_dir>/plugins, then what the config file adds.
 * A config file with problems is KB_EINPUT with every problem as a detail ("kommune.ini:7: ..."). Caller frees with
 * kb_checker_free(). */
int kb_checker_new(kb_checker **out, kb_ctx *ctx, const kb_checker_options *opts);
void kb_checker_free(kb_checker *ck);
/* Checks a letter: appends findings to out and fills metrics (metrics may be NULL). A plugin that fails becomes an
 * error finding, not a failure of this call; failures are for the checker itself (out of memory). The config
 * file's [rules] apply to every finding. */
int kb_checker_run(kb_checker *ck, kb_ctx *ctx, const kb_letter *l, kb_findings *out, kb_metrics *metrics);
/* The spelling rule alone, as kb_checker_run runs it (the same dictionaries, word lists and skipping rules, the case's
 * "ignore" list): appends a "stavning" finding for each unknown word at each place. suggestions 0 leaves the
 * findings without suggestions, which are the slow part (klarbrev spell --list). *checked (may be NULL) gets the
 * number of words looked up. Needs a checker made with spelling or plugins on. */
int kb_checker_spell(kb_checker *ck, kb_ctx *ctx, const kb_letter *l, int suggestions, kb_findings *out,
                     size_t *checked);

/* One plugin as the checker loaded it, after the config file (what `klarbrev plugin list` shows). */
typedef struct kb_plugin_info {
	const char *id;          /* NULL when the plugin could not be loaded */
	const char *file;        /* the file it was loaded from */
	const char *name;        /* how findings name it (their "source"): "plugins/readability.lua" */
	const char *description; /* NULL when it has none */
	const char *options;     /* its options as Lua: "{ max_lix = 40, max_words = 25 }", or "{}" */
	const char *visitors;    /* the visitors it defines: "on_sentence, on_letter", or "" */
	const char *problem;     /* why it cannot run (the message of its error finding), or NULL */
	kb_level level;          /* the level of its findings, unless a finding says otherwise */
	int enabled;             /* 0 when the config file switched it off */
	int configured;          /* 1 when the config file has a section for it */
	int level_configured;    /* 1 when the config file set its level */
	const char *options_configured; /* the options the config file set, "max_words, max_lix", or NULL */
	size_t phrases;          /* entries of its replace and avoid lists (after the config file's ignore) */
	size_t phrases_ignored;  /* entries the config file's ignore took out */
} kb_plugin_info;

/* The plugins of a checker made without no_plugins, in the order they run. Strings are borrowed; valid until the
 * checker is freed or checks a letter. */
size_t kb_checker_plugin_count(const kb_checker *ck);
void kb_checker_plugin_info(kb_plugin_info *out, const kb_checker *ck, size_t i);

/* Computes LIX (convention K) over a text model. */
void kb_metrics_compute(kb_metrics *out, const kb_text *text);

/* ---------------------------------------------------------------------------------------------------------------
 * Reports. Both return a NUL-terminated string the caller frees with free(); NULL when out of memory.
 * The JSON schema is documented in docs/report.md.
 */
char *kb_report_text(const kb_findings *fs, const kb_text *text, const kb_metrics *m);
char *kb_report_json(const kb_findings *fs, const kb_text *text, const kb_metrics *m);

#ifdef __cplusplus
}
#endif
#endif
