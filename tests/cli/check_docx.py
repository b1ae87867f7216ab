#!/usr/bin/env python3
"""check_docx.py -- an independent structural check of a .docx (an OPC zip of XML parts), python3 stdlib only.

    python3 check_docx.py FILE.docx                  # every problem of FILE, one a line; exit 1 if any
    python3 check_docx.py OUT.docx --baseline IN.docx  # only the problems OUT has and IN had not (what a tool added)

It does not use klarbrev's code (libzip, libxml2), so it sees what klarbrev gets wrong about its own output:

  - every XML part (*.xml, *.rels, *.vml, and any part whose content type ends in "xml") is well-formed XML in UTF-8
    (a UTF-8 byte-order mark is allowed; an encoding declaration other than UTF-8 is a problem);
  - every namespace prefix used in an element or attribute name is declared (expat in namespace mode reports an
    unbound prefix as an error; the self-test below makes sure it still does);
  - every internal relationship target in a *.rels part exists in the zip (resolved against the folder of the
    source part, or the package root for a target that starts with "/"; TargetMode="External" is skipped);
  - [Content_Types].xml exists and covers every part, by a Default Extension or an Override PartName.

OPC part names are compared without regard to case, as the standard says (ECMA-376 part 2, 9.1.1.1).
A problem is printed as "KIND\tPART\tDETAIL"; the baseline comparison uses KIND and PART (and the target for a
missing relationship target), so the position of an error does not matter.
"""
import posixpath
import sys
import urllib.parse
import xml.parsers.expat
import zipfile

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SEP = "\x01"  # namespace separator for expat: never part of a URI or a local name


def parse_xml(data):
    """Parses data with expat in namespace mode. Returns (elements, error): elements is a list of
    (namespace-uri, local-name, {attr-name: value}) in document order; error a message or None."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # expat honours the encoding declaration; the parts of a .docx must be UTF-8 (or UTF-16, which Word never
    # writes and this tool does not accept). Decode first, so a byte that is not UTF-8 is named as such.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [], "not UTF-8 at byte %d" % e.start
    head = text[:200]
    if head.startswith("<?xml"):
        decl = head[: head.find("?>") + 2]
        low = decl.lower()
        if "encoding" in low and "utf-8" not in low and "utf8" not in low:
            return [], "encoding declaration is not UTF-8: %s" % decl
    elements = []
    p = xml.parsers.expat.ParserCreate("UTF-8", namespace_separator=SEP)

    def start(name, attrs):
        uri, _, local = name.rpartition(SEP)
        elements.append((uri, local, attrs))

    p.StartElementHandler = start
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        return elements, "%s (line %d, column %d)" % (xml.parsers.expat.ErrorString(e.code), e.lineno, e.offset)
    return elements, None


def is_xml_part(name, ctype):
    low = name.lower()
    return (low.endswith(".xml") or low.endswith(".rels") or low.endswith(".vml")
            or (ctype is not None and (ctype.endswith("+xml") or ctype.endswith("/xml"))))


def check(path):
    """Returns a list of problems (kind, part, detail)."""
    problems = []
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        return [("zip", "", "cannot open as a zip: %s" % e)]
    with z:
        names = [i.filename for i in z.infolist() if not i.filename.endswith("/")]
        seen = {}
        for n in names:
            if n.lower() in seen:
                problems.append(("duplicate", n, "part appears twice in the zip"))
            seen[n.lower()] = n
        data = {}
        for n in names:
            try:
                data[n] = z.read(n)
            except Exception as e:  # noqa: BLE001 -- a bad member is a problem to report, whatever it is
                problems.append(("zip", n, "cannot read: %s" % e))

    # [Content_Types].xml: parse it first, everything else needs it
    defaults, overrides = {}, {}
    ctname = seen.get("[content_types].xml")
    if ctname is None:
        problems.append(("content-types", "[Content_Types].xml", "missing"))
    elif ctname in data:
        els, err = parse_xml(data[ctname])
        if err:
            problems.append(("xml", ctname, err))
        for uri, local, attrs in els:
            if uri != CT_NS:
                continue
            if local == "Default" and "Extension" in attrs:
                defaults[attrs["Extension"].lower()] = attrs.get("ContentType", "")
            elif local == "Override" and "PartName" in attrs:
                overrides[urllib.parse.unquote(attrs["PartName"]).lower()] = attrs.get("ContentType", "")

    def content_type(n):
        if ("/" + n).lower() in overrides:
            return overrides[("/" + n).lower()]
        ext = n.rsplit(".", 1)[1].lower() if "." in posixpath.basename(n) else ""
        return defaults.get(ext)

    for n in names:
        if n == ctname:
            continue
        ct = content_type(n)
        if ct is None:
            problems.append(("content-types", n, "no Default Extension or Override PartName covers this part"))
        if n not in data:
            continue
        if not is_xml_part(n, ct):
            continue
        els, err = parse_xml(data[n])
        if err:
            problems.append(("xml", n, err))
        if n.lower().endswith(".rels"):
            # word/_rels/document.xml.rels -> source word/document.xml, targets relative to word/
            folder = posixpath.dirname(posixpath.dirname(n))
            for uri, local, attrs in els:
                if uri != REL_NS or local != "Relationship":
                    continue
                if attrs.get("TargetMode", "Internal") == "External":
                    continue
                target = attrs.get("Target")
                if target is None:
                    problems.append(("rels", n, "relationship %s has no Target" % attrs.get("Id", "?")))
                    continue
                t = urllib.parse.unquote(target.split("#", 1)[0])
                if t == "":
                    continue  # a reference to the source part itself
                full = posixpath.normpath(t.lstrip("/") if t.startswith("/") else posixpath.join(folder, t))
                if full.startswith("../") or full.lower() not in seen:
                    problems.append(("rels-target", n, "target %s (%s) is not in the zip" % (target, full)))
    return problems


def key(p):
    kind, part, detail = p
    return (kind, part.lower(), detail if kind == "rels-target" else "")


def self_test():
    """expat must report an unbound prefix as an error, or the namespace check checks nothing."""
    _, err = parse_xml(b'<w:document xmlns:w="urn:x"><w:body><v:shape/></w:body></w:document>')
    if not err or "unbound prefix" not in err:
        sys.exit("check_docx.py: expat does not report an unbound element prefix (%r)" % err)
    _, err = parse_xml(b'<w:document xmlns:w="urn:x"><w:p r:id="1"/></w:document>')
    if not err or "unbound prefix" not in err:
        sys.exit("check_docx.py: expat does not report an unbound attribute prefix (%r)" % err)
    _, err = parse_xml(b'<w:document xmlns:w="urn:x"><w:p xml:space="preserve"/></w:document>')
    if err:
        sys.exit("check_docx.py: expat reports the predeclared xml: prefix (%r)" % err)


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--baseline"):
        sys.exit("usage: check_docx.py FILE.docx [--baseline INPUT.docx]")
    self_test()
    problems = check(argv[1])
    if len(argv) == 4:
        before = {key(p) for p in check(argv[3])}
        problems = [p for p in problems if key(p) not in before]
    for kind, part, detail in problems:
        print("%s\t%s\t%s" % (kind, part, detail))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
