/*
 * spell.c -- Danish spelling: libhunspell with da_DK, the project's and a municipality's word lists, a per-word
 * cache, and the spelling rule that turns unknown words of a letter into findings.
 *
 * Word lists (kb_speller_add_wordlist) are hunspell .dic text, read more forgivingly than hunspell does:
 *  - one entry per line: "word" or "word/flags", where flags are the main dictionary's affix flags written its way
 *    (da_DK has FLAG num: comma-separated numbers, so "aktivlov/5,2,10,39,31" also accepts "aktivloven",
 *    "aktivlovens", "aktivlove" like "lov" does); hunspell's morphological fields may follow after a tab;
 *  - lines whose first non-blank character is '#' are comments, blank lines are ignored, CR LF and a leading byte
 *    order mark are accepted, white space around an entry is dropped;
 *  - hunspell's count line (a first entry of digits only) may be there or not: the count is ours to make;
 *  - a list in another character set than UTF-8 is converted with iconv first (encoding.c).
 * Hunspell itself would take a comment line for a word and the first word for the count, so the lists are cleaned
 * here and handed to Hunspell_add_dic as one temporary file (one file also keeps clear of hunspell's limit of 20
 * added dictionaries).
 *
 * The cache maps each distinct word to its answer (and, once asked for, its suggestions and analyses) for the life
 * of the speller, which the checker keeps for the life of the process: a batch of letters looks each word up once.
 * It is bounded (SP_CACHE_MAX words, SP_CACHE_MAX_BYTES of strings): when it is full it is emptied and fills again,
 * so a long-running service keeps the words its recent letters use.
 *
 * The disk cache (kb_speller_use_disk_cache) is that cache kept in a file between processes: read, checked whole and
 * indexed on the first look-up, its entries become cache entries when a word is looked up (so a file of 30 000
 * words costs a few milliseconds, not one allocation per word), and a process whose words are all there never loads
 * the dictionary (the load is most of the CPU time of checking one letter). Its format, integers little-endian:
 *   "KBSTAVE1", u32 identity length, the identity (text: the dictionary's, the word lists' and the program's
 *   identity, sp_disk_identity), u32 number of entries, the entries, u64 FNV-1a of everything before it;
 *   an entry: u8 flags (1 correct, 2 has analyses, 4 has suggestions), u8 word length, the word, then when flagged
 *   u8 count and that many (u16 length, bytes) for the analyses and then the suggestions.
 * Every length is checked against the same bounds as answers hunspell gives, and a file that fails any check is
 * ignored as a whole.
 *
 * Time: looking a word up is bounded (a word is at most SP_MAX_WORD bytes), so the rule costs time in proportion
 * to the letter. Suggestions are the slow part (about 0.1 s per word for hunspell), so a letter gets them for its
 * first SP_SUGGEST_WORDS distinct unknown words only, and for the words after the first SP_SUGGEST_SURE only while
 * SP_SUGGEST_MS of suggestion time last; a note says so. A letter that is mostly not Danish gets one finding instead
 * of one per word, and is judged on its first SP_LANG_SAMPLE words when it is long (the rest is not looked up).
 */

#define _GNU_SOURCE /* dladdr: which file the hunspell library was loaded from */
#include "spell.h"
#include "encoding.h"
#include "textmodel.h"
#include "utf8.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <hunspell.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* libhunspell counts the users of a table global to the library (initialize_utf_tbl/free_utf_tbl in csutil.cxx) in
 * Hunspell_create and Hunspell_destroy without a lock, so two threads loading or freeing a dictionary at once (the
 * workers of klarbrev batch, which load lazily on their first unknown word) leak or free it under each other. Every
 * create and destroy in the library goes through these two, under one lock. */
static pthread_mutex_t sp_hunspell_lock = PTHREAD_MUTEX_INITIALIZER;

static Hunhandle *sp_hunspell_create(const char *aff, const char *dic)
{
	pthread_mutex_lock(&sp_hunspell_lock);
	Hunhandle *h = Hunspell_create(aff, dic);
	pthread_mutex_unlock(&sp_hunspell_lock);
	return h;
}

static void sp_hunspell_destroy(Hunhandle *h)
{
	pthread_mutex_lock(&sp_hunspell_lock);
	Hunspell_destroy(h);
	pthread_mutex_unlock(&sp_hunspell_lock);
}

#define SP_MAX_LIST_BYTES  (16u * 1024u * 1024u) /* one word list file */
#define SP_MAX_EXTRA_BYTES (64u * 1024u * 1024u) /* all word lists together */
#define SP_CACHE_MAX       200000u               /* words cached; past this the cache is emptied and fills again */
#define SP_CACHE_MAX_BYTES (32u * 1024u * 1024u) /* bytes of words, suggestions and analyses the cache holds */
#define SP_MAX_WORD        200u                  /* bytes; a longer token is not a word hunspell can judge */
#define SP_MAX_ANALYSES    64u                   /* morphological analyses of one word */
#define SP_MAX_CACHED_SUGG 10u                   /* suggestions kept per cached word */
#define SP_FINDING_SUGG    3u                    /* suggestions on a spelling finding */
#define SP_MSG_WORD        120u                  /* bytes of the word quoted in a finding's message */
#define SP_SUGGEST_WORDS   20u   /* distinct unknown words of one letter that get suggestions (default) */
#define SP_SUGGEST_SURE    5u    /* ... of which these always do; the others only within SP_SUGGEST_MS */
#define SP_SUGGEST_MS      1000u /* suggestion time of one letter (default) */
#define SP_LANG_MIN_WORDS  20u   /* a text is judged not Danish (over a quarter unknown) only from this many words */
#define SP_LANG_SAMPLE     2000u /* a longer text is judged on these first, and not looked up further if not Danish */
#define SP_MAX_HIT_BYTES   (256u * 1024u * 1024u) /* the unknown words of one text, kept until the findings */
#define SP_DISK_MAGIC      "KBSTAVE1"             /* 8 bytes; the last one is the format's version */
#define SP_DISK_MAX_BYTES  (4u * 1024u * 1024u)   /* one cache file */
#define SP_DISK_MAX_WORDS  30000u                 /* entries in one cache file */
#define SP_DISK_MAX_ID     16384u                 /* bytes of the identity in its header */
#define SP_DISK_MAX_STR    2048u                  /* one analysis or suggestion in the file */
#define SP_DISK_MAX_FILES  8u                     /* cache files kept in the folder (other dictionaries, lists) */
#define SP_DISK_SAVE_S     60                     /* seconds between two saves of a checker that goes on */

enum { SP_DISK_NEW, SP_DISK_ON, SP_DISK_OFF }; /* kb_speller.disk_state */

typedef struct sp_entry {
	char *word; /* NULL: free slot */
	size_t len;
	uint64_t hash;
	int ok;
	int has_sugg; /* sugg holds hunspell's suggestions (maybe none) */
	char **sugg;  /* NULL-terminated */
	size_t nsugg;
	int has_ana; /* ana holds hunspell's morphological analyses (maybe none) */
	char **ana;  /* NULL-terminated */
	size_t nana;
	int used; /* looked up by this speller (not only read from the disk cache): saved first */
} sp_entry;

struct kb_speller {
	char *aff_path, *dic_path;
	int danish;
	int flag_num;       /* the .aff says FLAG num: 1 yes, 0 no, -1 not read yet */
	int no_cache;       /* kb_speller_set_cache(sp, 0) */
	size_t computed;    /* answers worked out (not taken from the cache): kb_speller_computed() */
	size_t suggested;   /* suggestion lists asked of hunspell: kb_speller_suggested() */
	kb_buf extra;       /* cleaned word-list entries waiting for the load, one per line */
	size_t extra_words; /* entries in extra */
	Hunhandle *hun;
	sp_entry *slots; /* open addressing, power-of-two size */
	size_t nslots, nused;
	size_t cache_bytes;  /* bytes of the strings the cache holds (words, suggestions, analyses) */
	size_t flushes;      /* times the full cache was emptied: kb_speller_cache_stats() */
	uint64_t lists_hash; /* FNV-1a of the cleaned text of every word list added, in order (the disk identity) */
	size_t lists_bytes, lists_words;
	char *disk_dir;  /* the disk cache's folder, or NULL */
	char *disk_path; /* its file, once the identity is known */
	char *disk_id;   /* the identity the file must carry */
	int disk_state;  /* SP_DISK_NEW (not read yet), SP_DISK_ON (read, or there is none yet), SP_DISK_OFF */
	int disk_dirty;  /* answers worked out since the file was read or written */
	int disk_saved;  /* written once by this speller */
	struct timespec disk_saved_at;
	size_t disk_words;           /* entries taken from the file: kb_speller_disk_words() */
	unsigned char *disk_data;    /* the file read (checked whole), or NULL */
	size_t disk_len, disk_first; /* its size, and where its first entry starts */
	uint32_t *disk_index;        /* open addressing: offset of each entry in disk_data, 0 for a free slot */
	size_t disk_nindex;          /* power of two */
};

static void sp_disk_drop(kb_speller *sp);

void kb_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* ---- the cache ---- */

