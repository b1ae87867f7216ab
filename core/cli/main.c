/* main.c -- the klarbrev program: dispatches to the subcommands and holds their shared helpers. */
#include "cli.h"
#include "internal.h"
#include "package.h"

#include <limits.h>
#include <stdarg.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KB_DATA_SUBDIR
#define KB_DATA_SUBDIR "share/klarbrev"
#endif

static const char *usage_text =
	"klarbrev " KB_VERSION " -- skriver og tjekker afgørelsesbreve\n"
	"\n"
	"Brug:\n"
	"  klarbrev fill SKABELON SAG.json -o BREV.docx   udfyld en skabelon, tjek brevet, gem det (også --pdf, --txt,\n"
	"                                                 --draft UDKAST.docx med fundene som kommentarer)\n"
	"  klarbrev batch SKABELON SAGER.csv -o MAPPE     udfyld og tjek et brev for hver sag i en CSV- eller JSON\n"
	"                                                 Lines-fil (--report RAPPORT.jsonl, --pdf, --resume)\n"
	"  klarbrev serve [--listen 127.0.0.1:8080]       kør klarbrev som en tjeneste (HTTP), som Word-makroen,\n"
	"                                                 websiden og fagsystemerne bruger (se docs/api.md)\n"
	"  klarbrev check BREV.docx|BREV.txt              tjek et eksisterende brev (--annotate KOPI.docx: fundene\n"
	"                                                 som Word-kommentarer i en kopi)\n"
	"  klarbrev export BREV.docx BREV.pdf|BREV.txt    tjek brevet og gem det som PDF/A eller ren tekst\n"
	"  klarbrev text BREV.docx                        vis brevets tekst, et afsnit pr. linje\n"
	"  klarbrev inspect BREV.docx|BREV.txt            vis afsnit og sætninger, som klarbrev ser dem\n"
	"  klarbrev render SKABELON.txt SAG.json          udfyld en tekstskabelon (Mustache), skriv teksten\n"
	"  klarbrev template lint SKABELON                find alle fejl i en skabelon\n"
	"  klarbrev template fields SKABELON              skriv et udkast til en sag med skabelonens felter\n"
	"  klarbrev template list                         vis de installerede skabeloner (navn, titel, udfald)\n"
	"  klarbrev spell [ORD...]                        vis ukendte ord med forslag (ellers tekst fra standard-input)\n"
	"  klarbrev plugin list                           vis alle plugins med fil, niveau og indstillinger\n"
	"  klarbrev plugin test [FIL...]                  kør pluginnernes eksempler og testfiler\n"
	"\n"
	"  klarbrev KOMMANDO --help                       hjælp til en kommando\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev fill templates/afslag-kontanthjaelp templates/afslag-kontanthjaelp/example.json -o brev.docx\n"
	"\n"
	"Afslutningskoder: 0 ingen fejl, 1 fejl i brevet (intet gemt), 2 forkert brug eller ugyldige input,\n"
	"3 intern fejl i klarbrev (intet gemt; meld fejlen).\n"
	"Data (plugins, ordlister, skabeloner) findes ved siden af programmet; --data-dir eller KLARBREV_DATA\n"
	"peger et andet sted hen.\n";

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "klarbrev%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSe: klarbrev %s%s--help\n", cmd ? cmd : "", cmd ? " " : "");
	return KB_EXIT_BAD;
}

static int opt_allowed(const char *allowed, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = allowed; (p = strstr(p, name)) != NULL; p += n)
		if ((p == allowed || p[-1] == ' ') && p[n] == ' ')
			return 1;
	return 0;
}

/* Options that take no value: the rest take one. */
static int opt_takes_value(const char *name)
{
	static const char *const with_value[] = { "o",   "format", "data-dir", "delimiters", "partials", "encoding",
		                                  "config", "annotate", "draft", "pdf", "txt", "template", "case", "kind",
		                                  "name", "report", "jobs", "input-format", "listen", "tokens", "threads",
		                                  "queue", "max-body", "timeout", "max-connections", "tls-cert", "tls-key",
		                                  "log", "templates", "web", NULL };
	for (size_t i = 0; with_value[i]; i++)
		if (!strcmp(name, with_value[i]))
			return 1;
	return 0;
}

/* The message for an option the command does not take (a as typed, name without dashes and value): the nearest
 * option the command does take ("--delimiter": mente du »--delimiters«?), else the list of them. */
