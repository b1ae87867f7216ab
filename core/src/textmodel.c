/*
 * textmodel.c -- the text model (paragraphs -> sentences -> words, with offsets and provenance) and the Danish
 * tokenizer behind it. The rules are convention K of shared/reference/lix-cases.md (section D); textmodel.h sums
 * them up. LIX, the spell checker and every plugin count from the arrays built here, so they all agree.
 */
#include "textmodel.h"
#include "utf8.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A letter with more paragraphs than this is not a letter; it bounds the paragraph array the way
 * KB_MAX_TEXT_BYTES bounds the text (an empty paragraph costs no text but still costs a struct). */
#define TM_MAX_PARAGRAPHS (1u << 20)
#define TM_NONE ((size_t)-1)

/* What an abbreviation does to a sentence when its final period is followed by more text. */
enum {
	TM_AB_NONE = 0,
	TM_AB_FINAL = 1, /* may end a sentence ("kr.", "osv."): ends one when a capital follows */
	TM_AB_NEVER = 2  /* precedes something ("jf.", "stk."): never ends one inside a paragraph line */
};

/* Danish abbreviations, lower case, sorted by bytes (strcmp order) for binary search. Built from
 * shared/reference/abbreviations.txt: all of section 1, and those of section 2 that are not also ordinary words
 * ("med.", "man.", "tv.", "jul." are left out: "Vi kommer med." must keep its period out of the word). Single
 * letters ("d. 3. marts", "s. 12") are here in lower case; upper case ones are initials (tm_is_initials()).
 * never = 1: the abbreviation precedes something (convention K's list plus titles, references, place prefixes). */