/* FNV-1a of s[0..len) continued from h (a hash over several pieces, as if they were one text). */
static uint64_t sp_hash_more(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

static uint64_t sp_hash(const char *s, size_t len)
{
	return sp_hash_more(1469598103934665603u, s, len);
}

static void sp_cache_clear(kb_speller *sp)
{
	for (size_t i = 0; i < sp->nslots; i++) {
		free(sp->slots[i].word);
		kb_strv_free(sp->slots[i].sugg);
		kb_strv_free(sp->slots[i].ana);
	}
	free(sp->slots);
	sp->slots = NULL;
	sp->nslots = sp->nused = 0;
	sp->cache_bytes = 0;
}

/* The bytes of the strings of v[0..n) and their pointers, as the cache counts them. */
static size_t sp_strv_bytes(char *const *v, size_t n)
{
	size_t b = (n + 1) * sizeof *v;
	for (size_t i = 0; i < n; i++)
		b += strlen(v[i]) + 1;
	return b;
}

/* The slot of w, or the free slot where it would go; NULL when there are no slots yet. */
static sp_entry *sp_cache_slot(const kb_speller *sp, const char *w, size_t len, uint64_t h)
{
	if (!sp->nslots)
		return NULL;
	size_t mask = sp->nslots - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		sp_entry *e = &sp->slots[i];
		if (!e->word || (e->hash == h && e->len == len && memcmp(e->word, w, len) == 0))
			return e;
	}
}

static sp_entry *sp_cache_find(const kb_speller *sp, const char *w, size_t len)
{
	sp_entry *e = sp_cache_slot(sp, w, len, sp_hash(w, len));
	return e && e->word ? e : NULL;
}

/* Keeps the table at most 70 % full. Returns 0 or KB_ENOMEM (the old table stays). */
static int sp_cache_grow(kb_speller *sp)
{
	size_t n = sp->nslots ? sp->nslots * 2 : 1024;
	sp_entry *old = sp->slots;
	size_t nold = sp->nslots;
	sp_entry *slots = calloc(n, sizeof *slots);
	if (!slots)
		return KB_ENOMEM;
	sp->slots = slots;
	sp->nslots = n;
	for (size_t i = 0; i < nold; i++)
		if (old[i].word)
			*sp_cache_slot(sp, old[i].word, old[i].len, old[i].hash) = old[i];
	free(old);
	return KB_OK;
}

/* Adds w with its answer. A full cache (SP_CACHE_MAX words or SP_CACHE_MAX_BYTES) is emptied first, so entries
 * returned before are gone. NULL when memory is short: the answer is then simply not kept. */
static sp_entry *sp_cache_put(kb_speller *sp, const char *w, size_t len, int ok)
{
	uint64_t h = sp_hash(w, len);
	sp_entry *e = sp_cache_slot(sp, w, len, h);
	if (e && e->word) /* already there */
		return e;
	if (sp->nused >= SP_CACHE_MAX || sp->cache_bytes >= SP_CACHE_MAX_BYTES) {
		sp_cache_clear(sp);
		sp->flushes++;
	}
	if ((sp->nused + 1) * 10 > sp->nslots * 7 && sp_cache_grow(sp))
		return NULL;
	e = sp_cache_slot(sp, w, len, h);
	char *copy = kb_strndup(w, len);
	if (!copy)
		return NULL;
	e->word = copy;
	e->len = len;
	e->hash = h;
	e->ok = ok;
	e->used = 1;
	sp->nused++;
	sp->cache_bytes += len + 1;
	return e;
}

/* ---- setup ---- */

int kb_speller_new(kb_speller **out, kb_ctx *ctx, const char *hunspell_dir, const char *lang)
{
	*out = NULL;
	if (!lang)
		lang = "da_DK";
	if (!*lang || strchr(lang, '/') || strlen(lang) > 32)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_speller_new: \"%s\" er ikke navnet på en ordbog som \"da_DK\"",
		                   lang);
	if (!hunspell_dir || !*hunspell_dir) {
		hunspell_dir = getenv("KLARBREV_HUNSPELL_DIR");
		if (!hunspell_dir || !*hunspell_dir)
			hunspell_dir = "/usr/share/hunspell";
	}
	kb_speller *sp = calloc(1, sizeof *sp);
	kb_buf aff, dic;
	kb_buf_init(&aff, 8192);
	kb_buf_init(&dic, 8192);
	int rc = KB_OK;
	if (!sp || kb_buf_printf(&aff, "%s/%s.aff", hunspell_dir, lang) ||
	    kb_buf_printf(&dic, "%s/%s.dic", hunspell_dir, lang)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	sp->aff_path = kb_buf_detach(&aff);
	sp->dic_path = kb_buf_detach(&dic);
	if (!sp->aff_path || !sp->dic_path) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	sp->danish = strncmp(lang, "da", 2) == 0;
	sp->flag_num = -1;
	sp->lists_hash = sp_hash("", 0);
	sp->disk_state = SP_DISK_OFF;
	kb_buf_init(&sp->extra, SP_MAX_EXTRA_BYTES);
	*out = sp;
	sp = NULL;
done:
	kb_buf_free(&aff);
	kb_buf_free(&dic);
	kb_speller_free(sp);
	return rc;
}

void kb_speller_free(kb_speller *sp)
{
	if (!sp)
		return;
	if (sp->hun)
		sp_hunspell_destroy(sp->hun);
	sp_cache_clear(sp);
	kb_buf_free(&sp->extra);
	free(sp->aff_path);
	free(sp->dic_path);
	free(sp->disk_dir);
	free(sp->disk_path);
	free(sp->disk_id);
	free(sp->disk_data);
	free(sp->disk_index);
	free(sp);
}

int kb_speller_is_loaded(const kb_speller *sp)
{
	return sp && sp->hun != NULL;
}

size_t kb_speller_computed(const kb_speller *sp)
{
	return sp->computed;
}

size_t kb_speller_suggested(const kb_speller *sp)
{
	return sp->suggested;
}

void kb_speller_cache_stats(const kb_speller *sp, size_t *words, size_t *bytes, size_t *flushes)
{
	if (words)
		*words = sp->nused;
	if (bytes)
		*bytes = sp->cache_bytes + sp->nslots * sizeof *sp->slots;
	if (flushes)
		*flushes = sp->flushes;
}

size_t kb_speller_disk_words(const kb_speller *sp)
{
	return sp->disk_words;
}

void kb_speller_set_cache(kb_speller *sp, int on)
{
	if (!on) {
		sp_cache_clear(sp);
		sp_disk_drop(sp);
		sp->disk_state = SP_DISK_OFF;
	}
	sp->no_cache = !on;
}

static int sp_is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Hands the cleaned entries in list[0..len) (nwords of them) to hunspell through a temporary .dic file. */
static int sp_feed_hunspell(kb_speller *sp, kb_ctx *ctx, const char *list, size_t len, size_t nwords)
{
	const char *tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	kb_buf path;
	kb_buf_init(&path, 4096);
	int rc = KB_OK, fd = -1, created = 0;
	FILE *f = NULL;
	if (kb_buf_printf(&path, "%s/klarbrev-words-XXXXXX", tmpdir)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	fd = mkstemp(path.data);
	if (fd < 0) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke lave en midlertidig fil til ordlisterne: %s", tmpdir,
		                 kb_errno_text(errno));
		goto done;
	}
	created = 1;
	f = fdopen(fd, "wb");
	if (!f) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke skrive: %s", path.data, kb_errno_text(errno));
		goto done;
	}
	fd = -1; /* now f's */
	if (fprintf(f, "%zu\n", nwords) < 0 || (len && fwrite(list, 1, len, f) != len) || fclose(f) != 0) {
		f = NULL;
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: kan ikke skrive ordlisterne: %s", path.data, kb_errno_text(errno));
		goto done;
	}
	f = NULL;
	if (Hunspell_add_dic(sp->hun, path.data) != 0) /* reads the file now */
		rc = kb_ctx_fail(ctx, KB_ELIMIT,
		                 "%s: hunspell tager ikke flere ordlister; tilføj dem før første opslag", sp->dic_path);
done:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(path.data);
	kb_buf_free(&path);
	return rc;
}

int kb_speller_load(kb_speller *sp, kb_ctx *ctx)
{
	if (sp->hun)
		return KB_OK;
	const char *missing = !sp_is_regular_file(sp->dic_path)   ? sp->dic_path
	                      : !sp_is_regular_file(sp->aff_path) ? sp->aff_path
	                                                          : NULL;
	if (missing && sp->danish)
		return kb_ctx_fail(ctx, KB_ENOTFOUND,
		                   "den danske ordbog findes ikke: %s; installer pakken hunspell-da "
		                   "(scripts/install-deps.sh)",
		                   missing);
	if (missing)
		return kb_ctx_fail(ctx, KB_ENOTFOUND, "ordbogen findes ikke: %s; installer hunspell-pakken med den",
		                   missing);
	sp->hun = sp_hunspell_create(sp->aff_path, sp->dic_path);
	if (!sp->hun)
		return kb_ctx_fail(ctx, KB_ENOMEM, "%s: ikke nok hukommelse til at indlæse ordbogen", sp->dic_path);
	const char *enc = Hunspell_get_dic_encoding(sp->hun);
	if (!enc || strcmp(enc, "UTF-8") != 0) {
		sp_hunspell_destroy(sp->hun);
		sp->hun = NULL;
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: ordbogen er i tegnsættet %s; klarbrev skal bruge en UTF-8-ordbog (SET UTF-8)",
		                   sp->aff_path, enc ? enc : "(ukendt)");
	}
	if (sp->extra_words) {
		int rc = sp_feed_hunspell(sp, ctx, sp->extra.data, sp->extra.len, sp->extra_words);
		if (rc) {
			sp_hunspell_destroy(sp->hun);
			sp->hun = NULL;
			return rc;
		}
	}
	kb_buf_free(&sp->extra); /* in hunspell now */
	kb_buf_init(&sp->extra, SP_MAX_EXTRA_BYTES);
	sp->extra_words = 0;
	return KB_OK;
}