static int unknown_option(const char *cmd, const char *a, const char *name, const char *allowed)
{
	char buf[512];
	const char *opts[40];
	size_t n = 0, used = 0;
	snprintf(buf, sizeof buf, "%s", allowed);
	for (char *tok = buf; *tok && n + 2 < sizeof opts / sizeof opts[0];) {
		char *sp = strchr(tok, ' ');
		if (sp)
			*sp = '\0';
		if (*tok)
			opts[n++] = tok;
		if (!strcmp(tok, "o") && n + 2 < sizeof opts / sizeof opts[0])
			opts[n++] = "output";
		if (!sp)
			break;
		tok = sp + 1;
	}
	opts[n++] = "help";
	opts[n] = NULL;
	const char *near = kb_nearest_name(name, opts);
	if (near)
		return cli_usage_error(cmd, "ukendt tilvalg %s; mente du »%s%s«?", a, strlen(near) == 1 ? "-" : "--",
		                       near);
	char list[1024];
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(list + used, sizeof list - used, "%s%s%s", i ? ", " : "",
		                 strlen(opts[i]) == 1 ? "-" : "--", opts[i]);
		if (w < 0 || (size_t)w >= sizeof list - used)
			break;
		used += (size_t)w;
	}
	return cli_usage_error(cmd, "ukendt tilvalg %s; klarbrev%s%s kender %s", a, cmd ? " " : "", cmd ? cmd : "",
	                       list);
}

int cli_parse(cli_opts *o, int argc, char **argv, int first, const char *cmd, const char *allowed)
{
	return cli_parse_flags(o, argc, argv, first, cmd, allowed, "");
}

int cli_parse_flags(cli_opts *o, int argc, char **argv, int first, const char *cmd, const char *allowed,
                    const char *flags)
{
	memset(o, 0, sizeof *o);
	int only_positional = 0;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (only_positional || a[0] != '-' || !strcmp(a, "-")) {
			if (o->npositional >= (int)(sizeof o->positional / sizeof o->positional[0]))
				return cli_usage_error(cmd, "for mange argumenter");
			o->positional[o->npositional++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_positional = 1;
			continue;
		}
		/* --name=value or --name value */
		char name[64];
		const char *value = NULL;
		const char *p = a[1] == '-' ? a + 2 : a + 1;
		const char *eq = strchr(p, '=');
		size_t nl = eq ? (size_t)(eq - p) : strlen(p);
		if (nl == 0 || nl >= sizeof name)
			return cli_usage_error(cmd, "ukendt tilvalg %s", a);
		memcpy(name, p, nl);
		name[nl] = '\0';
		if (eq)
			value = eq + 1;
		if (!strcmp(name, "h") || !strcmp(name, "help")) {
			o->help = 1;
			continue;
		}
		if (!strcmp(name, "output"))
			memcpy(name, "o", 2);
		if (!strcmp(name, "l"))
			memcpy(name, "list", 5);
		if (!opt_allowed(allowed, name))
			return unknown_option(cmd, a, name, allowed);
		int takes_value = opt_takes_value(name) && !opt_allowed(flags, name);
		if (takes_value && !value) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "tilvalget %s mangler en værdi", a);
			value = argv[++i];
		} else if (!takes_value && value) {
			return cli_usage_error(cmd, "tilvalget --%s tager ingen værdi", name);
		}
		if (!value)
			value = ""; /* a flag of this command that takes a value elsewhere */
		if (!strcmp(name, "o"))
			o->output = value;
		else if (!strcmp(name, "name"))
			o->name = value;
		else if (!strcmp(name, "report"))
			o->report = value;
		else if (!strcmp(name, "jobs"))
			o->jobs = value;
		else if (!strcmp(name, "input-format"))
			o->input_format = value;
		else if (!strcmp(name, "listen"))
			o->listen = value;
		else if (!strcmp(name, "tokens"))
			o->tokens = value;
		else if (!strcmp(name, "threads"))
			o->threads = value;
		else if (!strcmp(name, "queue"))
			o->queue = value;
		else if (!strcmp(name, "max-body"))
			o->max_body = value;
		else if (!strcmp(name, "timeout"))
			o->timeout = value;
		else if (!strcmp(name, "max-connections"))
			o->max_connections = value;
		else if (!strcmp(name, "tls-cert"))
			o->tls_cert = value;
		else if (!strcmp(name, "tls-key"))
			o->tls_key = value;
		else if (!strcmp(name, "log"))
			o->log = value;
		else if (!strcmp(name, "templates"))
			o->templates = value;
		else if (!strcmp(name, "web"))
			o->web = value;
		else if (!strcmp(name, "resume"))
			o->resume = 1;
		else if (!strcmp(name, "quiet"))
			o->quiet = 1;
		else if (!strcmp(name, "data-dir"))
			o->data_dir = value;
		else if (!strcmp(name, "delimiters"))
			o->delimiters = value;
		else if (!strcmp(name, "partials"))
			o->partials = value;
		else if (!strcmp(name, "encoding"))
			o->encoding = value;
		else if (!strcmp(name, "config"))
			o->config = value;
		else if (!strcmp(name, "annotate"))
			o->annotate = value;
		else if (!strcmp(name, "draft"))
			o->draft = value;
		else if (!strcmp(name, "pdf"))
			o->pdf = value;
		else if (!strcmp(name, "txt"))
			o->txt = value;
		else if (!strcmp(name, "template"))
			o->template_path = value;
		else if (!strcmp(name, "case"))
			o->case_path = value;
		else if (!strcmp(name, "kind"))
			o->kind = value;
		else if (!strcmp(name, "format")) {
			if (!strcmp(value, "text"))
				o->format = KB_FMT_TEXT;
			else if (!strcmp(value, "json"))
				o->format = KB_FMT_JSON;
			else
				return cli_usage_error(cmd, "--format skal være text eller json, ikke \"%s\"", value);
		} else if (!strcmp(name, "force"))
			o->force = 1;
		else if (!strcmp(name, "all"))
			o->all = 1;
		else if (!strcmp(name, "no-spell"))
			o->no_spell = 1;
		else if (!strcmp(name, "no-plugins"))
			o->no_plugins = 1;
		else if (!strcmp(name, "no-escape"))
			o->no_escape = 1;
		else if (!strcmp(name, "no-check"))
			o->no_check = 1;
		else if (!strcmp(name, "list"))
			o->list = 1;
		else if (!strcmp(name, "no-cache"))
			o->no_cache = 1;
	}
	return 0;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join2(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s", a, b);
	return s;
}