static const struct tm_abbrev {
	const char *key;
	unsigned char never;
} tm_abbrevs[] = {
	{ "a.", 0 }, { "a.d.", 0 }, { "a.i.", 0 }, { "a.m.b.a.", 0 }, { "a/s", 0 }, { "aa.", 0 }, { "aarh.", 0 },
	{ "ac.", 0 }, { "adj.", 0 }, { "adm.", 0 }, { "adm.pol.", 0 }, { "adr.", 1 }, { "adsk.", 0 }, { "adv.", 0 },
	{ "afb.", 0 }, { "afd.", 1 }, { "afg.", 0 }, { "afk.", 0 }, { "afs.", 0 }, { "agro.", 0 }, { "aht.", 0 },
	{ "akad.", 0 }, { "alg.", 0 }, { "alk.", 0 }, { "alm.", 0 }, { "amer.", 0 }, { "amr.", 0 }, { "ang.", 1 },
	{ "ank.", 0 }, { "anl.", 0 }, { "anv.", 0 }, { "apr.", 0 }, { "arb.", 0 }, { "arch.", 0 }, { "arp.", 0 },
	{ "arr.", 0 }, { "ass.", 0 }, { "att.", 1 }, { "aud.", 0 }, { "aug.", 0 }, { "aut.", 0 }, { "b.", 0 },
	{ "b.c.", 0 }, { "b.t.", 0 }, { "bd.", 0 }, { "bdt.", 0 }, { "beg.", 0 }, { "begr.", 0 }, { "beh.", 0 },
	{ "bek.", 1 }, { "bet.", 0 }, { "bev.", 0 }, { "bhk.", 0 }, { "bib.", 0 }, { "bibl.", 0 }, { "bidr.", 0 },
	{ "bildl.", 0 }, { "bill.", 0 }, { "bill.mrk.", 0 }, { "biol.", 0 }, { "bk.", 0 }, { "bkg.", 0 },
	{ "bl.", 1 }, { "bl.a.", 1 }, { "borgm.", 0 }, { "boul.", 0 }, { "br.", 0 }, { "brolægn.", 0 },
	{ "brom.", 0 }, { "bto.", 0 }, { "bygn.", 0 }, { "c.", 0 }, { "c.c.", 0 }, { "c/o", 0 }, { "ca.", 1 },
	{ "cand.", 0 }, { "cand.act.", 0 }, { "cand.adm.pol.", 0 }, { "cand.agro.", 0 }, { "cand.arch.", 0 },
	{ "cand.art.", 0 }, { "cand.brom.", 0 }, { "cand.comm.", 0 }, { "cand.cur.", 0 }, { "cand.geom.", 0 },
	{ "cand.hort.", 0 }, { "cand.hort.arch.", 0 }, { "cand.interpret.", 0 }, { "cand.it.", 0 },
	{ "cand.jur.", 0 }, { "cand.lact.", 0 }, { "cand.ling.merc.", 0 }, { "cand.mag.", 0 }, { "cand.manu.", 0 },
	{ "cand.med.", 0 }, { "cand.med.vet.", 0 }, { "cand.merc.", 0 }, { "cand.merc.aud.", 0 },
	{ "cand.merc.cems.", 0 }, { "cand.merc.dat.", 0 }, { "cand.merc.int.", 0 }, { "cand.merc.it.", 0 },
	{ "cand.negot.", 0 }, { "cand.odont.", 0 }, { "cand.oecon.", 0 }, { "cand.oecon.agro.", 0 },
	{ "cand.pharm.", 0 }, { "cand.phil.", 0 }, { "cand.polit.", 0 }, { "cand.polyt.", 0 }, { "cand.psych.", 0 },
	{ "cand.public.", 0 }, { "cand.pæd.", 0 }, { "cand.pæd.psych.", 0 }, { "cand.pæd.soc.", 0 },
	{ "cand.rer.soc.", 0 }, { "cand.scient.", 0 }, { "cand.scient.adm.", 0 }, { "cand.scient.anth.", 0 },
	{ "cand.scient.bibl.", 0 }, { "cand.scient.cons.", 0 }, { "cand.scient.med.", 0 },
	{ "cand.scient.oecon.", 0 }, { "cand.scient.pharm.", 0 }, { "cand.scient.pol.", 0 },
	{ "cand.scient.san.", 0 }, { "cand.scient.san.publ.", 0 }, { "cand.scient.soc.", 0 }, { "cand.silv.", 0 },
	{ "cand.stat.", 0 }, { "cand.tech.al.", 0 }, { "cand.tech.soc.", 0 }, { "cand.techn.al.", 0 },
	{ "cand.techn.soc.", 0 }, { "cand.theol.", 0 }, { "cf.", 1 }, { "chr.", 1 }, { "cic.", 0 }, { "cirk.", 0 },
	{ "cit.", 0 }, { "cm.", 0 }, { "co.", 0 }, { "ct.", 0 }, { "cur.", 0 }, { "d.", 0 }, { "d.c.", 0 },
	{ "d.d.", 0 }, { "d.e.", 0 }, { "d.m.", 0 }, { "d.s.", 0 }, { "d.s.s.", 0 }, { "d.v.s.", 1 }, { "d.y.", 0 },
	{ "d.å.", 0 }, { "d.æ.", 0 }, { "dagl.", 0 }, { "dat.", 0 }, { "dav.", 0 }, { "dec.", 0 }, { "def.", 0 },
	{ "dek.", 0 }, { "dep.", 0 }, { "desl.", 0 }, { "dgl.", 0 }, { "diam.", 0 }, { "dir.", 0 }, { "disp.", 0 },
	{ "distr.", 0 }, { "div.", 0 }, { "dkr.", 0 }, { "dl.", 0 }, { "dobb.", 0 }, { "dr.", 1 }, { "dr.h.c.", 1 },
	{ "dr.jur.", 1 }, { "dr.med.", 1 }, { "dr.med.vet.", 1 }, { "dr.odont.", 1 }, { "dr.pharm.", 1 },
	{ "dr.phil.", 1 }, { "dr.pæd.", 1 }, { "dr.scient.", 1 }, { "dr.scient.pol.", 1 }, { "dr.theol.", 1 },
	{ "dronn.", 0 }, { "ds.", 0 }, { "dvs.", 1 }, { "e.", 0 }, { "e.b.", 0 }, { "e.kr.", 0 }, { "e.l.", 0 },
	{ "e.o.", 0 }, { "e.v.t.", 0 }, { "eftf.", 0 }, { "eftm.", 0 }, { "egl.", 0 }, { "eks.", 0 },
	{ "eksam.", 0 }, { "ekskl.", 1 }, { "eksp.", 0 }, { "ekspl.", 0 }, { "el.", 0 }, { "el.lign.", 0 },
	{ "emer.", 0 }, { "endv.", 0 }, { "enk.", 0 }, { "erhvervs-ph.d.", 0 }, { "etc.", 0 }, { "etym.", 0 },
	{ "eur.", 0 }, { "evt.", 1 }, { "exam.", 0 }, { "exam.art.", 0 }, { "exam.dat.", 0 }, { "exam.pharm.", 0 },
	{ "f.", 0 }, { "f.eks.", 1 }, { "f.kr.", 0 }, { "f.m.", 0 }, { "f.n.", 0 }, { "f.o.", 0 }, { "f.o.m.", 1 },
	{ "f.s.v.", 0 }, { "f.t.", 0 }, { "f.v.t.", 0 }, { "f.å.", 0 }, { "fa.", 0 }, { "fakt.", 0 }, { "fam.", 0 },
	{ "feb.", 0 }, { "febr.", 0 }, { "ff.", 0 }, { "fg.", 0 }, { "fhv.", 1 }, { "fig.", 0 }, { "filol.", 0 },
	{ "filos.", 0 }, { "fl.", 0 }, { "flg.", 1 }, { "fm.", 0 }, { "fmd.", 0 }, { "fol.", 0 }, { "forb.", 0 },
	{ "foreg.", 0 }, { "foren.", 0 }, { "forf.", 0 }, { "forh.", 0 }, { "fork.", 0 }, { "forr.", 0 },
	{ "fors.", 0 }, { "forsk.", 0 }, { "forts.", 0 }, { "fr.", 1 }, { "fr.u.", 0 }, { "fre.", 0 }, { "frk.", 1 },
	{ "fsva.", 0 }, { "fuldm.", 0 }, { "fung.", 0 }, { "fx", 1 }, { "fx.", 1 }, { "fys.", 0 }, { "fær.", 0 },
	{ "g.", 0 }, { "g.d.", 0 }, { "g.m.", 0 }, { "gd.", 0 }, { "gdr.", 0 }, { "genuds.", 0 }, { "geom.", 0 },
	{ "gl.", 1 }, { "gll.", 0 }, { "gn.", 0 }, { "gns.", 0 }, { "gnsntl.", 0 }, { "gr.", 0 }, { "grdl.", 0 },
	{ "gross.", 0 }, { "h.", 0 }, { "h.a.", 0 }, { "h.c.", 0 }, { "h.k.h.", 1 }, { "h.m.", 1 }, { "hdl.", 0 },
	{ "henh.", 0 }, { "henv.", 0 }, { "hf.", 0 }, { "hhv.", 1 }, { "hj.hj.", 0 }, { "hj.spl.", 0 },
	{ "hort.", 0 }, { "hosp.", 0 }, { "hpl.", 0 }, { "hr.", 1 }, { "hrs.", 0 }, { "hum.", 0 }, { "hvp.", 0 },
	{ "i.e.", 1 }, { "i.v.", 0 }, { "i/s", 0 }, { "ib.", 0 }, { "ibid.", 0 }, { "id.", 0 }, { "if.", 1 },
	{ "iflg.", 1 }, { "ifm.", 1 }, { "ift.", 1 }, { "iht.", 1 }, { "ill.", 0 }, { "inc.", 0 }, { "indb.", 0 },
	{ "indreg.", 0 }, { "inf.", 0 }, { "ing.", 0 }, { "inh.", 0 }, { "inj.", 0 }, { "inkl.", 1 }, { "insp.", 0 },
	{ "instr.", 0 }, { "isl.", 0 }, { "istf.", 1 }, { "it.", 0 }, { "ital.", 0 }, { "iv.", 0 }, { "j.", 0 },
	{ "j.nr.", 1 }, { "jan.", 0 }, { "jap.", 0 }, { "jf.", 1 }, { "jfr.", 1 }, { "jnr.", 1 }, { "jr.", 0 },
	{ "jun.", 0 }, { "jur.", 0 }, { "jvf.", 1 }, { "k.", 0 }, { "kap.", 1 }, { "kbh.", 0 }, { "kem.", 0 },
	{ "kg.", 0 }, { "kgl.", 0 }, { "kgs.", 0 }, { "kl.", 1 }, { "kld.", 0 }, { "km.", 0 }, { "km/t.", 0 },
	{ "knsp.", 0 }, { "komm.", 0 }, { "kons.", 0 }, { "korr.", 0 }, { "kp.", 0 }, { "kprs.", 0 }, { "kr.", 0 },
	{ "kst.", 0 }, { "kt.", 0 }, { "ktr.", 0 }, { "kv.", 0 }, { "kvm.", 0 }, { "kvt.", 0 }, { "l.", 0 },
	{ "l.a.", 0 }, { "l.c.", 0 }, { "lab.", 0 }, { "lb.m.", 0 }, { "lb.nr.", 1 }, { "lbk.", 1 }, { "lejl.", 0 },
	{ "lgd.", 0 }, { "li.", 0 }, { "lic.", 0 }, { "lic.jur.", 0 }, { "lic.med.", 0 }, { "lic.oecon.", 0 },
	{ "lic.pharm.", 0 }, { "lic.phil.", 0 }, { "lic.scient.", 0 }, { "lic.theol.", 0 }, { "ligg.", 0 },
	{ "lign.", 0 }, { "ling.merc.", 0 }, { "litt.", 0 }, { "ll.", 0 }, { "loc.cit.", 0 }, { "lok.", 0 },
	{ "lrs.", 0 }, { "ltr.", 0 }, { "lør.", 0 }, { "m.", 0 }, { "m.a.o.", 0 }, { "m.fl.", 0 }, { "m.h.p.", 1 },
	{ "m.h.t.", 1 }, { "m.m.", 0 }, { "m.o.h.", 0 }, { "m.v.", 0 }, { "m.v.h.", 0 }, { "m/sek.", 0 },
	{ "mag.art.", 0 }, { "mag.scient.", 0 }, { "maks.", 0 }, { "mar.", 0 }, { "matr.nr.", 1 }, { "md.", 0 },
	{ "mdl.", 0 }, { "mdr.", 0 }, { "mdtl.", 0 }, { "medl.", 0 }, { "merc.", 0 }, { "mezz.", 0 }, { "mf.", 0 },
	{ "mfl.", 0 }, { "mhp.", 1 }, { "mht.", 1 }, { "mia.", 0 }, { "mik.", 0 }, { "mill.", 0 }, { "min.", 0 },
	{ "mio.", 0 }, { "ml.", 0 }, { "modt.", 0 }, { "mr.", 1 }, { "mrk.", 0 }, { "mrs.", 1 }, { "mul.", 0 },
	{ "mv.", 0 }, { "mvh", 0 }, { "mvh.", 0 }, { "n.", 0 }, { "n.b.", 1 }, { "n.br.", 0 }, { "n.f.", 0 },
	{ "nb.", 1 }, { "ndr.", 1 }, { "nedenst.", 1 }, { "nl.", 0 }, { "nn.", 0 }, { "nov.", 0 }, { "nr.", 1 },
	{ "nto.", 0 }, { "nuv.", 1 }, { "o.", 0 }, { "o.a.", 0 }, { "o.fl.", 0 }, { "o.h.", 0 }, { "o.k.", 0 },
	{ "o.l.", 0 }, { "o.lign.", 0 }, { "o.m.a.", 0 }, { "o.s.fr.", 0 }, { "o.s.v.", 0 }, { "o/m.", 0 },
	{ "obj.", 0 }, { "obl.", 0 }, { "obs.", 1 }, { "odont.", 0 }, { "oecon.", 0 }, { "off.", 0 }, { "ofl.", 0 },
	{ "okt.", 0 }, { "omg.", 0 }, { "omkr.", 1 }, { "omr.", 0 }, { "omtr.", 1 }, { "ons.", 0 }, { "opg.", 0 },
	{ "opl.", 0 }, { "opr.", 0 }, { "org.", 0 }, { "orig.", 0 }, { "osv.", 0 }, { "ovenst.", 1 },
	{ "overs.", 0 }, { "ovf.", 0 }, { "oz.", 0 }, { "p.", 0 }, { "p.a.", 0 }, { "p.b.v.", 1 }, { "p.c.", 0 },
	{ "p.hd.", 0 }, { "p.m.", 0 }, { "p.m.v.", 0 }, { "p.n.", 0 }, { "p.o.", 0 }, { "p.p.", 0 }, { "p.p.s.", 0 },
	{ "p.s.", 1 }, { "p.t.", 0 }, { "p.v.a.", 1 }, { "p.v.c.", 0 }, { "pag.", 0 }, { "pass.", 0 }, { "pcs.", 0 },
	{ "pct.", 0 }, { "pd.", 0 }, { "pens.", 0 }, { "pers.", 0 }, { "pft.", 0 }, { "pg.", 0 }, { "pga.", 1 },
	{ "pgl.", 0 }, { "ph.d.", 0 }, { "pharm.", 0 }, { "phil.", 0 }, { "pinx.", 0 }, { "pk.", 0 }, { "pkt.", 1 },
	{ "plur.", 0 }, { "polit.", 0 }, { "polyt.", 0 }, { "pos.", 0 }, { "pp.", 0 }, { "ppm.", 0 }, { "pr.", 1 },
	{ "prc.", 0 }, { "priv.", 0 }, { "prod.", 0 }, { "prof.", 1 }, { "pron.", 0 }, { "prs.", 0 }, { "præd.", 0 },
	{ "præf.", 0 }, { "præp.", 0 }, { "præt.", 0 }, { "psych.", 0 }, { "pt.", 0 }, { "pæd.", 0 }, { "q.", 0 },
	{ "q.e.d.", 0 }, { "r.", 0 }, { "rad.", 0 }, { "rcp.", 0 }, { "red.", 0 }, { "ref.", 1 }, { "reg.", 0 },
	{ "rel.", 0 }, { "rep.", 0 }, { "repr.", 0 }, { "resp.", 0 }, { "rm.", 0 }, { "rtg.", 0 }, { "russ.", 0 },
	{ "s.", 0 }, { "s.br.", 0 }, { "s.d.", 0 }, { "s.f.", 0 }, { "s.m.", 0 }, { "s.m.b.a.", 0 }, { "s.u.", 0 },
	{ "s.å.", 0 }, { "sa.", 0 }, { "sagsnr.", 1 }, { "sb.", 0 }, { "sc.", 0 }, { "scient.", 0 },
	{ "scient.pol.", 0 }, { "scil.", 0 }, { "sct.", 1 }, { "sdr.", 1 }, { "sek.", 0 }, { "sekr.", 0 },
	{ "sem.", 0 }, { "sep.", 0 }, { "sept.", 0 }, { "shj.", 0 }, { "sign.", 0 }, { "sing.", 0 }, { "sj.", 0 },
	{ "skr.", 0 }, { "skt.", 1 }, { "slutn.", 0 }, { "sml.", 1 }, { "smp.", 0 }, { "snr.", 0 }, { "soc.", 0 },
	{ "soc.dem.", 0 }, { "sp.", 0 }, { "spec.", 0 }, { "spl.", 0 }, { "spm.", 0 }, { "spr.", 0 }, { "spsk.", 0 },
	{ "st.", 1 }, { "statsaut.", 0 }, { "stk.", 1 }, { "str.", 0 }, { "stud.", 0 }, { "stud.act.", 0 },
	{ "stud.agro.", 0 }, { "stud.brom.", 0 }, { "stud.comm.", 0 }, { "stud.cur.", 0 }, { "stud.hort.", 0 },
	{ "stud.jur.", 0 }, { "stud.lact.", 0 }, { "stud.ling.merc.", 0 }, { "stud.mag.", 0 }, { "stud.med.", 0 },
	{ "stud.merc.", 0 }, { "stud.negot.", 0 }, { "stud.odont.", 0 }, { "stud.oecon.", 0 }, { "stud.pharm.", 0 },
	{ "stud.polit.", 0 }, { "stud.polyt.", 0 }, { "stud.psych.", 0 }, { "stud.pæd.", 0 }, { "stud.scient.", 0 },
	{ "stud.silv.", 0 }, { "stud.theol.", 0 }, { "subj.", 0 }, { "subst.", 0 }, { "suff.", 0 }, { "sup.", 0 },
	{ "suppl.", 0 }, { "sv.", 0 }, { "sv.t.", 0 }, { "såk.", 0 }, { "sædv.", 0 }, { "t.", 0 }, { "t.h.", 0 },
	{ "t.o.", 0 }, { "t.o.m.", 1 }, { "t.v.", 0 }, { "tbl.", 0 }, { "td.", 0 }, { "tdl.", 0 }, { "tdr.", 0 },
	{ "techn.", 0 }, { "tekn.", 0 }, { "temp.", 0 }, { "th.", 1 }, { "theol.", 0 }, { "tidl.", 1 },
	{ "tilf.", 0 }, { "tilh.", 0 }, { "till.", 0 }, { "tilsv.", 0 }, { "tirs.", 0 }, { "tjg.", 0 },
	{ "tkr.", 0 }, { "tlf.", 1 }, { "tlgr.", 0 }, { "tor.", 0 }, { "tors.", 0 }, { "tr.", 0 }, { "trp.", 0 },
	{ "tsk.", 0 }, { "tskf.", 0 }, { "u.", 0 }, { "udb.", 0 }, { "udbet.", 0 }, { "udd.", 0 }, { "udg.", 0 },
	{ "ugtl.", 0 }, { "ult.", 0 }, { "undt.", 0 }, { "v.", 0 }, { "v.f.", 0 }, { "vb.", 0 }, { "vedk.", 0 },
	{ "vedl.", 0 }, { "vedr.", 1 }, { "vejl.", 0 }, { "verb.", 0 }, { "vg.", 0 }, { "vh.", 0 }, { "vha.", 1 },
	{ "vol.", 0 }, { "vs.", 0 }, { "vsa.", 1 }, { "vv.", 0 }, { "w.", 0 }, { "x.", 0 }, { "y.", 0 }, { "z.", 0 },
	{ "zool.", 0 }, { "årg.", 0 }, { "årh.", 0 }, { "ø.lgd.", 0 }, { "øvr.", 0 }
};

