/*
 * parmemo.h -- the paragraph memo of one plugin: what its paragraph visitors made of a paragraph that holds no
 * case value (its findings and its notes), kept under everything those visitors can see of the paragraph, so the
 * next letter from the same template gets them without running Lua. plugins.c decides when an entry may be made
 * and used (see pl_walk); this file only keeps them, within a cap.
 */
#ifndef KB_PARMEMO_H
#define KB_PARMEMO_H

#include "internal.h"

typedef struct kb_parmemo kb_parmemo;

/* One paragraph's result. findings hold paragraph 0 (the caller puts the real index in); notes_ref is the
 * caller's reference to the paragraph's notes (a Lua registry reference), or the caller's "none" value. */
typedef struct kb_parmemo_entry {
	kb_findings *findings;
	int notes_ref;
} kb_parmemo_entry;

/* A memo holding at most max_entries entries and max_bytes bytes of keys and findings (an estimate); when full it
 * keeps what it has and takes no more. Caller frees with kb_parmemo_free(). */
int kb_parmemo_new(kb_parmemo **out, size_t max_entries, size_t max_bytes);
void kb_parmemo_free(kb_parmemo *m);
/* Forgets every entry. on_entry (may be NULL) is called for each one first, so the caller can drop its notes. */
void kb_parmemo_clear(kb_parmemo *m, void (*on_entry)(void *ud, kb_parmemo_entry *e), void *ud);

/* The entry under key[0..len), or NULL. Borrowed; valid until the memo is cleared or freed. */
const kb_parmemo_entry *kb_parmemo_find(const kb_parmemo *m, const void *key, size_t len);

/* Keeps a copy of findings from[first..last) (their paragraph set to 0) and notes_ref under key. Returns 0, KB_ELIMIT
 * when the memo is full or the key is there already (nothing kept: the caller keeps its notes), or KB_ENOMEM. */
int kb_parmemo_add(kb_parmemo *m, const void *key, size_t len, const kb_findings *from, size_t first, size_t last,
                   int notes_ref);

/* Entries kept, and the bytes they take (an estimate). */
size_t kb_parmemo_count(const kb_parmemo *m);
size_t kb_parmemo_bytes(const kb_parmemo *m);

#endif
