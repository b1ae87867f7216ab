/* cmd_check.c -- klarbrev check: checks an existing letter (.docx or .txt). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *check_help =
	"Brug: klarbrev check BREV.docx|BREV.txt [--format text|json] [--annotate KOPI.docx] [--encoding TEGNSÆT]\n"
	"                      [--template SKABELON [--case SAG.json]] [--kind afgørelse|tekst] [--no-spell]\n"
	"                      [--no-plugins] [--data-dir MAPPE] [--config FIL]\n"
	"\n"
	"Tjekker et brev, som en person har skrevet, eller som klarbrev har udfyldt tidligere: stavning,\n"
	"læsbarhed (LIX, lange sætninger) og reglerne i plugins/, også forvaltningslovens krav til en afgørelse.\n"
	"En .txt-fil er UTF-8 med et afsnit pr. linje; tomme linjer springes over, og en linje, der begynder med\n"
	"»# «, er en overskrift (»## « en underoverskrift). Brevet kan begynde med en forside mellem to linjer\n"
	"»---« med udfald, sag og skabelon:\n"
	"    ---\n"
	"    udfald: afslag\n"
	"    sag: sag.json\n"
	"    skabelon: templates/afslag-kontanthjaelp\n"
	"    ---\n"
	"(stierne regnes fra brevets mappe; se docs/plugins.md).\n"
	"\n"
	"  --format text|json    rapportens form (json er til programmer, fx Word-makroen; se docs/report.md)\n"
	"  --annotate KOPI.docx  gem en kopi af brevet med hvert fund som en Word-kommentar på de ord, det gælder\n"
	"                        (kun for .docx; kopien gemmes også, når brevet har fejl)\n"
	"  --encoding TEGNSÆT    tegnsættet i en .txt-fil, der ikke er UTF-8: windows-1252 eller iso-8859-1\n"
	"  --template SKABELON   tjek brevet, som fill ville tjekke det fra skabelonen: reglerne får skabelonens\n"
	"                        manifest (klagefrist, klageinstans, lovgrundlag) og dens udfald\n"
	"  --case SAG.json       sagens felter, som fill ville bruge dem; udfaldet findes i sagen, som fill finder\n"
	"                        det (bruges med --template)\n"
	"  --kind tekst          teksten er ikke en afgørelse (et udkast til et afsnit, en mail, et brev uden\n"
	"                        afgørelse): kun stavning, sprog og læsbarhed tjekkes, ikke forvaltningslovens krav\n"
	"                        til en afgørelse. --kind afgørelse (standard) tjekker det hele.\n"
	"  --no-spell            spring stavekontrollen over\n"
	"  --no-plugins          spring alle plugins over, også sprogreglerne (kun stavning og LIX); vil du kun\n"
	"                        have sproget tjekket, så brug --kind tekst\n"
	"  --data-dir MAPPE      klarbrevs data (plugins, ordlister); ellers KLARBREV_DATA eller ved programmet\n"
	"  --config FIL          kommunens opsætning (plugins, ordlister, niveauer); ellers KLARBREV_CONFIG\n"
	"                        (se docs/plugins.md)\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev check brev.docx --format json\n"
	"  klarbrev check brev.docx --annotate brev-med-kommentarer.docx\n"
	"  klarbrev check gammelt-brev.txt --encoding windows-1252\n"
	"  klarbrev check afsnit.txt --kind tekst\n"
	"  klarbrev check brev.docx --template templates/afslag-kontanthjaelp --case sag.json\n"
	"\n"
	"Afslutningskoder: 0 ingen fejl (advarsler er tilladt), 1 brevet har fejl, 2 forkert brug eller ugyldige input,\n"
	"3 intern fejl: klarbrev lavede en ugyldig kopi til --annotate (intet gemt; send brevet til den, der driver\n"
	"klarbrev).\n";

int cmd_check(int argc, char **argv)
{
	cli_opts o;
	int ret =
	    cli_parse(&o, argc, argv, 2, "check",
	              "format data-dir no-spell no-plugins encoding config annotate template case kind ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(check_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional != 1)
		return cli_usage_error("check", "angiv ét brev: klarbrev check BREV.docx");
	if (o.kind && strcmp(o.kind, "tekst") && strcmp(o.kind, "afgørelse") && strcmp(o.kind, "afgoerelse"))
		return cli_usage_error("check", "--kind skal være afgørelse eller tekst, ikke \"%s\"", o.kind);
	if (o.case_path && !o.template_path)
		return cli_usage_error("check",
		                       "--case kræver --template: udfaldet og felternes typer står i skabelonens manifest");
	if ((ret = cli_export_names(&o, "check", o.positional[0])))
		return ret;
	kb_ctx *ctx = NULL;
	kb_findings *fs = NULL;
	kb_letter *l = NULL;
	char *data_dir = NULL;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	if (!(data_dir = cli_data_dir(&o)))
		goto done;
	int rc = kb_letter_open_encoded(&l, ctx, o.positional[0], o.encoding);
	if (!rc && o.template_path)
		rc = kb_letter_set_case(l, ctx, o.template_path, o.case_path);
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	if ((ret = cli_check_findings(&o, data_dir, l, &fs)) || (ret = cli_write_draft(&o, l, fs)))
		goto done;
	ret = kb_findings_count_level(fs, KB_LEVEL_ERROR) ? KB_EXIT_BLOCKED : KB_EXIT_OK;
done:
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_ctx_free(ctx);
	free(data_dir);
	return ret;
}
