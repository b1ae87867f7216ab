/* cmd_fill.c -- klarbrev fill: template + case -> checked letter, written only when no finding is an error. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *fill_help =
	"Brug: klarbrev fill SKABELON SAG.json -o BREV.docx [--pdf BREV.pdf] [--txt BREV.txt] [--draft UDKAST.docx]\n"
	"                     [--force] [--format text|json] [--data-dir MAPPE]\n"
	"\n"
	"Udfylder skabelonen med sagens felter, tjekker brevet (stavning, læsbarhed og de regler, der ligger i\n"
	"plugins/) og gemmer det som BREV.docx. Har tjekket fundet fejl, gemmes brevet ikke: klarbrev afslutter\n"
	"med kode 1, og BREV.docx bliver ikke rørt. Advarsler forhindrer ikke, at brevet gemmes.\n"
	"\n"
	"  SKABELON              en skabelonmappe (letter.docx + manifest.json) eller en .docx-fil\n"
	"  SAG.json              sagens felter som JSON, fx {\"modtager\": {\"navn\": \"Jens Hansen\"}}\n"
	"  -o, --output BREV     hvor brevet skal gemmes (.docx)\n"
	"  --pdf BREV.pdf        gem også brevet som PDF/A-2b (til Digital Post); kræver LibreOffice (se klarbrev\n"
	"                        export --help)\n"
	"  --txt BREV.txt        gem også brevet som ren tekst (UTF-8, et tomt linjeskift mellem afsnittene, en\n"
	"                        tabelrække på én linje med \" · \" mellem cellerne)\n"
	"  --draft UDKAST.docx   gem et udkast med hvert fund som en Word-kommentar på de ord, det gælder; udkastet\n"
	"                        gemmes også, når fejl forhindrer brevet i at blive gemt\n"
	"                        (-o, --pdf, --txt og --draft kan bruges hver for sig eller sammen)\n"
	"  --force               gem brevet, selv om tjekket har fundet fejl\n"
	"  --format text|json    rapportens form (json er til programmer, fx Word-makroen)\n"
	"  --delimiters \"{ }\"    andre tag-afgrænsere end {{ }} (fx skabeloner fra docxtemplater)\n"
	"  --encoding TEGNSÆT    sagens tegnsæt, når den ikke er UTF-8: windows-1252 eller iso-8859-1\n"
	"  --no-spell            spring stavekontrollen over\n"
	"  --data-dir MAPPE      klarbrevs data (plugins, ordlister, delskabeloner); ellers KLARBREV_DATA eller ved\n"
	"                        programmet\n"
	"  --partials MAPPE      søg først her efter delskabeloner ({{> navn}}); se docs/templates.md\n"
	"  --config FIL          kommunens opsætning (plugins, ordlister, niveauer); ellers KLARBREV_CONFIG\n"
	"                        (se docs/plugins.md)\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev fill templates/afslag-kontanthjaelp templates/afslag-kontanthjaelp/example.json -o brev.docx\n"
	"  klarbrev fill templates/afslag-kontanthjaelp sag-fra-fagsystem.json -o brev.docx --encoding windows-1252\n"
	"  klarbrev fill templates/afslag-kontanthjaelp sag.json -o brev.docx --pdf brev.pdf --draft udkast.docx\n"
	"\n"
	"En sag kan have en liste \"ignore\" med ord, som stavekontrollen ikke skal melde i netop dette brev,\n"
	"fx \"ignore\": [\"Tjørnehøj\", \"Xyqwerte\"].\n"
	"\n"
	"Afslutningskoder: 0 brevet er gemt, 1 fejl i brevet (intet gemt), 2 forkert brug eller ugyldige input,\n"
	"3 intern fejl: klarbrev lavede et ugyldigt dokument (intet gemt; send skabelonen og sagen til den, der\n"
	"driver klarbrev).\n";

int cmd_fill(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "fill",
	                    "o format force data-dir delimiters no-spell no-plugins encoding config draft pdf txt partials ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(fill_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional != 2)
		return cli_usage_error("fill", "angiv en skabelon og en sag: klarbrev fill SKABELON SAG.json -o BREV.docx");
	if (!o.output && !o.pdf && !o.txt && !o.draft)
		return cli_usage_error("fill",
		                       "angiv, hvor brevet skal gemmes: -o BREV.docx (eller --pdf, --txt, --draft)");
	if ((ret = cli_export_names(&o, "fill", NULL)))
		return ret;

	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	kb_case *c = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	char *data_dir = NULL;
	char **partials = NULL;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	if (!(data_dir = cli_data_dir(&o)))
		goto done;
	if ((ret = cli_template_open(&t, &partials, &o, "fill", o.positional[0], data_dir)))
		goto done;
	ret = KB_EXIT_BAD;
	int rc = kb_case_load_file_encoded(&c, ctx, o.positional[1], o.encoding);
	if (!rc)
		rc = kb_template_render(&l, ctx, t, c);
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	/* the draft shows the findings, so it is written whatever they are */
	if ((ret = cli_check_findings(&o, data_dir, l, &fs)) || (ret = cli_write_draft(&o, l, fs)))
		goto done;
	size_t errors = kb_findings_count_level(fs, KB_LEVEL_ERROR);
	if (errors && !o.force) {
		fprintf(stderr,
		        "klarbrev: brevet er ikke gemt, fordi tjekket fandt %zu fejl; ret %s, eller brug --force\n", errors,
		        errors == 1 ? "den" : "dem");
		ret = KB_EXIT_BLOCKED;
		goto done;
	}
	if ((ret = cli_write_exports(&o, l)))
		goto done;
	if (o.output && (rc = kb_letter_save(l, ctx, o.output))) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	if (o.output && errors)
		fprintf(stderr,
		        "klarbrev: brevet er gemt i %s med --force, selv om tjekket fandt %zu fejl; ret %s, før brevet "
		        "sendes\n",
		        o.output, errors, errors == 1 ? "den" : "dem");
	else if (errors)
		fprintf(stderr, "klarbrev: gemt med --force, selv om tjekket fandt %zu fejl; ret %s, før brevet sendes\n",
		        errors, errors == 1 ? "den" : "dem");
	else if (o.output)
		fprintf(stderr, "klarbrev: brevet er gemt i %s\n", o.output);
	ret = KB_EXIT_OK;
done:
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_case_free(c);
	kb_template_free(t);
	kb_ctx_free(ctx);
	free(data_dir);
	cli_strv_free(partials);
	return ret;
}
