/* templates_dir.c -- the templates folder: where it is, and which of its entries are templates. One answer for
 * `klarbrev serve` (the templates it serves) and `klarbrev template list` (the templates it lists). */
#include "cli.h"
#include "internal.h"
#include "serve.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const cli_template_name_rule =
    "skabelonens navn må kun have bogstaver a-z, tal, '.', '_' og '-' (det bliver en del af adressen); omdøb mappen";

char *cli_templates_dir(const cli_opts *o, const char *data_dir)
{
	if (o->templates)
		return kb_strdup(o->templates);
	size_t n = strlen(data_dir) + sizeof "/templates";
	char *dir = malloc(n);
	if (dir)
		snprintf(dir, n, "%s/templates", data_dir);
	return dir;
}

int cli_templates_entry(const char *dir, const char *name, char *id, size_t idcap, char *path, size_t pathcap)
{
	struct stat st;
	if (name[0] == '.' || !strcmp(name, "partials"))
		return CLI_TEMPLATE_NONE;
	if (snprintf(path, pathcap, "%s/%s", dir, name) >= (int)pathcap || stat(path, &st))
		return CLI_TEMPLATE_NONE;
	size_t nl = strlen(name);
	if (S_ISREG(st.st_mode) && nl > 5 && !strcasecmp(name + nl - 5, ".docx") && nl - 5 < idcap) {
		memcpy(id, name, nl - 5);
		id[nl - 5] = '\0';
	} else if (S_ISDIR(st.st_mode) && nl < idcap) {
		memcpy(id, name, nl + 1);
		char letter[PATH_MAX + 16];
		snprintf(letter, sizeof letter, "%s/letter.docx", path);
		if (access(letter, F_OK))
			return CLI_TEMPLATE_NONE; /* a folder that is no template (sources, notes) */
	} else {
		return CLI_TEMPLATE_NONE;
	}
	return sv_id_ok(id) ? CLI_TEMPLATE_OK : CLI_TEMPLATE_BAD_NAME;
}