#define TM_NABBREVS (sizeof tm_abbrevs / sizeof tm_abbrevs[0])

/* The kb_text behind every pointer kb_text_new() returns: the public struct first, then what only this file needs.
 * A kb_text that did not come from kb_text_new() must not be passed to kb_text_add_paragraph(). */
typedef struct tm_text {
	kb_text pub;
	size_t bytes; /* paragraph text held, against KB_MAX_TEXT_BYTES */
} tm_text;

/* A white-space separated token of a paragraph, while the paragraph is being split. */
typedef struct tm_token {
	size_t start, end;        /* bytes in the paragraph text */
	size_t word;              /* index of its word, or TM_NONE (no letter or digit: "§", "–") */
	uint32_t first_alnum;     /* its first letter or digit, 0 when none */
	uint32_t next_alnum;      /* the first letter or digit after it, 0 when a line break or the end comes first */
	unsigned char brk_before; /* a line break in the white space before it */
	unsigned char abbrev;     /* TM_AB_* of its word */
} tm_token;

/* ---- character classes of the tokenizer ---- */

/* Separates tokens: Unicode white space, the other C0 controls, DEL and the zero-width space. */
static int tm_is_sep(uint32_t cp)
{
	return cp < 0x20u || cp == 0x7Fu || cp == 0x200Bu || kb_uc_is_space(cp);
}