/* 1 when the main dictionary's .aff declares "FLAG num" (da_DK does), read once; 0 when it declares another flag
 * type or cannot be read (loading the dictionary reports that). */
static int sp_flag_num(kb_speller *sp)
{
	if (sp->flag_num >= 0)
		return sp->flag_num;
	sp->flag_num = 0;
	FILE *f = fopen(sp->aff_path, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "FLAG", 4) != 0 || (line[4] != ' ' && line[4] != '\t'))
			continue;
		const char *v = line + 5;
		while (*v == ' ' || *v == '\t')
			v++;
		sp->flag_num = strncmp(v, "num", 3) == 0;
		break;
	}
	if (f)
		fclose(f);
	return sp->flag_num;
}

/* The flags of the entry e[0..len) ("aktivlov/5,2,10,39,31\tpo:noun"): *flags and *nflags, or *nflags 0 when it
 * has none. A slash escaped as "\/" belongs to the word. */
static void sp_entry_flags(const char **flags, size_t *nflags, const char *e, size_t len)
{
	*flags = NULL;
	*nflags = 0;
	for (size_t i = 0; i < len; i++) {
		if (e[i] == ' ' || e[i] == '\t')
			return;
		if (e[i] == '/' && (i == 0 || e[i - 1] != '\\')) {
			size_t k = i + 1;
			while (k < len && e[k] != ' ' && e[k] != '\t')
				k++;
			*flags = e + i + 1;
			*nflags = k - i - 1;
			return;
		}
	}
}

/* 1 when f[0..n) is FLAG num's form: numbers 1..65509 separated by single commas. */
static int sp_num_flags_ok(const char *f, size_t n)
{
	size_t i = 0;
	for (;;) {
		unsigned long v = 0;
		size_t d = i;
		while (i < n && f[i] >= '0' && f[i] <= '9' && i - d < 6)
			v = v * 10 + (unsigned long)(f[i++] - '0');
		if (i == d || v == 0 || v > 65509)
			return 0;
		if (i == n)
			return 1;
		if (f[i++] != ',')
			return 0;
	}
}

/* Cleans the word list text[0..len) into b (one entry a line) and counts its entries. flag_num: the dictionary
 * uses FLAG num, so flags must be numbers. Errors name path and line, in Danish. */
static int sp_clean_list(kb_buf *b, size_t *nwords, kb_ctx *ctx, const char *path, const char *text, size_t len,
                         int flag_num)
{
	size_t pos = 0, line = 0;
	int first = 1;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t s = pos, e = end;
		line++;
		pos = nl ? end + 1 : len;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
		while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (s == e || text[s] == '#')
			continue;
		if (memchr(text + s, '\0', e - s) || !kb_utf8_valid(text + s, e - s))
			return kb_ctx_fail(
			    ctx, KB_EINPUT,
			    "%s: linje %zu er ikke gyldig UTF-8; gem ordlisten som UTF-8, eller angiv dens "
			    "tegnsæt (fx windows-1252)",
			    path, line);
		if (first) {
			first = 0;
			size_t d = s;
			while (d < e && text[d] >= '0' && text[d] <= '9')
				d++;
			if (d == e) /* hunspell's count line */
				continue;
		}
		if (text[s] == '/')
			return kb_ctx_fail(ctx, KB_EINPUT, "%s: linje %zu har flag, men intet ord; skriv »ord/flag«",
			                   path, line);
		const char *flags;
		size_t nflags;
		sp_entry_flags(&flags, &nflags, text + s, e - s);
		if (flags && flag_num && !sp_num_flags_ok(flags, nflags))
			return kb_ctx_fail(
			    ctx, KB_EINPUT,
			    "%s: linje %zu: flagene »%.*s« skal være tal adskilt af komma (ordbogen bruger "
			    "FLAG num); kopiér dem fra et ord, der bøjes på samme måde, fx »lov/5,2,10,39,31«",
			    path, line, (int)(nflags > 40 ? 40 : nflags), flags);
		int rc = kb_buf_add(b, text + s, e - s);
		if (!rc)
			rc = kb_buf_addc(b, '\n');
		if (rc == KB_ELIMIT)
			return kb_ctx_fail(ctx, rc, "%s: ordlisterne fylder tilsammen mere end grænsen på %zu byte",
			                   path, b->max);
		if (rc)
			return kb_ctx_fail(ctx, rc, "%s: ikke nok hukommelse", path);
		(*nwords)++;
	}
	return KB_OK;
}

int kb_speller_add_wordlist(kb_speller *sp, kb_ctx *ctx, const char *path, const char *encoding)
{
	char *text = NULL;
	size_t len = 0, nwords = 0;
	kb_buf list;
	kb_buf_init(&list, SP_MAX_EXTRA_BYTES - sp->extra.len);
	int rc = kb_encoding_read_file(&text, &len, ctx, path, encoding, SP_MAX_LIST_BYTES);
	if (rc == KB_ENOTFOUND)
		rc = kb_ctx_fail(ctx, rc, "%s: ordlisten findes ikke", path);
	if (rc)
		goto done;
	if ((rc = sp_clean_list(&list, &nwords, ctx, path, text, len, sp_flag_num(sp))) || !nwords)
		goto done;
	if (sp->hun && (rc = sp_feed_hunspell(sp, ctx, list.data, list.len, nwords)))
		goto done;
	sp->lists_hash = sp_hash_more(sp->lists_hash, list.data, list.len); /* over all lists, as one text */
	sp->lists_bytes += list.len;
	sp->lists_words += nwords;
	if (sp->nused || sp->disk_state == SP_DISK_ON) {
		/* answers given before may have changed; a cache file read was for the lists without this one */
		sp_cache_clear(sp);
		sp_disk_drop(sp);
		sp->disk_state = SP_DISK_OFF;
	}
	if (!sp->hun) {
		if ((rc = kb_buf_add(&sp->extra, list.data, list.len))) {
			rc = kb_ctx_fail(ctx, rc, "%s: %s", path,
			                 rc == KB_ELIMIT ? "ordlisterne fylder for meget tilsammen"
			                                 : "ikke nok hukommelse");
			goto done;
		}
		sp->extra_words += nwords;
	}
done:
	kb_buf_free(&list);
	free(text);
	return rc;
}

int kb_speller_add_dic(kb_speller *sp, kb_ctx *ctx, const char *dic_path)
{
	return kb_speller_add_wordlist(sp, ctx, dic_path, NULL);
}

/* ---- the disk cache ---- */

