#!/usr/bin/env python3
"""Writes the LISTE.XLSX golden files of tests/unit/test_rt_xlsx.c into this folder.

Standard library only; the output is deterministic (fixed zip timestamps), so running
it again changes nothing. Usage: python3 make_xlsx.py [output folder]

Valid workbooks:
  shared.xlsx     shared strings (plain, rich text, phonetic run), numeric phone cells
                  (33601020304, 601020304, 6.01020304E8), inline strings, an empty row,
                  a missing row, a date serial, booleans, _xHHHH_ escapes, cells without
                  r attributes, a first sheet that is worksheets/sheet2.xml, an absolute
                  shared-strings target
  inline.xlsx     no shared strings part, 1904 date system, accented headers,
                  an ignored column, a header on row 3
  datadesc.xlsx   written as a stream (zip data descriptors), as some libraries do
Refused workbooks:
  no_number.xlsx  header without a number column
  wide.xlsx       a header of 70 columns
  badindex.xlsx   a shared string index out of range
  malformed.xlsx  worksheet XML with mismatched tags
  doctype.xlsx    "billion laughs" entities in the worksheet
  doctype16.xlsx  the same in UTF-16
  external16.xlsx an external entity (file:///etc/passwd), UTF-16
  bomb.xlsx       a 65 MiB worksheet (over the 64 MiB cap) in a 64 KiB file
  ratio.xlsx      a 2 MiB worksheet compressed about 1000 times
  lying.xlsx      a worksheet that declares 1000 bytes and inflates to 2 MiB
"""
import io
import os
import struct
import sys
import zipfile

DATE = (1980, 1, 1, 0, 0, 0)
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = XML + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>")

ROOT_RELS = XML + (
    f'<Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{OD}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>")


def workbook(sheets, date1904=False):
    """sheets: [(name, rId)] in tab order."""
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    body = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="{rid}"/>'
                   for i, (n, rid) in enumerate(sheets))
    return XML + f'<workbook xmlns="{NS}" xmlns:r="{RNS}">{pr}<sheets>{body}</sheets></workbook>'


def rels(items):
    """items: [(Id, type tail, Target)]."""
    body = "".join(f'<Relationship Id="{i}" Type="{OD}/{t}" Target="{tg}"/>' for i, t, tg in items)
    return XML + f'<Relationships xmlns="{PKG}">{body}</Relationships>'


def sheet(rows_xml):
    return XML + f'<worksheet xmlns="{NS}" xmlns:r="{RNS}"><sheetData>{rows_xml}</sheetData></worksheet>'


def sst(items):
    body = "".join(items)
    return XML + f'<sst xmlns="{NS}" count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>'


def si(text):
    return f"<si><t>{text}</t></si>"


def write_zip(path, parts, stream=False):
    """parts: [(name, str or bytes)], deflated, fixed timestamps."""
    buf = io.BytesIO()
    target = buf
    if stream:  # a non-seekable file makes zipfile write data descriptors
        class Unseekable(io.RawIOBase):
            def writable(self):
                return True

            def write(self, b):
                return buf.write(b)

            def seekable(self):
                return False

        target = Unseekable()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode() if isinstance(data, str) else data, compresslevel=9)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return buf.getvalue()


def simple(path, sheet_xml, strings=None, date1904=False, stream=False):
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
             ("xl/workbook.xml", workbook([("Liste", "rId1")], date1904))]
    items = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if strings is not None:
        items.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    parts.append(("xl/_rels/workbook.xml.rels", rels(items)))
    parts.append(("xl/worksheets/sheet1.xml", sheet_xml))
    if strings is not None:
        parts.append(("xl/sharedStrings.xml", sst(strings)))
    return write_zip(path, parts, stream)


def shared(out):
    strings = [
        si("SMS"), si("NOM"), si("PRENOM"), si("DATE"), si("REFCLIENT"),            # 0-4
        si("Dupont"),                                                                  # 5
        "<si><r><rPr><b/></rPr><t>Le </t></r><r><t xml:space=\"preserve\">Gall</t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>ルガル</t></rPh></si>",                             # 6
        si("Jean"), si("06 01 02 03 04"), si("Élodie"), si("Ligne_x000D__x000A_deux"),  # 7-10
        si("0701020304"), "<si/>", si("Renée"),                                    # 11-13
    ]
    s = lambda ref, i: f'<c r="{ref}" t="s"><v>{i}</v></c>'
    n = lambda ref, v: f'<c r="{ref}"><v>{v}</v></c>'
    rows = (
        f'<row r="1">{s("A1", 0)}{s("B1", 1)}{s("C1", 2)}{s("D1", 3)}{s("E1", 4)}'
        '<c r="F1" t="inlineStr"><is><t>Ville natale</t></is></c></row>'
        f'<row r="2">{n("A2", 33601020304)}{s("B2", 5)}{s("C2", 7)}{n("D2", "45678.4375")}'
        f'{n("E2", 12345)}</row>'
        f'<row r="3">{n("A3", 601020304)}{s("B3", 6)}{s("C3", 9)}</row>'
        '<row r="4"/>'
        f'<row r="6">{n("A6", "6.01020304E8")}<c r="B6" t="inlineStr"><is><t>Martin</t></is></c>'
        f'{s("C6", 10)}<c r="E6" t="b"><v>1</v></c></row>'
        f'<row r="7">{s("A7", 8)}{s("B7", 12)}{n("E7", "1.5E-3")}</row>'
        f'<row r="8"><c t="s"><v>11</v></c><c t="str"><v>Dur_x0061_nd</v></c>'
        f'<c><v>7</v></c></row>'
        f'<row r="9">{n("A9", 123)}{s("B9", 13)}</row>'
        f'<row r="10"><c r="A10" t="e"><v>#N/A</v></c></row>'
    )
    other = sheet(f'<row r="1">{s("A1", 1)}</row>')
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook([("Liste", "rId7"), ("Autre", "rId3")])),
        ("xl/_rels/workbook.xml.rels", rels([
            ("rId3", "worksheet", "worksheets/sheet1.xml"),
            ("rId5", "styles", "styles.xml"),
            ("rId7", "worksheet", "./worksheets/../worksheets/sheet2.xml"),
            ("rId9", "sharedStrings", "/xl/sharedStrings.xml")])),
        ("xl/worksheets/sheet1.xml", other),
        ("xl/worksheets/sheet2.xml", sheet(rows)),
        ("xl/sharedStrings.xml", sst(strings)),
    ]
    write_zip(os.path.join(out, "shared.xlsx"), parts)