char *cli_data_dir(const cli_opts *o)
{
	return cli_find_data_dir(o, 1, NULL);
}

char *cli_find_data_dir(const cli_opts *o, int required, int *failed)
{
	int ignored;
	if (!failed)
		failed = &ignored;
	*failed = 0;
	const char *given = o->data_dir ? o->data_dir : getenv("KLARBREV_DATA");
	if (given && *given) {
		if (!is_dir(given)) {
			fprintf(stderr, "klarbrev: datamappen %s findes ikke (fra %s)\n", given,
			        o->data_dir ? "--data-dir" : "KLARBREV_DATA");
			*failed = 1;
			return NULL;
		}
		char *d = kb_strdup(given);
		if (!d) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			*failed = 1;
		}
		return d;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			char *rel = join2(exe, "../" KB_DATA_SUBDIR);
			char real[PATH_MAX];
			if (rel && realpath(rel, real) && is_dir(real)) {
				free(rel);
				char *d = kb_strdup(real);
				if (!d) {
					fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
					*failed = 1;
				}
				return d;
			}
			free(rel);
		}
	}
	if (required) {
		*failed = 1;
		fprintf(stderr, "klarbrev: kan ikke finde klarbrevs datamappe (plugins, ordlister, skabeloner) ved siden af "
		                "programmet; angiv den med --data-dir MAPPE eller KLARBREV_DATA=MAPPE\n");
	}
	return NULL;
}

int cli_delimiters(char *open, char *close, const char *spec, const char *cmd)
{
	if (!spec)
		return 0;
	const char *sp = strchr(spec, ' ');
	size_t ol = sp ? (size_t)(sp - spec) : 0;
	const char *cl = sp ? sp + 1 : "";
	while (*cl == ' ')
		cl++;
	size_t cll = strlen(cl);
	if (!sp || ol == 0 || ol >= KB_CLI_DELIM || cll == 0 || cll >= KB_CLI_DELIM || strchr(cl, ' '))
		return cli_usage_error(cmd, "--delimiters skal være to afgrænsere med mellemrum imellem, fx \"{ }\"");
	memcpy(open, spec, ol);
	open[ol] = '\0';
	memcpy(close, cl, cll + 1);
	return 0;
}