int kb_speller_use_disk_cache(kb_speller *sp, kb_ctx *ctx, const char *dir)
{
	kb_buf b;
	kb_buf_init(&b, 8192);
	int rc = KB_OK;
	if (sp->no_cache || sp->nused || sp->hun)
		goto done; /* answered before: the file would come too late */
	if (!dir) {
		const char *env = getenv("KLARBREV_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
		if (env) /* set but empty: no cache file */
			rc = *env ? kb_buf_adds(&b, env) : KB_OK;
		else if (xdg && xdg[0] == '/')
			rc = kb_buf_printf(&b, "%s/klarbrev", xdg);
		else if (home && home[0] == '/')
			rc = kb_buf_printf(&b, "%s/.cache/klarbrev", home);
	} else if (*dir) {
		rc = kb_buf_adds(&b, dir);
	}
	if (rc) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	free(sp->disk_dir);
	sp->disk_dir = b.len ? kb_buf_detach(&b) : NULL;
	if (b.len && !sp->disk_dir) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	sp->disk_state = sp->disk_dir ? SP_DISK_NEW : SP_DISK_OFF;
done:
	kb_buf_free(&b);
	return rc;
}

/* Adds "name=<path> <device> <inode> <size> <mtime>" of path to b; nonzero when path cannot be stat'ed. */
static int sp_id_file(kb_buf *b, const char *name, const char *path)
{
	struct stat st;
	if (!path || stat(path, &st) != 0)
		return -1;
	return kb_buf_printf(b, "%s=%s %llu %llu %lld %lld.%09ld\n", name, path, (unsigned long long)st.st_dev,
	                     (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	                     (long)st.st_mtim.tv_nsec);
}

/* The identity a cache file must carry to be used: the format, the dictionary's files, the word lists' text (a hash,
 * its size and count), and the code that made the answers: this program (the spelling rule's own list of
 * abbreviations is compiled in) and the hunspell library. A file that changes gives another identity. Also sets
 * sp->disk_path, named by a hash of the identity. Nonzero when a part cannot be known: then no cache file. */
static int sp_disk_identity(kb_speller *sp)
{
	kb_buf id, path;
	kb_buf_init(&id, SP_DISK_MAX_ID);
	kb_buf_init(&path, 8192);
	Dl_info dl;
	int rc = kb_buf_printf(&id, "klarbrev %s stavecache %s\ndansk=%d\n", KB_VERSION, SP_DISK_MAGIC, sp->danish);
	if (!rc)
		rc = sp_id_file(&id, "aff", sp->aff_path);
	if (!rc)
		rc = sp_id_file(&id, "dic", sp->dic_path);
	if (!rc)
		rc = kb_buf_printf(&id, "ordlister=%zu %zu %016llx\n", sp->lists_words, sp->lists_bytes,
		                   (unsigned long long)sp->lists_hash);
	if (!rc)
		rc = sp_id_file(&id, "program", "/proc/self/exe");
	if (!rc)
		rc =
		    !dladdr((void *)Hunspell_create, &dl) || !dl.dli_fname || sp_id_file(&id, "hunspell", dl.dli_fname);
	if (!rc)
		rc = kb_buf_printf(&path, "%s/stavning-%016llx.cache", sp->disk_dir,
		                   (unsigned long long)sp_hash(id.data, id.len));
	if (!rc) {
		free(sp->disk_id);
		free(sp->disk_path);
		sp->disk_id = kb_buf_detach(&id);
		sp->disk_path = kb_buf_detach(&path);
		rc = !sp->disk_id || !sp->disk_path;
	}
	kb_buf_free(&id);
	kb_buf_free(&path);
	return rc;
}

/* A reader of the cache file's bytes that fails (ok = 0) at the first read past the end. */
typedef struct sp_reader {
	const unsigned char *p, *end;
	int ok;
} sp_reader;

static unsigned long long sp_read_uint(sp_reader *r, int bytes)
{
	unsigned long long v = 0;
	if (!r->ok || r->end - r->p < bytes) {
		r->ok = 0;
		return 0;
	}
	for (int i = 0; i < bytes; i++)
		v |= (unsigned long long)r->p[i] << (8 * i);
	r->p += bytes;
	return v;
}

/* The next n bytes, which must be UTF-8 without NUL (they become C strings); NULL when they are not. */
static const char *sp_read_str(sp_reader *r, size_t n)
{
	const char *s = (const char *)r->p;
	if (!r->ok || (size_t)(r->end - r->p) < n || memchr(s, '\0', n) || !kb_utf8_valid(s, n)) {
		r->ok = 0;
		return NULL;
	}
	r->p += n;
	return s;
}

/* A list of at most max strings of the file as a NULL-terminated array in *out; nonzero when the file is wrong (or
 * memory short). out NULL: only checks the list and steps over it. */
static int sp_read_strv(sp_reader *r, char ***out, size_t *count, size_t max)
{
	size_t n = (size_t)sp_read_uint(r, 1);
	if (!r->ok || n > max)
		return -1;
	char **v = out ? calloc(n + 1, sizeof *v) : NULL;
	if (out && !v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t len = (size_t)sp_read_uint(r, 2);
		const char *s = len && len <= SP_DISK_MAX_STR ? sp_read_str(r, len) : NULL;
		if (!s || (v && !(v[i] = kb_strndup(s, len)))) {
			kb_strv_free(v);
			return -1;
		}
	}
	if (out) {
		*out = v;
		*count = n;
	}
	return 0;
}

/* One entry of the file, as it stands in its bytes. */
typedef struct sp_record {
	const unsigned char *start, *end; /* the whole entry */
	const char *word;
	size_t wlen;
	unsigned flags;
	const unsigned char *lists; /* where its analyses (then suggestions) start */
} sp_record;

/* Reads and checks the entry at r (which then stands after it); nonzero when it is not a valid entry. */
static int sp_record_read(sp_reader *r, sp_record *rec)
{
	rec->start = r->p;
	rec->flags = (unsigned)sp_read_uint(r, 1);
	rec->wlen = (size_t)sp_read_uint(r, 1);
	rec->word = rec->wlen && rec->wlen <= SP_MAX_WORD ? sp_read_str(r, rec->wlen) : NULL;
	if (!rec->word || rec->flags > 7u)
		return -1;
	rec->lists = r->p;
	if ((rec->flags & 2u) && sp_read_strv(r, NULL, NULL, SP_MAX_ANALYSES))
		return -1;
	if ((rec->flags & 4u) && sp_read_strv(r, NULL, NULL, SP_MAX_CACHED_SUGG))
		return -1;
	rec->end = r->p;
	return 0;
}

/* The file's entry for w: the slot of the index that holds it, or the free slot where it would go. */
static uint32_t *sp_disk_slot(const kb_speller *sp, const char *w, size_t len, uint64_t h)
{
	size_t mask = sp->disk_nindex - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint32_t *slot = &sp->disk_index[i];
		if (!*slot)
			return slot;
		const unsigned char *e = sp->disk_data + *slot;
		if (e[1] == len && memcmp(e + 2, w, len) == 0)
			return slot;
	}
}

/* Checks the whole file data[0..len) (taken over by the speller) and indexes its entries by word, without making
 * them entries of the cache yet: a file of 30 000 words is read in about a millisecond, and only the words a letter
 * uses are taken from it (sp_cached). Nonzero when the file is not a cache file for this speller or is damaged in
 * any way; then it is not used at all. */
static int sp_disk_parse(kb_speller *sp, unsigned char *data, size_t len)
{
	size_t idlen = strlen(sp->disk_id);
	if (len < 8 + 4 + 4 + 8 || memcmp(data, SP_DISK_MAGIC, 8) != 0)
		return -1;
	sp_reader sum = {data + len - 8, data + len, 1};
	if (sp_read_uint(&sum, 8) != sp_hash((const char *)data, len - 8))
		return -1;
	sp_reader r = {data + 8, data + len - 8, 1};
	if (sp_read_uint(&r, 4) != idlen || (size_t)(r.end - r.p) < idlen || memcmp(r.p, sp->disk_id, idlen) != 0)
		return -1;
	r.p += idlen;
	size_t n = (size_t)sp_read_uint(&r, 4);
	if (!r.ok || n > SP_DISK_MAX_WORDS)
		return -1;
	size_t nindex = 64;
	while (nindex < 2 * n)
		nindex *= 2;
	sp->disk_index = calloc(nindex, sizeof *sp->disk_index);
	if (!sp->disk_index)
		return -1;
	sp->disk_nindex = nindex;
	sp->disk_data = data;
	sp->disk_len = len;
	sp->disk_first = (size_t)(r.p - data);
	for (size_t i = 0; i < n; i++) {
		sp_record rec;
		if (sp_record_read(&r, &rec))
			goto bad;
		uint32_t *slot = sp_disk_slot(sp, rec.word, rec.wlen, sp_hash(rec.word, rec.wlen));
		if (*slot) /* the same word twice */
			goto bad;
		*slot = (uint32_t)(rec.start - data);
	}
	if (r.p != r.end)
		goto bad;
	return 0;
bad:
	free(sp->disk_index);
	sp->disk_index = NULL;
	sp->disk_nindex = 0;
	sp->disk_data = NULL; /* the caller frees it */
	return -1;
}

/* Forgets the file read (a word list came after it, or the speller goes). */
static void sp_disk_drop(kb_speller *sp)
{
	free(sp->disk_data);
	free(sp->disk_index);
	sp->disk_data = NULL;
	sp->disk_index = NULL;
	sp->disk_nindex = 0;
	sp->disk_len = 0;
}

/* Reads the cache file, once, on the first look-up. Whatever goes wrong, the speller goes on without it
 * (SP_DISK_OFF: no identity) or as if there were none yet (SP_DISK_ON: the next save writes it anew). */
static void sp_disk_read(kb_speller *sp)
{
	sp->disk_state = SP_DISK_OFF;
	if (!sp->disk_dir || sp->no_cache || sp_disk_identity(sp))
		return;
	sp->disk_state = SP_DISK_ON;
	unsigned char *data = NULL;
	struct stat st;
	int fd = open(sp->disk_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_size < 8 ||
	    st.st_size > (off_t)SP_DISK_MAX_BYTES || !(data = malloc((size_t)st.st_size)))
		goto done;
	size_t got = 0, want = (size_t)st.st_size;
	while (got < want) {
		ssize_t k = read(fd, data + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto done;
		got += (size_t)k;
	}
	if (sp_disk_parse(sp, data, want) == 0) {
		data = NULL;        /* the speller's now */
		futimens(fd, NULL); /* recently used: the folder's pruning keeps it */
	}
done:
	free(data);
	close(fd);
}

/* The cache entry for the file's entry at slot: made now, with its analyses and suggestions. NULL when memory is
 * short (the answer is then worked out again). */
static sp_entry *sp_disk_take(kb_speller *sp, const uint32_t *slot)
{
	sp_reader r = {sp->disk_data + *slot, sp->disk_data + sp->disk_len - 8, 1};
	sp_record rec;
	char **ana = NULL, **sugg = NULL;
	size_t nana = 0, nsugg = 0;
	sp_entry *e = NULL;
	if (sp_record_read(&r, &rec)) /* checked when read: cannot happen */
		goto done;
	r.p = rec.lists;
	if (((rec.flags & 2u) && sp_read_strv(&r, &ana, &nana, SP_MAX_ANALYSES)) ||
	    ((rec.flags & 4u) && sp_read_strv(&r, &sugg, &nsugg, SP_MAX_CACHED_SUGG)))
		goto done;
	if (!(e = sp_cache_put(sp, rec.word, rec.wlen, rec.flags & 1u)))
		goto done;
	if (rec.flags & 2u) {
		e->ana = ana;
		e->nana = nana;
		e->has_ana = 1;
		sp->cache_bytes += sp_strv_bytes(ana, nana);
		ana = NULL;
	}
	if (rec.flags & 4u) {
		e->sugg = sugg;
		e->nsugg = nsugg;
		e->has_sugg = 1;
		sp->cache_bytes += sp_strv_bytes(sugg, nsugg);
		sugg = NULL;
	}
	sp->disk_words++;
done:
	kb_strv_free(ana);
	kb_strv_free(sugg);
	return e;
}

/* The entry that may answer w from the cache, or from the cache file (read on the first look-up); NULL if neither
 * has it. */
static sp_entry *sp_cached(kb_speller *sp, const char *w, size_t len)
{
	if (sp->no_cache)
		return NULL;
	if (sp->disk_state == SP_DISK_NEW)
		sp_disk_read(sp);
	sp_entry *e = sp_cache_find(sp, w, len);
	if (e) {
		e->used = 1;
		return e;
	}
	if (!sp->disk_index || !len || len > SP_MAX_WORD)
		return NULL;
	const uint32_t *slot = sp_disk_slot(sp, w, len, sp_hash(w, len));
	return *slot ? sp_disk_take(sp, slot) : NULL;
}

static int sp_put_uint(kb_buf *b, unsigned long long v, int bytes)
{
	unsigned char c[8];
	for (int i = 0; i < bytes; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	return kb_buf_add(b, c, (size_t)bytes);
}

static int sp_put_strv(kb_buf *b, char *const *v, size_t n)
{
	int rc = sp_put_uint(b, n, 1);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t len = strlen(v[i]);
		if (len > SP_DISK_MAX_STR)
			len = 0; /* never happens with hunspell's answers; the reader then refuses the file */
		rc = sp_put_uint(b, len, 2) || kb_buf_add(b, v[i], len);
	}
	return rc;
}

/* Appends entry e to b; nonzero when it does not fit (b is then as before). */
static int sp_put_entry(kb_buf *b, const sp_entry *e)
{
	size_t before = b->len;
	unsigned flags = (e->ok ? 1u : 0u) | (e->has_ana ? 2u : 0u) | (e->has_sugg ? 4u : 0u);
	int rc = sp_put_uint(b, flags, 1) || sp_put_uint(b, e->len, 1) || kb_buf_add(b, e->word, e->len) ||
	         (e->has_ana && sp_put_strv(b, e->ana, e->nana)) || (e->has_sugg && sp_put_strv(b, e->sugg, e->nsugg));
	if (rc)
		b->len = before;
	return rc;
}

/* When the folder holds more than SP_DISK_MAX_FILES cache files, removes the least recently used (not keep). */
static void sp_disk_prune(const char *dir, const char *keep)
{
	for (int round = 0; round < 4; round++) {
		DIR *d = opendir(dir);
		if (!d)
			return;
		struct dirent *de;
		size_t n = 0;
		char oldest[256] = "";
		struct timespec t_old = {0};
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);
			if (strncmp(de->d_name, "stavning-", 9) != 0 || len < 15 || len >= sizeof oldest ||
			    strcmp(de->d_name + len - 6, ".cache") != 0)
				continue;
			n++;
			struct stat st;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || strstr(keep, de->d_name))
				continue;
			if (!oldest[0] || st.st_mtim.tv_sec < t_old.tv_sec ||
			    (st.st_mtim.tv_sec == t_old.tv_sec && st.st_mtim.tv_nsec < t_old.tv_nsec)) {
				memcpy(oldest, de->d_name, len + 1);
				t_old = st.st_mtim;
			}
		}
		int removed = n > SP_DISK_MAX_FILES && oldest[0] && unlinkat(dirfd(d), oldest, 0) == 0;
		closedir(d);
		if (!removed)
			return;
	}
}