def inline(out):
    t = lambda ref, v: f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    rows = (
        f'<row r="3">{t("B3", "Téléphone")}{t("C3", "Prénom")}'
        f'{t("D3", "E-mail")}{t("E3", "Date")}{t("F3", "Facturation")}</row>'
        f'<row r="4">{t("B4", "+33 6 01 02 03 04")}{t("C4", "Zoé")}{t("D4", "z@x.fr")}'
        f'<c r="E4"><v>44216.75</v></c>{t("F4", "FAC-1")}</row>'
        f'<row r="5">{t("B5", "SMS=0692123456")}<c r="E5"><v>202501211800</v></c></row>'
        f'<row r="6">{t("B6", "FAX=0102030405")}{t("C6", "Luc")}</row>'
    )
    simple(os.path.join(out, "inline.xlsx"), sheet(rows), None, date1904=True)


def datadesc(out):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Mobile</t></is></c></row>'
            '<row r="2"><c r="A2"><v>33701020304</v></c></row>')
    simple(os.path.join(out, "datadesc.xlsx"), sheet(rows), None, stream=True)


def refused(out):
    t = lambda ref, v: f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    simple(os.path.join(out, "no_number.xlsx"),
           sheet(f'<row r="1">{t("A1", "NOM")}{t("B1", "PRENOM")}</row>'
                 f'<row r="2">{t("A2", "Dupont")}{t("B2", "Jean")}</row>'))
    cols = "".join(f'<c t="inlineStr"><is><t>C{i}</t></is></c>' for i in range(69))
    simple(os.path.join(out, "wide.xlsx"), sheet(f'<row r="1">{t("A1", "SMS")}{cols}</row>'))
    simple(os.path.join(out, "badindex.xlsx"),
           sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                 '<row r="2"><c r="A2" t="s"><v>5</v></c></row>'), [si("SMS")])
    simple(os.path.join(out, "malformed.xlsx"),
           sheet(f'<row r="1">{t("A1", "SMS")}</row><row r="2"><c r="A2"><v>1</c></row>'))
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                        for i in range(8))
              + f']>\n<worksheet xmlns="{NS}"><sheetData><row r="1">{t("A1", "SMS")}</row>'
              '<row r="2"><c r="A2" t="inlineStr"><is><t>&i;</t></is></c></row>'
              "</sheetData></worksheet>")
    simple(os.path.join(out, "doctype.xlsx"), laughs)
    # the same in UTF-16 (no "<!DOCTYPE" bytes to spot), and an external entity
    laughs16 = laughs.replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>')
    simple(os.path.join(out, "doctype16.xlsx"), laughs16.encode("utf-16"))
    external = (XML.replace('encoding="UTF-8"', 'encoding="UTF-16"')
                + '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + f'<worksheet xmlns="{NS}"><sheetData><row r="1">{t("A1", "SMS")}</row>'
                '<row r="2"><c r="A2" t="inlineStr"><is><t>&x;</t></is></c></row>'
                "</sheetData></worksheet>")
    simple(os.path.join(out, "external16.xlsx"), external.encode("utf-16"))


def bombs(out):
    head = XML + f'<worksheet xmlns="{NS}"><sheetData>'
    tail = "</sheetData></worksheet>"
    big = head + " " * (65 << 20) + tail
    simple(os.path.join(out, "bomb.xlsx"), big)
    simple(os.path.join(out, "ratio.xlsx"), head + " " * (2 << 20) + tail)
    # lying: declare 1000 bytes in both headers for a 2 MiB stream
    data = bytearray(simple(os.path.join(out, "lying.xlsx"), head + " " * (2 << 20) + tail))
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            name_off = 30 if sig == b"PK\x03\x04" else 46
            nlen = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            if data[pos + name_off:pos + name_off + nlen] == name:
                struct.pack_into("<I", data, pos + size_off, 1000)
            pos += 4
    with open(os.path.join(out, "lying.xlsx"), "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    shared(out)
    inline(out)
    datadesc(out)
    refused(out)
    bombs(out)


if __name__ == "__main__":
    main()