/* Ends a sentence wherever it is: w:br arrives as '\n'. */
static int tm_is_break(uint32_t cp)
{
	return cp == '\n' || cp == '\v' || cp == '\f' || cp == 0x85u || cp == 0x2028u || cp == 0x2029u;
}

static int tm_is_alnum(uint32_t cp)
{
	return kb_uc_is_digit(cp) || kb_uc_is_letter(cp);
}

/* Closing quotes and brackets that may stand after a sentence's final mark ("sagen.»", "(se bilag 2.)").
 * Danish uses »…« and ”…”, Swedish-style »…» also occurs, so both guillemets count. */
static int tm_is_closer(uint32_t cp)
{
	switch (cp) {
	case ')': case ']': case '}': case '"': case '\'':
	case 0x00AB: case 0x00BB: case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x2039: case 0x203A:
		return 1;
	default:
		return 0;
	}
}

static int tm_is_terminator(uint32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == 0x2026u; /* … */
}

/* The start of the code point that ends at pos; s[lo..pos) must be valid UTF-8 and pos > lo. */
static size_t tm_prev(const char *s, size_t lo, size_t pos)
{
	size_t p = pos - 1;
	while (p > lo && ((unsigned char)s[p] & 0xC0u) == 0x80u && pos - p < 4)
		p--;
	return p;
}