/* Makes the cache folder (and its parent, "~/.cache") when missing; 0 when it is there, a folder of this user. */
static int sp_disk_mkdir(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno == ENOENT) {
		char parent[4096];
		const char *slash = strrchr(dir, '/');
		size_t n = slash ? (size_t)(slash - dir) : 0;
		if (n && n < sizeof parent) {
			memcpy(parent, dir, n);
			parent[n] = '\0';
			mkdir(parent, 0700);
		}
		mkdir(dir, 0700);
	}
	struct stat st;
	return !(lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid());
}

static int sp_timespec_older(const struct timespec *t, long seconds)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - t->tv_sec >= seconds;
}

int kb_speller_save_cache(kb_speller *sp, int force)
{
	if (!sp || sp->disk_state != SP_DISK_ON || !sp->disk_dirty || sp->no_cache)
		return 0;
	if (!force && sp->disk_saved && !sp_timespec_older(&sp->disk_saved_at, SP_DISK_SAVE_S))
		return 0;
	kb_buf b, tmp;
	kb_buf_init(&b, SP_DISK_MAX_BYTES);
	kb_buf_init(&tmp, 8192);
	int fd = -1, written = 0;
	size_t idlen = strlen(sp->disk_id), n = 0, count_at;
	if (sp_disk_mkdir(sp->disk_dir) || kb_buf_add(&b, SP_DISK_MAGIC, 8) || sp_put_uint(&b, idlen, 4) ||
	    kb_buf_add(&b, sp->disk_id, idlen))
		goto done;
	count_at = b.len;
	if (sp_put_uint(&b, 0, 4))
		goto done;
	b.max -= 8; /* room for the checksum */
	/* the words this speller used first, then the rest of what the file had, while they fit */
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < sp->nslots && n < SP_DISK_MAX_WORDS; i++) {
			const sp_entry *e = &sp->slots[i];
			if (e->word && e->used == pass && !sp_put_entry(&b, e))
				n++;
		}
	sp_reader r = {sp->disk_data ? sp->disk_data + sp->disk_first : NULL,
	               sp->disk_data ? sp->disk_data + sp->disk_len - 8 : NULL, sp->disk_data != NULL};
	sp_record rec;
	while (r.ok && r.p < r.end && n < SP_DISK_MAX_WORDS && !sp_record_read(&r, &rec))
		if (!sp_cache_find(sp, rec.word, rec.wlen) &&
		    !kb_buf_add(&b, rec.start, (size_t)(rec.end - rec.start))) /* as it stands: the same format */
			n++;
	b.max += 8;
	for (int i = 0; i < 4; i++)
		b.data[count_at + (size_t)i] = (char)((n >> (8 * i)) & 0xFFu);
	if (sp_put_uint(&b, sp_hash(b.data, b.len), 8) || kb_buf_printf(&tmp, "%s.XXXXXX", sp->disk_path))
		goto done;
	if ((fd = mkstemp(tmp.data)) < 0)
		goto done;
	size_t off = 0;
	while (off < b.len) {
		ssize_t k = write(fd, b.data + off, b.len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	int closed = close(fd);
	fd = -1;
	if (off == b.len && closed == 0 && rename(tmp.data, sp->disk_path) == 0)
		written = 1;
	else
		unlink(tmp.data);
	if (written) {
		sp->disk_dirty = 0;
		sp->disk_saved = 1;
		clock_gettime(CLOCK_MONOTONIC, &sp->disk_saved_at);
		sp_disk_prune(sp->disk_dir, sp->disk_path);
	}
done:
	if (fd >= 0) {
		close(fd);
		unlink(tmp.data);
	}
	kb_buf_free(&b);
	kb_buf_free(&tmp);
	return written;
}

/* ---- checking ---- */

/* Hunspell's answer for w[0..len): 1 known, 0 not. w need not be NUL-terminated. */
static int sp_hunspell_ok(kb_speller *sp, const char *w, size_t len)
{
	char buf[SP_MAX_WORD + 1];
	if (len == 0 || len > SP_MAX_WORD)
		return 0;
	memcpy(buf, w, len);
	buf[len] = '\0';
	return Hunspell_spell(sp->hun, buf) != 0;
}

/* hunspell, then the word with its first letter lower-cased (a sentence start; hunspell mostly does this itself). */
static int sp_ok_simple(kb_speller *sp, const char *w, size_t len)
{
	if (sp_hunspell_ok(sp, w, len))
		return 1;
	uint32_t cp;
	if (!len || len > SP_MAX_WORD)
		return 0;
	size_t n = kb_utf8_decode(w, len, &cp);
	if (!kb_uc_is_upper(cp))
		return 0;
	char buf[SP_MAX_WORD + 4];
	size_t o = kb_utf8_encode(kb_uc_tolower(cp), buf);
	memcpy(buf + o, w + n, len - n);
	return sp_hunspell_ok(sp, buf, o + len - n);
}

/* The word rule: hunspell as it is or with a lower-case first letter; a hyphenated compound whose whole is unknown
 * but whose every part is known ("Klarbrev-borger"); an abbreviation on the project's list (textmodel.c knows
 * some 250 that da_DK lacks, "sagsnr.", "iflg."). */
static int sp_word_ok_plain(kb_speller *sp, const char *w, size_t len)
{
	if (sp_ok_simple(sp, w, len))
		return 1;
	if (kb_is_abbreviation(w, len))
		return 1;
	if (!memchr(w, '-', len))
		return 0;
	size_t s = 0, parts = 0;
	while (s <= len) {
		const char *dash = memchr(w + s, '-', len - s);
		size_t e = dash ? (size_t)(dash - w) : len;
		if (e > s) {
			if (!sp_ok_simple(sp, w + s, e - s))
				return 0;
			parts++;
		}
		s = e + 1;
	}
	return parts > 0;
}

#define SP_APOSTROPHE "\xE2\x80\x99" /* U+2019, the apostrophe Word's autocorrect types */

/* sp_word_ok_plain with each typographic apostrophe looked up as "'": da_DK knows "A's", not "A’s". */
static int sp_word_ok(kb_speller *sp, const char *w, size_t len)
{
	sp->computed++;
	size_t i = 0;
	while (i + 3 <= len && memcmp(w + i, SP_APOSTROPHE, 3) != 0)
		i++;
	if (i + 3 > len || len > SP_MAX_WORD)
		return sp_word_ok_plain(sp, w, len);
	char buf[SP_MAX_WORD];
	size_t o = 0;
	for (i = 0; i < len;) {
		if (i + 3 <= len && memcmp(w + i, SP_APOSTROPHE, 3) == 0) {
			buf[o++] = '\'';
			i += 3;
		} else {
			buf[o++] = w[i++];
		}
	}
	return sp_word_ok_plain(sp, buf, o);
}

int kb_speller_check(kb_speller *sp, kb_ctx *ctx, const char *w, size_t len)
{
	sp_entry *e = sp_cached(sp, w, len);
	if (e)
		return e->ok;
	int rc = kb_speller_load(sp, ctx);
	if (rc)
		return rc;
	if (sp->no_cache)
		return sp_word_ok(sp, w, len);
	int ok = sp_word_ok(sp, w, len);
	sp_cache_put(sp, w, len, ok);
	sp->disk_dirty = 1;
	return ok;
}

/* Copies the first max strings of src[0..n) into a new NULL-terminated array. */
static int sp_strv_copy(char ***out, size_t *count, char *const *src, size_t n, size_t max)
{
	if (n > max)
		n = max;
	char **v = calloc(n + 1, sizeof *v);
	if (!v)
		return KB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = kb_strdup(src[i]))) {
			kb_strv_free(v);
			return KB_ENOMEM;
		}
	*out = v;
	if (count)
		*count = n;
	return KB_OK;
}