int cli_template_open(kb_template **out, char ***partials, const cli_opts *o, const char *cmd, const char *path,
                      const char *data_dir)
{
	*out = NULL;
	*partials = NULL;
	char open[KB_CLI_DELIM] = "", close[KB_CLI_DELIM] = "";
	kb_template_options topts = { 0 };
	if (cli_delimiters(open, close, o->delimiters, cmd))
		return KB_EXIT_BAD;
	if (o->delimiters) {
		topts.open_delim = open;
		topts.close_delim = close;
	}
	if (!(*partials = cli_partials_dirs(o, path, data_dir)))
		return KB_EXIT_BAD;
	topts.partials_dirs = (const char *const *)*partials;
	topts.partials_hint = cli_partials_hint;
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return KB_EXIT_BAD;
	}
	int rc = kb_template_open(out, ctx, path, &topts);
	int ret = rc ? cli_fail(ctx, rc) : 0;
	kb_ctx_free(ctx);
	return ret;
}

const char *const cli_partials_hint =
	"Peg på en anden mappe med --partials MAPPE, eller på klarbrevs datamappe med --data-dir MAPPE eller "
	"KLARBREV_DATA=MAPPE (se docs/templates.md).";

/* The folder that holds path: its parent for a folder, its own folder for a file; "." for a bare name. */
static char *holder_of(const char *path)
{
	char buf[PATH_MAX];
	const char *p = realpath(path, buf) ? buf : path;
	const char *slash = strrchr(p, '/');
	if (!slash)
		return join2(".", ".");
	size_t n = slash == p ? 1 : (size_t)(slash - p);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

char **cli_partials_dirs(const cli_opts *o, const char *template_path, const char *data_dir)
{
	if (o->partials && !is_dir(o->partials)) {
		fprintf(stderr, "klarbrev: mappen %s findes ikke (fra --partials); angiv mappen med delskabeloner\n",
		        o->partials);
		return NULL;
	}
	char **dirs = calloc(4, sizeof *dirs);
	size_t n = 0;
	if (!dirs) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return NULL;
	}
	if (o->partials && !(dirs[n++] = kb_strdup(o->partials)))
		goto oom;
	char *holder = template_path ? holder_of(template_path) : NULL;
	if (template_path && !holder)
		goto oom;
	if (holder) {
		dirs[n] = join2(holder, "partials");
		free(holder);
		if (!dirs[n++])
			goto oom;
	}
	if (data_dir) {
		dirs[n] = join2(data_dir, "templates/partials");
		if (!dirs[n++])
			goto oom;
	}
	/* the same folder twice (a template inside the data folder, --partials naming the folder beside it) is searched
	 * and named once */
	for (size_t j = 1; j < n; j++) {
		char a[PATH_MAX], b[PATH_MAX];
		int same = 0;
		for (size_t i = 0; i < j && !same; i++)
			same = !strcmp(dirs[i], dirs[j]) ||
			       (realpath(dirs[i], a) && realpath(dirs[j], b) && !strcmp(a, b));
		if (!same)
			continue;
		free(dirs[j]);
		memmove(dirs + j, dirs + j + 1, (n - j) * sizeof *dirs);
		n--;
		j--;
	}
	return dirs;
oom:
	fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
	cli_strv_free(dirs);
	return NULL;
}

void cli_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int cli_fail(const kb_ctx *ctx, int rc)
{
	const char *m = kb_ctx_errmsg(ctx);
	fprintf(stderr, "klarbrev: %s\n", m && *m ? m : "ukendt fejl");
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		fprintf(stderr, "  - %s\n", kb_ctx_detail(ctx, i));
	return rc == KB_EINTERNAL ? KB_EXIT_INTERNAL : KB_EXIT_BAD;
}

void cli_checker_options(kb_checker_options *out, const cli_opts *o, const char *data_dir)
{
	memset(out, 0, sizeof *out);
	out->data_dir = data_dir;
	out->no_spell = o->no_spell;
	out->no_plugins = o->no_plugins;
	out->no_spell_cache = o->no_cache;
	out->config_path = cli_config_path(o);
	out->not_decision = o->kind && !strcmp(o->kind, "tekst");
}