static uint32_t tm_cp_at(const char *s, size_t pos, size_t end)
{
	uint32_t cp;
	kb_utf8_decode(s + pos, end - pos, &cp);
	return cp;
}

/* ---- abbreviations ---- */

/* "H.", "H.C.", "J.F.": upper-case letters, each followed by a period. Initials precede a name ("H. C. Andersen",
 * "Henrik S. Nissen"); in real text that is far more common than a sentence ending in a capital ("bilag A."). */
static int tm_is_initials(const char *w, size_t len)
{
	size_t i = 0, n = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(w + i, len - i, &cp);
		if (!kb_uc_is_letter(cp) || !kb_uc_is_upper(cp) || i >= len || w[i] != '.')
			return 0;
		i++;
		n++;
	}
	return n >= 1;
}

/* TM_AB_* of w[0..len), final period included. */
static int tm_abbrev_class(const char *w, size_t len)
{
	char key[64];
	size_t i = 0, o = 0;

	if (len == 0 || len > 48)
		return TM_AB_NONE;
	if (tm_is_initials(w, len))
		return TM_AB_NEVER;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(w + i, len - i, &cp);
		if (o + 4 >= sizeof key)
			return TM_AB_NONE;
		o += kb_utf8_encode(kb_uc_tolower(cp), key + o);
	}
	key[o] = '\0';

	size_t lo = 0, hi = TM_NABBREVS;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, tm_abbrevs[mid].key);
		if (c == 0)
			return tm_abbrevs[mid].never ? TM_AB_NEVER : TM_AB_FINAL;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return TM_AB_NONE;
}

int kb_is_abbreviation(const char *w, size_t len)
{
	return w && tm_abbrev_class(w, len) != TM_AB_NONE;
}

/* ---- words ---- */

static int tm_ascii_prefix(const char *w, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return 0;
	}
	return 1;
}

/* "borger.dk", "kommune.dk/ydelser": a host name that ends in a top-level domain met in Danish letters. The
 * domain must be lower case, so a missing space ("sagen.De") is not taken for one. */
static int tm_is_domain(const char *w, size_t len)
{
	static const char *const tlds[] = { "com", "de", "dk", "edu", "eu", "fi", "fo", "gl", "gov", "info",
	                                    "int", "io", "is", "net", "no", "nu", "org", "se", "uk" };
	const char *slash = memchr(w, '/', len);
	size_t host = slash ? (size_t)(slash - w) : len;
	size_t dot = host;
	while (dot > 0 && w[dot - 1] != '.')
		dot--;
	if (dot < 3) /* no dot, or fewer than two characters before it */
		return 0;
	size_t n = host - dot;
	for (size_t i = 0; i < sizeof tlds / sizeof tlds[0]; i++)
		if (strlen(tlds[i]) == n && memcmp(w + dot, tlds[i], n) == 0)
			return 1;
	return 0;
}

/* A URL (scheme://, www., a known domain) or an e-mail address (x@y.z). */
static int tm_is_url(const char *w, size_t len)
{
	if (tm_ascii_prefix(w, len, "http://") || tm_ascii_prefix(w, len, "https://") ||
	    tm_ascii_prefix(w, len, "www.") || tm_ascii_prefix(w, len, "mailto:"))
		return 1;
	for (size_t i = 0; i + 3 <= len; i++)
		if (w[i] == ':' && w[i + 1] == '/' && w[i + 2] == '/' && i > 0)
			return 1;
	const char *at = memchr(w, '@', len);
	if (at && at > w) {
		size_t a = (size_t)(at - w);
		if (!memchr(w + a + 1, '@', len - a - 1)) {
			const char *dot = memchr(w + a + 1, '.', len - a - 1);
			if (dot && dot > at + 1 && (size_t)(dot - w) + 1 < len)
				return 1;
		}
	}
	return tm_is_domain(w, len);
}

/* The word in token tk, if it has one: the token without the punctuation around it, but with the final period of
 * a known abbreviation. Returns 1 and fills *w, or 0 when the token has no letter or digit. */