/* hunspell's list from fn (suggest or analyze) for w, as our own NULL-terminated array of at most max. */
static int sp_hunspell_list(char ***out, size_t *count, kb_speller *sp, const char *w, size_t len, size_t max,
                            int (*fn)(Hunhandle *, char ***, const char *))
{
	char buf[SP_MAX_WORD + 1];
	char **list = NULL;
	int n = 0;
	if (len && len <= SP_MAX_WORD) {
		memcpy(buf, w, len);
		buf[len] = '\0';
		n = fn(sp->hun, &list, buf);
	}
	int rc = sp_strv_copy(out, count, list, n > 0 ? (size_t)n : 0, max);
	if (list)
		Hunspell_free_list(sp->hun, &list, n);
	return rc;
}

int kb_speller_suggest(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len, size_t max)
{
	*out = NULL;
	if (count)
		*count = 0;
	/* suggestions are slow (a tenth of a second for a long Danish word) and a misspelt word tends to come back, so
	 * they are cached */
	sp_entry *e = sp_cached(sp, w, len);
	int rc = e && e->has_sugg ? KB_OK : kb_speller_load(sp, ctx);
	if (rc)
		return rc;
	if (!sp->no_cache && !e)
		e = sp_cache_put(sp, w, len, sp_word_ok(sp, w, len));
	if (e && !e->has_sugg) {
		sp->suggested++;
		sp->disk_dirty = 1;
		if (sp_hunspell_list(&e->sugg, &e->nsugg, sp, w, len, SP_MAX_CACHED_SUGG, Hunspell_suggest))
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		e->has_sugg = 1;
		sp->cache_bytes += sp_strv_bytes(e->sugg, e->nsugg);
	}
	if (e) {
		rc = sp_strv_copy(out, count, e->sugg, e->nsugg, max);
	} else {
		sp->suggested++;
		rc = sp_hunspell_list(out, count, sp, w, len, max, Hunspell_suggest);
	}
	return rc ? kb_ctx_fail(ctx, rc, "ikke nok hukommelse") : KB_OK;
}

int kb_speller_analyze(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len)
{
	*out = NULL;
	if (count)
		*count = 0;
	/* plugins ask for the analysis of every word of a letter (tone.lua's passive rule): cached like suggestions */
	sp_entry *e = sp_cached(sp, w, len);
	int rc = e && e->has_ana ? KB_OK : kb_speller_load(sp, ctx);
	if (rc)
		return rc;
	if (!sp->no_cache && !e)
		e = sp_cache_put(sp, w, len, sp_word_ok(sp, w, len));
	if (e && !e->has_ana) {
		sp->disk_dirty = 1;
		if (sp_hunspell_list(&e->ana, &e->nana, sp, w, len, SP_MAX_ANALYSES, Hunspell_analyze))
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		e->has_ana = 1;
		sp->cache_bytes += sp_strv_bytes(e->ana, e->nana);
	}
	if (e)
		rc = sp_strv_copy(out, count, e->ana, e->nana, SP_MAX_ANALYSES);
	else
		rc = sp_hunspell_list(out, count, sp, w, len, SP_MAX_ANALYSES, Hunspell_analyze);
	return rc ? kb_ctx_fail(ctx, rc, "ikke nok hukommelse") : KB_OK;
}

/* ---- the spelling rule ---- */

/* An unknown word where it stands: paragraph pi, bytes [start, start + len) there; its text (maybe joined over a
 * line break) is sp_run.words[woff .. woff + wlen). */
typedef struct sp_hit {
	size_t pi, start, len;
	size_t woff, wlen;
} sp_hit;

/* One of the first distinct unknown words of a run, with the suggestions its findings carry. */
typedef struct sp_sugg_word {
	size_t woff, wlen;
	char **sugg; /* NULL-terminated, or NULL: none (hunspell had none, or the time was up) */
	size_t nsugg;
} sp_sugg_word;

/* One run of the rule over a text. Unknown words are collected first (hits) and turned into findings at the end,
 * when it is known whether the text is Danish at all and which words get suggestions. */
typedef struct sp_run {
	kb_speller *sp;
	kb_ctx *ctx;
	kb_findings *out;
	int suggest;
	int judge;     /* opts->judge_language */
	char **ignore; /* opts->ignore split into words and lower-cased; NULL-terminated, or NULL */
	size_t checked;
	size_t unknown;      /* looked-up words found unknown (a word on the ignore list is not) */
	size_t last_counted; /* the value of checked when unknown was last counted: "x/y" counts once */
	int stopped;         /* the first SP_LANG_SAMPLE words were mostly unknown: the rest was not looked up */
	sp_hit *hits;
	size_t nhits, caphits;
	kb_buf words; /* the text of the hits */
	size_t max_sugg_words;
	size_t sure_sugg_words;
	unsigned sugg_ms;
	sp_sugg_word *sw; /* the first max_sugg_words distinct unknown words */
	size_t nsw;
	int denied;      /* a word got no suggestions because of the limits: 1 the count, 2 the time */
	size_t sw_timed; /* distinct words that had suggestions when the time ran out */
} sp_run;

/* Splits the entries of list at white space into lower-cased words: *out is NULL-terminated (NULL for no list);
 * free with kb_strv_free(). */
static int sp_ignore_build(char ***out, const char *const *list)
{
	*out = NULL;
	size_t n = 0, cap = 0;
	char **v = NULL;
	for (const char *const *e = list; e && *e; e++) {
		const char *s = *e;
		while (*s) {
			while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
				s++;
			const char *b = s;
			while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
				s++;
			if (s == b)
				continue;
			if (n + 2 > cap) {
				size_t ncap = cap ? cap * 2 : 8;
				char **nv = realloc(v, ncap * sizeof *nv);
				if (!nv)
					goto fail;
				v = nv;
				cap = ncap;
			}
			if (!(v[n] = kb_utf8_lower(b, (size_t)(s - b), NULL)))
				goto fail;
			v[++n] = NULL;
		}
	}
	*out = v;
	return KB_OK;
fail:
	kb_strv_free(v);
	return KB_ENOMEM;
}

/* 1 when w[0..len) is on the run's ignore list, whatever its case. */
static int sp_ignored(const sp_run *r, const char *w, size_t len)
{
	if (!r->ignore)
		return 0;
	size_t n = 0;
	char *low = kb_utf8_lower(w, len, &n);
	int hit = 0;
	for (char **p = r->ignore; low && !hit && *p; p++)
		hit = strlen(*p) == n && memcmp(*p, low, n) == 0;
	free(low);
	return hit;
}

/* 1 when any span that overlaps p's bytes [start, start + len) keeps its text from the spelling check (a word may
 * start in template text and end in a name field). */
static int sp_in_nospell(const kb_paragraph *p, size_t start, size_t len)
{
	const kb_span *s = kb_paragraph_span_at(p, start);
	if (!s)
		return 0;
	for (const kb_span *end = p->spans + p->nspans; s < end && s->start < start + len; s++)
		if (s->flags & KB_SPAN_NOSPELL)
			return 1;
	return 0;
}

static int sp_has_section_sign(const char *w, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)w[i] == 0xC2u && (unsigned char)w[i + 1] == 0xA7u) /* U+00A7 */
			return 1;
	return 0;
}

/* 1 when word wd of p is one of list (ASCII letters compared without case). */
static int sp_word_in(const kb_paragraph *p, const kb_word *wd, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == wd->len && strncasecmp(p->text + wd->start, *list, wd->len) == 0)
			return 1;
	return 0;
}

/* 1 when w[0..len) is one letter ("f"), or a range of two ("b-f", "l–q"). */
static int sp_is_letter_suffix(const char *w, size_t len)
{
	uint32_t a, dash, b;
	size_t n = kb_utf8_decode(w, len, &a);
	if (!kb_uc_is_letter(a))
		return 0;
	if (n == len)
		return 1;
	n += kb_utf8_decode(w + n, len - n, &dash);
	if (n == len || (dash != '-' && dash != 0x2013u))
		return 0;
	n += kb_utf8_decode(w + n, len - n, &b);
	return n == len && kb_uc_is_letter(b);
}

