/*
 * docxfix.h -- builds small DOCX files for unit tests with libzip: a main document, and optionally one header and
 * one footer, wired through the relationships as Word does. The XML bodies are given without the w:document /
 * w:hdr / w:ftr wrapper. (The sample template and the shared fixtures are real Word/LibreOffice files; these are
 * for exact control over run splits.)
 */
#ifndef DOCXFIX_H
#define DOCXFIX_H

#include <stdio.h>
#include <string.h>
#include <zip.h>

#define DOCXFIX_W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
                  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static int docxfix_add(zip_t *z, const char *name, const char *text)
{
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	if (!copy)
		return -1;
	memcpy(copy, text, n);
	zip_source_t *src = zip_source_buffer(z, copy, n, 1);
	if (!src) {
		free(copy);
		return -1;
	}
	if (zip_file_add(z, name, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		return -1;
	}
	return 0;
}

/* Writes path; body/header/footer are the inner XML (header and footer may be NULL). Returns 0 on success. */
static int docxfix_make(const char *path, const char *body, const char *header, const char *footer)
{
	int err = 0;
	remove(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return -1;
	char buf[65536];
	int rc = 0;
	rc |= docxfix_add(z, "[Content_Types].xml",
	                  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	                  "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	                  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	                  "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	                  "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
	                  "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
	                  "</Types>");
	rc |= docxfix_add(z, "_rels/.rels",
	                  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	                  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
	                  "</Relationships>");
	snprintf(buf, sizeof buf,
	         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">%s%s</Relationships>",
	         header ? "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>" : "",
	         footer ? "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>" : "");
	rc |= docxfix_add(z, "word/_rels/document.xml.rels", buf);
	snprintf(buf, sizeof buf,
	         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document " DOCXFIX_W "><w:body>%s"
	         "<w:sectPr>%s%s</w:sectPr></w:body></w:document>",
	         body, header ? "<w:headerReference w:type=\"default\" r:id=\"rId2\"/>" : "",
	         footer ? "<w:footerReference w:type=\"default\" r:id=\"rId3\"/>" : "");
	rc |= docxfix_add(z, "word/document.xml", buf);
	if (header) {
		snprintf(buf, sizeof buf, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr " DOCXFIX_W ">%s</w:hdr>", header);
		rc |= docxfix_add(z, "word/header1.xml", buf);
	}
	if (footer) {
		snprintf(buf, sizeof buf, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr " DOCXFIX_W ">%s</w:ftr>", footer);
		rc |= docxfix_add(z, "word/footer1.xml", buf);
	}
	if (zip_close(z) < 0) {
		zip_discard(z);
		return -1;
	}
	return rc;
}

#endif
