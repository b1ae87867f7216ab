/*
 * parmemo.c -- the paragraph memo: an open-addressing hash table from key bytes to a paragraph's findings and
 * notes. Keys are compared whole (memcmp), never by hash alone, so a collision cannot hand one paragraph's
 * findings to another.
 */
#include "parmemo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct pm_slot {
	char *key; /* NULL: empty */
	size_t len;
	uint64_t hash;
	kb_parmemo_entry e;
} pm_slot;

struct kb_parmemo {
	pm_slot *slots;
	size_t cap, n; /* cap is a power of two, at least twice max_entries */
	size_t max_entries, max_bytes, bytes;
};

/* FNV-1a, 64 bits. */
static uint64_t pm_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

int kb_parmemo_new(kb_parmemo **out, size_t max_entries, size_t max_bytes)
{
	*out = NULL;
	kb_parmemo *m = calloc(1, sizeof *m);
	if (!m)
		return KB_ENOMEM;
	size_t cap = 16;
	while (cap < 2 * max_entries)
		cap *= 2;
	m->cap = cap;
	m->max_entries = max_entries;
	m->max_bytes = max_bytes;
	/* the slots are made on the first add: a plugin that never stores costs nothing */
	*out = m;
	return KB_OK;
}

void kb_parmemo_clear(kb_parmemo *m, void (*on_entry)(void *ud, kb_parmemo_entry *e), void *ud)
{
	if (!m || !m->slots)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		pm_slot *s = &m->slots[i];
		if (!s->key)
			continue;
		if (on_entry)
			on_entry(ud, &s->e);
		kb_findings_free(s->e.findings);
		free(s->key);
	}
	free(m->slots);
	m->slots = NULL;
	m->n = m->bytes = 0;
}

void kb_parmemo_free(kb_parmemo *m)
{
	if (!m)
		return;
	kb_parmemo_clear(m, NULL, NULL);
	free(m);
}

const kb_parmemo_entry *kb_parmemo_find(const kb_parmemo *m, const void *key, size_t len)
{
	if (!m || !m->slots)
		return NULL;
	uint64_t h = pm_hash(key, len);
	for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const pm_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->hash == h && s->len == len && !memcmp(s->key, key, len))
			return &s->e;
	}
}

static size_t pm_finding_bytes(const kb_finding *f)
{
	size_t b = sizeof *f;
	const char *s[] = { f->rule, f->message, f->text, f->origin, f->source };
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		b += s[i] ? strlen(s[i]) + 1 : 0;
	for (size_t i = 0; i < f->nsuggestions; i++)
		b += sizeof(char *) + strlen(f->suggestions[i]) + 1;
	return b;
}

int kb_parmemo_add(kb_parmemo *m, const void *key, size_t len, const kb_findings *from, size_t first, size_t last,
                   int notes_ref)
{
	if (m->n >= m->max_entries)
		return KB_ELIMIT;
	size_t bytes = len + sizeof(pm_slot);
	for (size_t i = first; i < last; i++)
		bytes += pm_finding_bytes(kb_findings_get(from, i));
	if (bytes > m->max_bytes || m->bytes + bytes > m->max_bytes)
		return KB_ELIMIT;
	if (!m->slots && !(m->slots = calloc(m->cap, sizeof *m->slots)))
		return KB_ENOMEM;
	uint64_t h = pm_hash(key, len);
	size_t i = (size_t)h & (m->cap - 1);
	for (; m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].hash == h && m->slots[i].len == len && !memcmp(m->slots[i].key, key, len))
			return KB_ELIMIT;
	kb_findings *fs = NULL;
	char *k = malloc(len ? len : 1);
	int rc = k ? kb_findings_new(&fs) : KB_ENOMEM;
	for (size_t j = first; !rc && j < last; j++) {
		kb_finding f = *kb_findings_get(from, j);
		f.paragraph = 0;
		rc = kb_findings_add(fs, &f);
	}
	if (rc) {
		kb_findings_free(fs);
		free(k);
		return rc == KB_ELIMIT ? KB_ELIMIT : KB_ENOMEM;
	}
	memcpy(k, key, len);
	pm_slot *s = &m->slots[i];
	s->key = k;
	s->len = len;
	s->hash = h;
	s->e.findings = fs;
	s->e.notes_ref = notes_ref;
	m->n++;
	m->bytes += bytes;
	return KB_OK;
}

size_t kb_parmemo_count(const kb_parmemo *m)
{
	return m ? m->n : 0;
}

size_t kb_parmemo_bytes(const kb_parmemo *m)
{
	return m ? m->bytes : 0;
}