static int tm_word_of(kb_word *w, unsigned char *abbrev, const char *text, const tm_token *tk)
{
	size_t s = tk->start, e = tk->end;
	*abbrev = TM_AB_NONE;
	if (!tk->first_alnum)
		return 0;
	while (s < e) {
		uint32_t cp;
		size_t n = kb_utf8_decode(text + s, e - s, &cp);
		if (tm_is_alnum(cp))
			break;
		s += n;
	}
	while (e > s) {
		size_t p = tm_prev(text, s, e);
		uint32_t cp = tm_cp_at(text, p, e);
		if (tm_is_alnum(cp) || kb_uc_is_mark(cp))
			break;
		e = p;
	}
	memset(w, 0, sizeof *w);
	if (tm_is_url(text + s, e - s)) {
		w->flags |= KB_WORD_URL;
		while (e < tk->end && text[e] == '/') /* "https://kommune.dk/" keeps its slash */
			e++;
	} else if (e < tk->end && text[e] == '.') {
		int c = tm_abbrev_class(text + s, e + 1 - s);
		if (c != TM_AB_NONE) {
			e++;
			w->flags |= KB_WORD_ABBREV;
			*abbrev = (unsigned char)c;
		}
	} else if (tm_abbrev_class(text + s, e - s) != TM_AB_NONE) { /* "fx", "A/S" */
		w->flags |= KB_WORD_ABBREV;
	}
	w->start = s;
	w->len = e - s;
	size_t letters = kb_utf8_count_letters(text + s, e - s);
	w->letters = letters > UINT_MAX ? UINT_MAX : (unsigned)letters;
	for (size_t i = s; i < e; i++)
		if (text[i] >= '0' && text[i] <= '9') {
			w->flags |= KB_WORD_DIGIT;
			break;
		}
	if (letters > 6)
		w->flags |= KB_WORD_LONG;
	return 1;
}

/* ---- sentences ---- */

/* 1 when the sentence ends after token tk (line breaks and the paragraph end are the caller's). The token's last
 * mark, before any closing quotes or brackets, must be '.', '!', '?', ':' or '…', and the next letter or digit must
 * not be lower case ("1. marts", "14. dag" go on). The period of an abbreviation ends a sentence only for a
 * sentence-final abbreviation followed by a capital ("12.500 kr. Grænsen"), never for one that precedes something
 * ("jf. Ankestyrelsen"); a digit after "kr." goes on ("kr. 516,00"). */
static int tm_ends_sentence(const char *text, const tm_token *tk, const kb_word *words)
{
	size_t q = tk->end;
	uint32_t cp = 0;
	while (q > tk->start) {
		size_t p = tm_prev(text, tk->start, q);
		cp = tm_cp_at(text, p, q);
		if (!tm_is_closer(cp))
			break;
		q = p;
	}
	if (q == tk->start || !tm_is_terminator(cp))
		return 0;

	uint32_t next = tk->next_alnum;
	if (cp == '.' && tk->word != TM_NONE && tk->abbrev != TM_AB_NONE) {
		const kb_word *w = &words[tk->word];
		if (w->start + w->len == q) { /* the period is the abbreviation's own */
			if (tk->abbrev == TM_AB_NEVER)
				return next == 0;
			return next == 0 || (!kb_uc_is_lower(next) && !kb_uc_is_digit(next));
		}
	}
	return next == 0 || !kb_uc_is_lower(next);
}

/* A token of closing quotes and brackets only stays with the sentence before it ("sagen. » Derfor"). */
static int tm_only_closers(const char *text, const tm_token *tk)
{
	size_t i = tk->start;
	while (i < tk->end) {
		uint32_t cp;
		i += kb_utf8_decode(text + i, tk->end - i, &cp);
		if (!tm_is_closer(cp))
			return 0;
	}
	return 1;
}

/* Returns arr grown (elements of size elem) to hold at least need, updating *cap; NULL when out of memory, and then
 * arr is untouched. The arrays are bounded by the text they describe, which KB_MAX_TEXT_BYTES bounds. */
static void *tm_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return arr;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return NULL;
		ncap *= 2;
	}
	void *n = realloc(arr, ncap * elem);
	if (n)
		*cap = ncap;
	return n;
}

/* Fills p->words and p->sentences from p->text. The text is valid UTF-8 (kb_text_add_paragraph made it so). */
static int tm_split(kb_paragraph *p)
{
	const char *text = p->text;
	size_t len = p->len;
	tm_token *toks = NULL;
	size_t ntoks = 0, tcap = 0, wcap = 0, scap = 0;
	int rc = KB_OK;
	int brk = 0;

	/* tokens */
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(text + i, len - i, &cp);
		if (tm_is_sep(cp)) {
			if (tm_is_break(cp))
				brk = 1;
			i += n;
			continue;
		}
		tm_token *nt = tm_grow(toks, &tcap, ntoks + 1, sizeof *toks);
		if (!nt) {
			rc = KB_ENOMEM;
			goto done;
		}
		toks = nt;
		tm_token *tk = &toks[ntoks++];
		memset(tk, 0, sizeof *tk);
		tk->start = i;
		tk->word = TM_NONE;
		tk->brk_before = (unsigned char)brk;
		brk = 0;
		while (i < len) {
			n = kb_utf8_decode(text + i, len - i, &cp);
			if (tm_is_sep(cp))
				break;
			if (!tk->first_alnum && tm_is_alnum(cp))
				tk->first_alnum = cp;
			i += n;
		}
		tk->end = i;
	}

	/* words, and what follows each token (computed backwards, so a run of punctuation costs no rescans) */
	for (size_t t = 0; t < ntoks; t++) {
		kb_word w;
		unsigned char ab;
		if (!tm_word_of(&w, &ab, text, &toks[t]))
			continue;
		kb_word *nw = tm_grow(p->words, &wcap, p->nwords + 1, sizeof *p->words);
		if (!nw) {
			rc = KB_ENOMEM;
			goto done;
		}
		p->words = nw;
		toks[t].word = p->nwords;
		toks[t].abbrev = ab;
		p->words[p->nwords++] = w;
	}
	for (size_t t = ntoks; t > 1; t--) {
		const tm_token *after = &toks[t - 1];
		toks[t - 2].next_alnum = after->brk_before ? 0 : after->first_alnum ? after->first_alnum : after->next_alnum;
	}

	/* sentences: runs of tokens; only those with a word are kept (a lone "§" or "–" is no LIX period) */
	size_t first = 0;
	for (size_t t = 0; t < ntoks; t++) {
		int end = t + 1 == ntoks || toks[t + 1].brk_before;
		if (!end && tm_ends_sentence(text, &toks[t], p->words)) {
			end = 1;
			while (t + 1 < ntoks && !toks[t + 1].brk_before && tm_only_closers(text, &toks[t + 1]))
				t++;
		}
		if (!end)
			continue;
		size_t fw = TM_NONE, nw = 0;
		for (size_t k = first; k <= t; k++) {
			if (toks[k].word == TM_NONE)
				continue;
			if (fw == TM_NONE)
				fw = toks[k].word;
			nw++;
		}
		if (nw > 0) {
			kb_sentence *ns = tm_grow(p->sentences, &scap, p->nsentences + 1, sizeof *p->sentences);
			if (!ns) {
				rc = KB_ENOMEM;
				goto done;
			}
			p->sentences = ns;
			kb_sentence *s = &p->sentences[p->nsentences++];
			s->start = toks[first].start;
			s->len = toks[t].end - toks[first].start;
			s->first_word = fw;
			s->nwords = nw;
		}
		first = t + 1;
	}