/* 1 when word wi of p is part of a reference rather than prose: the case number after a case-number label
 * ("Sagsnr. KS-ABC"; a plain lower-case word there is prose and is checked), a letter after a number ("§ 13 f",
 * "§§ 69 l–q") or after "litra", "nr" in a Retsinformation citation ("LBK nr 433"). Numbers themselves have digits
 * and are skipped anyway. */
static int sp_is_reference(const kb_paragraph *p, size_t wi)
{
	static const char *const labels[] = {"sagsnr.",    "sagsnummer",    "sagsid", "j.nr.", "jnr.",
	                                     "journalnr.", "journalnummer", "ref.",   NULL};
	static const char *const citation_types[] = {"LBK", "BEK", "LOV", "VEJ", "CIR", NULL};
	if (wi == 0)
		return 0;
	const kb_word *prev = &p->words[wi - 1], *wd = &p->words[wi];
	const char *w = p->text + wd->start;
	if (sp_word_in(p, prev, labels)) {
		size_t lower = 0;
		for (size_t i = 0; i < wd->len;) {
			uint32_t cp;
			i += kb_utf8_decode(w + i, wd->len - i, &cp);
			if (kb_uc_is_lower(cp))
				lower++;
			if (cp == '-' || cp == '/' || cp == '_' || cp == '.')
				return 1;
		}
		return lower == 0 && wd->letters >= 2;
	}
	if (sp_is_letter_suffix(w, wd->len)) {
		const char *pe = p->text + prev->start + prev->len;
		int gap_blank = 1;
		for (const char *c = pe; c < w; c++)
			if (*c != ' ' && *c != '\t' && (unsigned char)*c != 0xC2u && (unsigned char)*c != 0xA0u)
				gap_blank = 0; /* spaces and no-break spaces only */
		if (gap_blank && (prev->flags & KB_WORD_DIGIT) && pe[-1] >= '0' && pe[-1] <= '9')
			return 1;
		static const char *const litra[] = {"litra", NULL};
		if (sp_word_in(p, prev, litra))
			return 1;
	}
	if (wd->len == 2 && memcmp(w, "nr", 2) == 0) {
		for (const char *const *c = citation_types; *c; c++)
			if (strlen(*c) == prev->len && memcmp(p->text + prev->start, *c, prev->len) == 0)
				return 1;
	}
	return 0;
}

/* 1 when word wi of p is not looked up at all (see kb_spell_text). */
static int sp_skip(const kb_paragraph *p, size_t wi)
{
	const kb_word *wd = &p->words[wi];
	const char *w = p->text + wd->start;
	if (!wd->len || wd->flags & (KB_WORD_DIGIT | KB_WORD_URL))
		return 1;
	/* e-mail addresses the tokenizer did not take for one, handles ("@kommune"), "§§" */
	if (memchr(w, '@', wd->len) || sp_has_section_sign(w, wd->len))
		return 1;
	return sp_in_nospell(p, wd->start, wd->len) || sp_is_reference(p, wi);
}

/* At most max bytes of w[0..len), cut at a character boundary. */
static size_t sp_utf8_cut(const char *w, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)w[max] & 0xC0u) == 0x80u)
		max--;
	return max;
}

/* Notes the unknown word w[0..wlen) found at paragraph pi's bytes [start, start + len) (the same bytes, or a word
 * joined over a line break), unless the run ignores it. The finding is made at the end (sp_finish). */
static int sp_unknown(sp_run *r, size_t pi, size_t start, size_t len, const char *w, size_t wlen)
{
	if (sp_ignored(r, w, wlen))
		return KB_OK;
	if (r->last_counted != r->checked) {
		r->unknown++;
		r->last_counted = r->checked;
	}
	if (r->nhits == r->caphits) {
		size_t ncap = r->caphits ? r->caphits * 2 : 64;
		sp_hit *nh = realloc(r->hits, ncap * sizeof *nh);
		if (!nh)
			return kb_ctx_fail(r->ctx, KB_ENOMEM, "ikke nok hukommelse");
		r->hits = nh;
		r->caphits = ncap;
	}
	sp_hit *h = &r->hits[r->nhits];
	*h = (sp_hit){.pi = pi, .start = start, .len = len, .woff = r->words.len, .wlen = wlen};
	int rc = kb_buf_add(&r->words, w, wlen);
	if (rc)
		return kb_ctx_fail(r->ctx, rc, "ikke nok hukommelse");
	r->nhits++;
	return KB_OK;
}