#if defined(__SANITIZE_ADDRESS__)
#define CLI_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLI_FREE_AT_EXIT 1
#endif
#endif

void cli_checker_done(kb_checker *ck)
{
#ifdef CLI_FREE_AT_EXIT
	kb_checker_free(ck);
#else
	static kb_checker *kept; /* one per command; the process ends after it */
	kb_checker_free(kept);
	kept = ck;
#endif
}

const char *cli_config_path(const cli_opts *o)
{
	const char *env = getenv("KLARBREV_CONFIG");
	return o->config ? o->config : env && *env ? env : NULL;
}

int cli_check_findings(const cli_opts *o, const char *data_dir, const kb_letter *l, kb_findings **out)
{
	*out = NULL;
	kb_ctx *ctx = NULL;
	kb_checker *ck = NULL;
	kb_findings *fs = NULL;
	kb_metrics m = { 0 };
	int ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx) || kb_findings_new(&fs)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	kb_checker_options co;
	cli_checker_options(&co, o, data_dir);
	int rc = kb_checker_new(&ck, ctx, &co);
	if (!rc)
		rc = kb_checker_run(ck, ctx, l, fs, &m);
	if (rc) {
		cli_fail(ctx, rc);
		goto done;
	}
	char *report = o->format == KB_FMT_JSON ? kb_report_json(fs, kb_letter_text(l), &m)
	                                        : kb_report_text(fs, kb_letter_text(l), &m);
	if (!report) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	fputs(report, stdout);
	if (o->format == KB_FMT_JSON)
		fputc('\n', stdout);
	free(report);
	*out = fs;
	fs = NULL;
	ret = 0;
done:
	kb_findings_free(fs);
	cli_checker_done(ck);
	kb_ctx_free(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return KB_EXIT_BAD;
	}
	/* Test hook (tests/cli/test_corrupt_output.sh): damage this part in every DOCX written, to show that the check
	 * before saving refuses it (exit 3, nothing written). It cannot make klarbrev save a damaged document. */
	const char *damage = getenv("KLARBREV_TEST_CORRUPT_PART");
	if (damage && *damage)
		kb_package_test_damage(damage);
	const char *cmd = argv[1];
	/* Each letter allocates and frees buffers of a few hundred kilobytes (parts, zip, XML). Above glibc's default
	 * mmap threshold each one was mapped and unmapped again, page faults and all; kept in the heap, they are reused
	 * from letter to letter (a batch of thousands). The heap is given back to the system past 64 MiB free. */
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	/* Without TZ, glibc stats /etc/localtime on every localtime() (libzip dates each zip entry it writes); naming
	 * the same file once makes it read the zone once. */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return KB_EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("klarbrev %s\n", KB_VERSION);
		return KB_EXIT_OK;
	}
	if (!strcmp(cmd, "fill"))
		return cmd_fill(argc, argv);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc, argv);
	if (!strcmp(cmd, "export"))
		return cmd_export(argc, argv);
	if (!strcmp(cmd, "text"))
		return cmd_text(argc, argv);
	if (!strcmp(cmd, "inspect"))
		return cmd_inspect(argc, argv);
	if (!strcmp(cmd, "render"))
		return cmd_render(argc, argv);
	if (!strcmp(cmd, "template"))
		return cmd_template(argc, argv);
	if (!strcmp(cmd, "plugin"))
		return cmd_plugin(argc, argv);
	if (!strcmp(cmd, "spell"))
		return cmd_spell(argc, argv);
	if (!strcmp(cmd, "batch"))
		return cmd_batch(argc, argv);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc, argv);
	static const char *const commands[] = { "fill",   "check",    "export", "text",  "inspect", "render",
		                                 "template", "spell", "plugin", "batch", "serve", "help", NULL };
	static const char *const dashed[] = { "help", "version", NULL };
	int dash = cmd[0] == '-';
	const char *near = kb_nearest_name(cmd + strspn(cmd, "-"), dash ? dashed : commands);
	if (near) {
		fprintf(stderr, "klarbrev: ukendt kommando \"%s\"; mente du »%s%s«?\nSe: klarbrev --help\n", cmd,
		        dash ? "--" : "", near);
		return KB_EXIT_BAD;
	}
	fprintf(stderr, "klarbrev: ukendt kommando \"%s\"\n\n", cmd);
	fputs(usage_text, stderr);
	return KB_EXIT_BAD;
}
