/*
 * findings.h -- what the library's modules may do to a finding list beyond the public API (klarbrev.h).
 */
#ifndef KB_FINDINGS_H
#define KB_FINDINGS_H

#include "internal.h"

#include <jansson.h>

/* Called for each finding; may change its level. Returns 1 to keep the finding, 0 to drop it. */
typedef int (*kb_finding_keep_fn)(void *ud, kb_finding *f);

/* Keeps the findings keep() says yes to, in their order, and frees the others. */
void kb_findings_filter(kb_findings *fs, kb_finding_keep_fn keep, void *ud);

/* The report of kb_report_json() as a JSON value ({"findings": [...], "metrics": {...}, "summary": {...}}), for a
 * caller that puts it into a document of its own (klarbrev batch writes one line per letter). A new reference;
 * NULL when out of memory. */
json_t *kb_report_json_value(const kb_findings *fs, const kb_text *text, const kb_metrics *m);

#endif