done:
	free(toks);
	return rc;
}

/* ---- paragraphs ---- */

static void tm_paragraph_clear(kb_paragraph *p)
{
	free(p->text);
	free(p->part_name);
	free(p->style);
	for (size_t i = 0; i < p->nspans; i++)
		free(p->spans[i].origin);
	free(p->spans);
	free(p->sentences);
	free(p->words);
	memset(p, 0, sizeof *p);
}

/* Spans must cover text[0..len) in order, without gaps or overlaps (empty spans are fine). */
static int tm_spans_ok(const kb_span *spans, size_t nspans, size_t len)
{
	size_t at = 0;
	for (size_t i = 0; i < nspans; i++) {
		if (spans[i].start != at || spans[i].len > len - at)
			return 0;
		at += spans[i].len;
	}
	return nspans == 0 || at == len;
}

/* Copies text[0..len) into p->text, replacing each byte that is not valid UTF-8 with U+FFFD and each NUL with a
 * space (the text is also a C string), and copies the spans with their offsets moved to match. Checks the result
 * against room, the bytes left under KB_MAX_TEXT_BYTES. */
static int tm_copy_text(kb_paragraph *p, const char *text, size_t len, const kb_span *spans, size_t nspans,
                        size_t room)
{
	static const char repl[3] = { '\xEF', '\xBF', '\xBD' };
	size_t need = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(text + i, len - i, &cp);
		need += (cp == 0xFFFDu && n == 1) ? sizeof repl : n;
		i += n;
	}
	if (need > room)
		return KB_ELIMIT;
	p->text = malloc(need + 1);
	if (!p->text)
		return KB_ENOMEM;
	if (nspans) {
		p->spans = calloc(nspans, sizeof *p->spans);
		if (!p->spans)
			return KB_ENOMEM;
		p->nspans = nspans;
	}

	/* span k starts at old offset spans[k].start; they are visited in order as the text is copied */
	size_t o = 0, k = 0;
	i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(text + i, len - i, &cp);
		for (; k < nspans && spans[k].start < i + n; k++)
			p->spans[k].start = o + (spans[k].start - i); /* inside a multi-byte character: kept as given */
		if (cp == 0xFFFDu && n == 1) {
			memcpy(p->text + o, repl, sizeof repl);
			o += sizeof repl;
		} else if (cp == 0) {
			p->text[o++] = ' ';
		} else {
			memcpy(p->text + o, text + i, n);
			o += n;
		}
		i += n;
	}
	for (; k < nspans; k++)
		p->spans[k].start = o;
	p->text[o] = '\0';
	p->len = o;

	for (k = 0; k < nspans; k++) {
		size_t end = k + 1 < nspans ? p->spans[k + 1].start : o;
		p->spans[k].len = end - p->spans[k].start;
		p->spans[k].flags = spans[k].flags;
		p->spans[k].origin = kb_strdup(spans[k].origin ? spans[k].origin : "template");
		if (!p->spans[k].origin)
			return KB_ENOMEM;
	}
	return KB_OK;
}

int kb_text_new(kb_text **out)
{
	tm_text *t = calloc(1, sizeof *t);
	*out = t ? &t->pub : NULL;
	return t ? KB_OK : KB_ENOMEM;
}

void kb_text_free(kb_text *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparas; i++)
		tm_paragraph_clear(&t->paras[i]);
	free(t->paras);
	free((tm_text *)t);
}

int kb_text_add_paragraph(kb_text *t, const char *text, size_t len, const kb_para_info *info, const kb_span *spans,
                          size_t nspans)
{
	tm_text *tt = (tm_text *)t;
	kb_paragraph p;
	int rc;

	memset(&p, 0, sizeof p);
	if (!t || (!text && len) || (!spans && nspans))
		return KB_EUSAGE;
	if (!tm_spans_ok(spans, nspans, len))
		return KB_EUSAGE;
	if (t->nparas >= TM_MAX_PARAGRAPHS || tt->bytes > KB_MAX_TEXT_BYTES || len > KB_MAX_TEXT_BYTES - tt->bytes)
		return KB_ELIMIT;

	rc = tm_copy_text(&p, text ? text : "", len, spans, nspans, KB_MAX_TEXT_BYTES - tt->bytes);
	if (rc)
		goto done;
	if (info) {
		p.part = info->part;
		p.heading = info->heading;
		p.in_table = info->in_table;
	}
	p.part_name = kb_strdup(info && info->part_name ? info->part_name : "");
	if (!p.part_name) {
		rc = KB_ENOMEM;
		goto done;
	}
	if (info && info->style) {
		p.style = kb_strdup(info->style);
		if (!p.style) {
			rc = KB_ENOMEM;
			goto done;
		}
	}
	rc = tm_split(&p);
	if (rc)
		goto done;
	kb_paragraph *np = tm_grow(t->paras, &t->cap, t->nparas + 1, sizeof *t->paras);
	if (!np) {
		rc = KB_ENOMEM;
		goto done;
	}
	t->paras = np;
	t->paras[t->nparas++] = p;
	tt->bytes += p.len;
	memset(&p, 0, sizeof p); /* now owned by t */
done:
	tm_paragraph_clear(&p);
	return rc;
}