static struct timespec sp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static long sp_ms_since(const struct timespec *t0)
{
	struct timespec t = sp_now();
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The suggestions for the unknown word of hit h: *out (borrowed from the run; NULL for none). The first
 * max_sugg_words distinct words get them, in the order they first stand in the text; after the first
 * sure_sugg_words of them only while the run's suggestion time (from *t0, started at the first word asked) lasts. */
static int sp_hit_suggestions(sp_run *r, const sp_hit *h, sp_sugg_word **out, struct timespec *t0, int *started)
{
	const char *w = r->words.data + h->woff;
	*out = NULL;
	for (size_t i = 0; i < r->nsw; i++)
		if (r->sw[i].wlen == h->wlen && memcmp(r->words.data + r->sw[i].woff, w, h->wlen) == 0) {
			*out = &r->sw[i];
			return KB_OK;
		}
	if (r->nsw >= r->max_sugg_words) {
		if (!r->denied)
			r->denied = 1;
		return KB_OK;
	}
	sp_sugg_word *e = &r->sw[r->nsw++];
	*e = (sp_sugg_word){.woff = h->woff, .wlen = h->wlen};
	*out = e;
	if (!*started) {
		*t0 = sp_now();
		*started = 1;
	}
	if (r->nsw > r->sure_sugg_words && sp_ms_since(t0) >= (long)r->sugg_ms) {
		if (r->denied != 2)
			r->sw_timed = r->nsw - 1;
		r->denied = 2;
		return KB_OK;
	}
	return kb_speller_suggest(&e->sugg, &e->nsugg, r->sp, r->ctx, w, h->wlen, SP_FINDING_SUGG);
}

/* Adds the finding for hit h with suggestions sugg (may be NULL). */
static int sp_add_word_finding(sp_run *r, const kb_text *t, const sp_hit *h, const sp_sugg_word *sugg)
{
	const char *w = r->words.data + h->woff;
	char *text = NULL;
	kb_buf msg;
	kb_buf_init(&msg, 1024);
	int rc = KB_OK;
	size_t shown = sp_utf8_cut(w, h->wlen, SP_MSG_WORD);
	text = kb_strndup(w, h->wlen);
	if (!text || kb_buf_printf(&msg, "Ukendt ord: »%.*s%s«.", (int)shown, w, shown < h->wlen ? "…" : "")) {
		rc = kb_ctx_fail(r->ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	kb_finding f = {0};
	f.rule = "stavning";
	f.level = KB_LEVEL_WARNING;
	f.message = msg.data;
	f.paragraph = (long)h->pi;
	f.start = h->start;
	f.len = h->len;
	f.text = text;
	f.origin = (char *)kb_paragraph_origin_at(&t->paras[h->pi], h->start);
	f.source = "spell";
	f.suggestions = sugg && sugg->nsugg ? sugg->sugg : NULL;
	f.nsuggestions = sugg ? sugg->nsugg : 0;
	rc = kb_findings_add(r->out, &f);
	if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(r->ctx, rc, "ikke nok hukommelse");
	/* KB_ELIMIT (the list is full) goes back to the caller, which stops */
done:
	kb_buf_free(&msg);
	free(text);
	return rc;
}

/* Adds a finding about the letter as a whole: rule, level and message. */
static int sp_add_letter_finding(sp_run *r, const char *rule, kb_level level, const char *message)
{
	kb_finding f = {0};
	f.rule = (char *)rule;
	f.level = level;
	f.message = (char *)message;
	f.paragraph = -1;
	f.source = "spell";
	int rc = kb_findings_add(r->out, &f);
	return rc == KB_ENOMEM ? kb_ctx_fail(r->ctx, rc, "ikke nok hukommelse") : rc;
}

/* 1 when the run's text is mostly not Danish (see kb_spell_options.judge_language). */
static int sp_not_danish(const sp_run *r)
{
	return r->judge && (r->stopped || (r->checked >= SP_LANG_MIN_WORDS && r->unknown * 4 > r->checked));
}

/* Turns the run's hits into findings: one "ikke-dansk" finding when the text is mostly not Danish, else a finding
 * per unknown word where it stands, with suggestions within the limits, and a note when some went without. */
static int sp_finish(sp_run *r, const kb_text *t)
{
	kb_buf msg;
	kb_buf_init(&msg, 2048);
	int rc = KB_OK;
	if (sp_not_danish(r)) {
		unsigned pct = (unsigned)(r->unknown * 100 / r->checked);
		if (kb_buf_printf(&msg,
		                  "Teksten ser ikke ud til at være dansk: %zu af de %s%zu ord, der er slået op, står "
		                  "ikke i den danske ordbog (%u %%). Derfor er de ukendte ord ikke meldt hver for sig. "
		                  "Tjek, at det er det rigtige brev, og at det er skrevet på dansk.",
		                  r->unknown, r->stopped ? "første " : "", r->checked, pct)) {
			rc = kb_ctx_fail(r->ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		rc = sp_add_letter_finding(r, "ikke-dansk", KB_LEVEL_WARNING, msg.data);
		goto done;
	}
	struct timespec t0 = {0};
	int started = 0;
	for (size_t i = 0; !rc && i < r->nhits; i++) {
		sp_sugg_word *sugg = NULL;
		if (r->suggest && (rc = sp_hit_suggestions(r, &r->hits[i], &sugg, &t0, &started)))
			break;
		rc = sp_add_word_finding(r, t, &r->hits[i], sugg);
	}
	if (rc || !r->denied)
		goto done;
	size_t n = r->denied == 2 ? r->sw_timed : r->max_sugg_words;
	if (r->denied == 2
	        ? kb_buf_printf(&msg,
	                        "Der var kun tid til at finde rettelsesforslag til de første %zu forskellige "
	                        "ukendte ord; de andre ukendte ord er meldt uden forslag. Ret de første, og "
	                        "tjek brevet igen for at få forslag til resten.",
	                        n)
	        : kb_buf_printf(&msg,
	                        "Der er kun rettelsesforslag til de første %zu forskellige ukendte ord; de "
	                        "andre ukendte ord er meldt uden forslag. Ret de første, og tjek brevet igen "
	                        "for at få forslag til resten.",
	                        n)) {
		rc = kb_ctx_fail(r->ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	rc = sp_add_letter_finding(r, "stavning-forslag", KB_LEVEL_INFO, msg.data);
done:
	kb_buf_free(&msg);
	return rc;
}

/* Looks up word wd of p: 1 known, 0 not, negative on failure. A word the tokenizer did not take for an
 * abbreviation but that a period follows is also tried with the period: the period of an abbreviation only the
 * dictionaries know ("sagsbeh.") or of a sentence end. */
static int sp_lookup(sp_run *r, const kb_paragraph *p, const kb_word *wd)
{
	int ok = kb_speller_check(r->sp, r->ctx, p->text + wd->start, wd->len);
	size_t e = wd->start + wd->len;
	if (ok == 0 && !(wd->flags & KB_WORD_ABBREV) && e < p->len && p->text[e] == '.')
		ok = kb_speller_check(r->sp, r->ctx, p->text + wd->start, wd->len + 1);
	return ok;
}

/* Checks word wd of p and reports it when unknown. "og/eller": when the whole is unknown, each part between
 * slashes is checked and reported on its own. */
static int sp_check_word(sp_run *r, const kb_paragraph *p, size_t pi, const kb_word *wd)
{
	const char *w = p->text + wd->start;
	r->checked++;
	int ok = sp_lookup(r, p, wd);
	if (ok)
		return ok < 0 ? ok : KB_OK;
	if (!memchr(w, '/', wd->len))
		return sp_unknown(r, pi, wd->start, wd->len, w, wd->len);
	size_t s = 0;
	while (s <= wd->len) {
		const char *slash = memchr(w + s, '/', wd->len - s);
		size_t e = slash ? (size_t)(slash - w) : wd->len;
		if (e > s) {
			ok = kb_speller_check(r->sp, r->ctx, w + s, e - s);
			if (ok < 0)
				return ok;
			if (!ok) {
				int rc = sp_unknown(r, pi, wd->start + s, e - s, w + s, e - s);
				if (rc)
					return rc;
			}
		}
		s = e + 1;
	}
	return KB_OK;
}

/* When word wd of p ends its line with a hyphen ("kontant-" and then a line break, or the end of the paragraph,
 * with only spaces between): 1, and *next is where the next line's text starts in p, or p->len when the paragraph
 * ends there. */
static int sp_hyphen_at_line_end(const kb_paragraph *p, const kb_word *wd, size_t *next)
{
	size_t i = wd->start + wd->len;
	if (i >= p->len || p->text[i] != '-')
		return 0;
	int brk = 0;
	for (i++; i < p->len; i++) {
		char c = p->text[i];
		if (c == '\n' || c == '\v' || c == '\f' || c == '\r')
			brk = 1;
		else if (c != ' ' && c != '\t')
			break;
	}
	*next = i;
	return brk || i == p->len;
}

/* 1 when word wi of p can be the second half of a hyphenated word: it starts at byte at, with a lower-case letter,
 * and is looked up at all. */
static int sp_continues(const kb_paragraph *p, size_t wi, size_t at)
{
	if (wi >= p->nwords || p->words[wi].start != at)
		return 0;
	uint32_t cp;
	kb_utf8_decode(p->text + at, p->words[wi].len, &cp);
	return kb_uc_is_lower(cp) && !sp_skip(p, wi);
}

/* Checks a word hyphenated over a line break: a (in p, paragraph pi) and b (in q: p itself or the next paragraph)
 * are looked up joined ("kontant" + "hjælp"). When the joined word is unknown but both halves are words, the hyphen
 * is real ("EU-" "borger") or the first half waits for a later word ("selvforsørgelses- og"): nothing to report.
 * Otherwise the joined word is reported, over both halves (or, when b is in the next paragraph, over a and its
 * hyphen). */
static int sp_check_joined(sp_run *r, const kb_paragraph *p, size_t pi, const kb_word *a, const kb_paragraph *q,
                           const kb_word *b)
{
	char buf[SP_MAX_WORD]; /* the caller keeps a->len + b->len within it */
	r->checked++;
	memcpy(buf, p->text + a->start, a->len);
	memcpy(buf + a->len, q->text + b->start, b->len);
	size_t n = a->len + b->len;
	int ok = kb_speller_check(r->sp, r->ctx, buf, n);
	if (ok)
		return ok < 0 ? ok : KB_OK;
	int oka = sp_lookup(r, p, a);
	int okb = oka > 0 ? sp_lookup(r, q, b) : oka;
	if (okb)
		return okb < 0 ? okb : KB_OK;
	size_t len = q == p ? b->start + b->len - a->start : a->len + 1;
	return sp_unknown(r, pi, a->start, len, buf, n);
}

/* The first word of q continues the last one of p when both are in the same part of the letter (lines of a .txt
 * letter are paragraphs) and nothing but white space comes before it. */
static int sp_continues_in_next(const kb_paragraph *p, const kb_paragraph *q)
{
	if (!q->nwords || q->part != p->part || strcmp(q->part_name, p->part_name) != 0)
		return 0;
	size_t at = 0;
	while (at < q->len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(q->text + at, q->len - at, &cp);
		if (!(cp < 0x20u || kb_uc_is_space(cp)))
			break;
		at += n;
	}
	return sp_continues(q, 0, at);
}

int kb_spell_text(kb_speller *sp, kb_ctx *ctx, const kb_text *t, const kb_spell_options *opts, kb_findings *out,
                  size_t *checked)
{
	sp_run r = {.sp = sp,
	            .ctx = ctx,
	            .out = out,
	            .suggest = !(opts && opts->no_suggestions),
	            .judge = opts && opts->judge_language,
	            .max_sugg_words = opts && opts->max_suggested ? opts->max_suggested : SP_SUGGEST_WORDS,
	            .sure_sugg_words = SP_SUGGEST_SURE,
	            .sugg_ms = opts && opts->suggest_ms ? opts->suggest_ms : SP_SUGGEST_MS};
	if (checked)
		*checked = 0;
	kb_buf_init(&r.words, SP_MAX_HIT_BYTES);
	if (r.sure_sugg_words > r.max_sugg_words)
		r.sure_sugg_words = r.max_sugg_words;
	if (sp_ignore_build(&r.ignore, opts ? opts->ignore : NULL) ||
	    (r.suggest && !(r.sw = calloc(r.max_sugg_words, sizeof *r.sw)))) {
		kb_strv_free(r.ignore);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	int rc = KB_OK, sampled = 0;
	size_t first = 0; /* 1: the first word of this paragraph ended the one before, joined over its hyphen */
	for (size_t pi = 0; !rc && t && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		size_t wi = first;
		first = 0;
		for (; !rc && wi < p->nwords; wi++) {
			if (r.judge && !sampled && r.checked >= SP_LANG_SAMPLE) {
				sampled = 1;
				if (r.unknown * 4 > r.checked) { /* not Danish: the rest need not be looked up */
					r.stopped = 1;
					goto walked;
				}
			}
			const kb_word *wd = &p->words[wi];
			if (sp_skip(p, wi))
				continue;
			size_t next;
			if (sp_hyphen_at_line_end(p, wd, &next)) {
				if (next < p->len && sp_continues(p, wi + 1, next) &&
				    wd->len + p->words[wi + 1].len <= SP_MAX_WORD) {
					rc = sp_check_joined(&r, p, pi, wd, p, &p->words[wi + 1]);
					wi++;
					continue;
				}
				if (next == p->len && wi + 1 == p->nwords && pi + 1 < t->nparas &&
				    sp_continues_in_next(p, &t->paras[pi + 1]) &&
				    wd->len + t->paras[pi + 1].words[0].len <= SP_MAX_WORD) {
					rc = sp_check_joined(&r, p, pi, wd, &t->paras[pi + 1],
					                     &t->paras[pi + 1].words[0]);
					first = 1;
					continue;
				}
			}
			rc = sp_check_word(&r, p, pi, wd);
		}
	}
walked:
	if (!rc)
		rc = sp_finish(&r, t);
	kb_strv_free(r.ignore);
	for (size_t i = 0; r.sw && i < r.nsw; i++)
		kb_strv_free(r.sw[i].sugg);
	free(r.sw);
	free(r.hits);
	kb_buf_free(&r.words);
	if (checked)
		*checked = r.checked;
	return rc == KB_ELIMIT ? KB_OK : rc; /* a letter with 100 000 findings has been told enough */
}
