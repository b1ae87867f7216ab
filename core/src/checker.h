/*
 * checker.h -- what the checker shares with `klarbrev plugin test`: the plugin set as check and fill load it, so a
 * plugin that passes its test loads the same way in a letter's check.
 */
#ifndef KB_CHECKER_H
#define KB_CHECKER_H

#include "internal.h"
#include "plugins.h"

typedef struct kb_config kb_config;

/* Loads the plugin set of check and fill into ps (new, empty): cfg (borrowed, may be NULL) set first, then the
 * helper libraries of <data_dir>/plugins/lib, the plugins of <data_dir>/plugins, then those of every plugin folder
 * cfg names. A plugin that cannot load (a Lua error, an id another plugin has) is kept as broken, as
 * kb_plugins_load_dir says. The config's problems with the loaded plugins are left to kb_plugins_check_config(),
 * after the caller has added any more plugins. A missing <data_dir>/plugins is skipped (the config's folders are
 * still loaded); a config folder that cannot be read is KB_EINPUT naming the config file and line. */
int kb_checker_load_plugin_set(kb_plugins *ps, kb_ctx *ctx, const char *data_dir, const kb_config *cfg);

/* The paragraph memo of the checker's plugins (kb_plugins_memo_stats); all 0 for a checker without plugins. */
/* Whether the letters the checker checks next are no decisions (kb_checker_options.not_decision), for a service
 * whose requests say so one by one. */
void kb_checker_set_not_decision(kb_checker *ck, int on);

void kb_checker_memo_stats(const kb_checker *ck, size_t *hits, size_t *misses, size_t *entries, size_t *bytes);

#endif