/* 1 when s[0..len) holds nothing but white space and control characters. */
static int tm_blank(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		if (!tm_is_sep(cp))
			return 0;
	}
	return 1;
}

size_t kb_text_heading_mark(const char *line, size_t len, int *level)
{
	size_t n = 0;
	*level = 0;
	while (n < len && n < 9 && line[n] == '#')
		n++;
	if (!n || n >= len || (line[n] != ' ' && line[n] != '\t'))
		return 0;
	size_t end = n;
	while (end < len && (line[end] == ' ' || line[end] == '\t'))
		end++;
	if (tm_blank(line + end, len - end))
		return 0; /* "#" alone, or "# " with nothing after it, is text */
	*level = (int)n;
	return end;
}

/* One paragraph a line; letter: 1 for a letter (a line "# ..." is a heading, the text's origin is "letter");
 * first_line: the file's number of utf8's first line, for messages (1, or the line after a front matter). */
static int tm_from_lines(kb_text **out, kb_ctx *ctx, const char *utf8, size_t len, const char *part_name, int letter,
                         size_t first_line)
{
	const char *name = part_name ? part_name : "text";
	kb_para_info info = { KB_PART_BODY, part_name, NULL, 0, 0 };
	kb_text *t = NULL;
	size_t pos = 0, line = first_line ? first_line : 1;
	int rc;

	*out = NULL;
	if (!utf8 && len)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: der er ingen tekst", name);
	if (len > KB_MAX_TEXT_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: teksten er større end grænsen på %u byte; del brevet op",
		                   name, KB_MAX_TEXT_BYTES);
	if (len >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0) { /* a byte order mark, as Notepad writes */
		utf8 += 3;
		len -= 3;
	}
	rc = kb_text_new(&t);
	if (rc) {
		rc = kb_ctx_fail(ctx, rc, "%s: ikke nok hukommelse", name);
		goto done;
	}

	while (pos < len) {
		const char *nl = memchr(utf8 + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - utf8) : len;
		size_t lend = end > pos && utf8[end - 1] == '\r' ? end - 1 : end;
		if (!kb_utf8_valid(utf8 + pos, lend - pos)) {
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "%s: linje %zu er ikke gyldig UTF-8; gem filen som UTF-8, eller angiv tegnsættet med "
			                 "--encoding",
			                 name, line);
			goto done;
		}
		if (!tm_blank(utf8 + pos, lend - pos)) {
			int level = 0;
			size_t skip = letter ? kb_text_heading_mark(utf8 + pos, lend - pos, &level) : 0;
			kb_span span = { .start = 0, .len = lend - pos - skip, .origin = "letter" };
			info.heading = level;
			rc = kb_text_add_paragraph(t, utf8 + pos + skip, lend - pos - skip, &info, letter ? &span : NULL,
			                           letter ? 1 : 0);
			if (rc == KB_ELIMIT) {
				rc = kb_ctx_fail(ctx, rc, "%s: linje %zu: mere end %u afsnit; del brevet op", name,
				                 line, TM_MAX_PARAGRAPHS);
				goto done;
			} else if (rc) {
				rc = kb_ctx_fail(ctx, rc, "%s: linje %zu: ikke nok hukommelse", name, line);
				goto done;
			}
		}
		if (!nl)
			break;
		pos = end + 1;
		line++;
	}
	*out = t;
	t = NULL;
done:
	kb_text_free(t);
	return rc;
}

int kb_text_from_plain(kb_text **out, kb_ctx *ctx, const char *utf8, size_t len, const char *part_name)
{
	return tm_from_lines(out, ctx, utf8, len, part_name, 0, 1);
}

int kb_text_from_letter_lines(kb_text **out, kb_ctx *ctx, const char *utf8, size_t len, const char *part_name,
                              size_t first_line)
{
	return tm_from_lines(out, ctx, utf8, len, part_name, 1, first_line);
}

const kb_span *kb_paragraph_span_at(const kb_paragraph *p, size_t off)
{
	if (!p || p->nspans == 0)
		return NULL;
	if (off >= p->len)
		return &p->spans[p->nspans - 1];
	/* the spans are contiguous, so the last one that starts at or before off covers it (an empty span never does:
	 * the span after it starts at the same offset) */
	size_t lo = 0, hi = p->nspans;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->spans[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &p->spans[lo ? lo - 1 : 0];
}

int kb_paragraph_lower_words(kb_buf *out, size_t *off, size_t *len, const kb_paragraph *p)
{
	out->len = 0;
	for (size_t w = 0; w < p->nwords; w++) {
		const char *s = p->text + p->words[w].start;
		size_t n = p->words[w].len, i = 0;
		off[w] = out->len;
		while (i < n) {
			uint32_t cp;
			char enc[4];
			i += kb_utf8_decode(s + i, n - i, &cp);
			int rc = kb_buf_add(out, enc, kb_utf8_encode(kb_uc_tolower(cp), enc));
			if (rc)
				return rc;
		}
		len[w] = out->len - off[w];
	}
	return KB_OK;
}

const char *kb_paragraph_origin_at(const kb_paragraph *p, size_t off)
{
	const kb_span *s = kb_paragraph_span_at(p, off);
	return s && s->origin ? s->origin : "template";
}

/* ---- metrics ---- */

void kb_metrics_compute(kb_metrics *out, const kb_text *text)
{
	memset(out, 0, sizeof *out);
	if (!text)
		return;
	for (size_t i = 0; i < text->nparas; i++) {
		const kb_paragraph *p = &text->paras[i];
		out->words += p->nwords;
		out->sentences += p->nsentences;
		if (p->nwords)
			out->paragraphs++;
		for (size_t w = 0; w < p->nwords; w++)
			if (p->words[w].flags & KB_WORD_LONG)
				out->long_words++;
	}
	/* every word belongs to a kept sentence, so sentences > 0 whenever words > 0 */
	if (out->words && out->sentences)
		out->lix = (double)out->words / (double)out->sentences + 100.0 * (double)out->long_words / (double)out->words;
}
