#!/usr/bin/python3
"""Submissions as the guide describes them, through SMTP and the real processes: a
multi@ list, a duplicate Message-ID, a dry run, scheduled sending, and a commercial
SMS deferred out of the quiet hours that survives a kill -9 of the router and leaves
at 08:00 (the router's clock is placed with SMSGW_NOW)."""
import email.message
import os
import re
import smtplib
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, sms_text, wait_until  # noqa: E402

ACCOUNTS = ('{ name = "acme"; senders = [ "allow:@acme.test" ]; sender_id = "ACME"; },'
            '{ name = "promo"; senders = [ "allow:@promo.test" ]; sender_id = "PROMO";'
            '  commercial = true; }')


def submission_of(text):
    m = re.search(r"submission (\d+)", text)
    assert m, text
    return m.group(1)


def body_of(mail):
    return mail.get_body(("plain",)).get_content()


def send_with_list(gw, rcpt, listing, subject="Liste"):
    msg = email.message.EmailMessage()
    msg["From"] = "compta@acme.test"
    msg["To"] = rcpt
    msg["Subject"] = subject
    msg["Message-ID"] = "<list-%f@acme.test>" % time.time()
    msg.set_content("Bonjour @PRENOM@")
    msg.add_attachment(listing.encode("cp1252"), maintype="text", subtype="plain",
                       filename="liste.txt")
    with smtplib.SMTP("127.0.0.1", gw.ports["smtp"], timeout=30) as s:
        s.sendmail("compta@acme.test", [rcpt], msg.as_bytes(policy=email.policy.SMTP))
    return msg["Message-ID"]


def test_multi_list_with_rejected_lines():
    with gateway("multi", accounts=ACCOUNTS, smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_all()
        send_with_list(gw, "multi@sms.test",
                       "SMS=0601020304#PRENOM=Hélène\r\nFAX=0102030405\r\n\r\n"
                       "SMS=06 01 02 03 04\r\nSMS=07.01.02.03.04#PRENOM=Zoé\r\nSMS=12\r\n")
        wait_until(lambda: len(gw.submits()) == 2, 20, "two SMS")
        texts = sorted(sms_text(s) for s in gw.submits())
        assert texts == ["Bonjour Hélène", "Bonjour Zoé"], texts
        acc = wait_until(lambda: [m for m in gw.mails() if m["X-SMSGW-Status"] == "accepted"],
                         20, "acceptance receipt")[0]
        body = body_of(acc)
        for needle in ("ligne 2 : FAX=0102030405 : média non proposé",
                       "ligne 4 : +33601020304 : numéro en double",
                       "ligne 6 : SMS=12 : numéro invalide"):
            assert needle in body, (needle, body)
        sub = acc["X-SMSGW-Submission"]
        wait_until(lambda: gw.receipts(sub, "delivered"), 20, "final receipt")


def xlsx(rows):
    """A minimal Office Open XML workbook whose first sheet holds rows (inline strings)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    def cell(ref, v):
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v))
    sheet = "".join('<row r="%d">%s</row>' % (i + 1, "".join(
        cell("%s%d" % ("ABCDEFGH"[j], i + 1), v) for j, v in enumerate(r)))
        for i, r in enumerate(rows))
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.'
        'org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>' % rel,
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="%s" xmlns:r="%s"><sheets>'
        '<sheet name="Liste" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel),
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % rel,
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>%s'
        '</sheetData></worksheet>' % (ns, sheet),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


def send_attachment(gw, rcpt, body, filename, data, maintype="application",
                    subtype="octet-stream"):
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "compta@acme.test", rcpt, filename
    msg["Message-ID"] = "<%s-%f@acme.test>" % (filename, time.time())
    msg.set_content(body)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    with smtplib.SMTP("127.0.0.1", gw.ports["smtp"], timeout=30) as s:
        s.sendmail("compta@acme.test", [rcpt], msg.as_bytes(policy=email.policy.SMTP))


def test_lists_as_csv_and_xlsx():
    with gateway("tables", accounts=ACCOUNTS, smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_all()
        send_attachment(gw, "multi_sms@sms.test", "Salut @PRENOM@", "liste.csv",
                        "Téléphone;Prénom\r\n06 01 00 00 11;Ana\r\n0601000012;Bo\r\n"
                        .encode("cp1252"), "text", "csv")
        send_attachment(gw, "multi@sms.test", "Bonjour @NOM@", "LISTE.XLSX",
                        xlsx([["Mobile", "Nom"], ["0601000021", "Durand"],
                              ["+33601000022", "Lévy"]]))
        wait_until(lambda: len(gw.submits()) == 4, 20, "four SMS")
        got = sorted((s["destination_addr"], sms_text(s)) for s in gw.submits())
        assert got == [("33601000011", "Salut Ana"), ("33601000012", "Salut Bo"),
                       ("33601000021", "Bonjour Durand"), ("33601000022", "Bonjour Lévy")], got


def test_duplicate_message_id_sent_once():
    with gateway("dup", accounts=ACCOUNTS, smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_all()
        code, first = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "Once", "Hello",
                              msgid="<same@acme.test>")
        assert code == 250
        code, second = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "Once", "Hello",
                               msgid="<same@acme.test>")
        assert code == 250, second
        s1, s2 = submission_of(first), submission_of(second)
        assert s1 != s2
        dup = wait_until(lambda: gw.receipts(s2, "duplicate"), 20, "duplicate receipt")[0]
        assert s1 in body_of(dup), body_of(dup)
        wait_until(lambda: gw.receipts(s1, "delivered"), 20, "final receipt of the first")
        time.sleep(1)
        assert len(gw.submits()) == 1, gw.submits()
        assert gw.receipts(s2) == [dup] or len(gw.receipts(s2)) == 1


def test_dry_run_sends_nothing():
    with gateway("dry", accounts=ACCOUNTS) as gw:
        gw.start_all()
        code, text = gw.send("compta@acme.test", ["SMS=0601020304#NOM=Lee@sms.test"],
                             "[TEST] campagne", "Bonjour @NOM@")
        assert code == 250
        r = wait_until(lambda: gw.receipts(submission_of(text), "dry-run"), 20, "dry-run receipt")
        assert "Bonjour Lee" in body_of(r[0]), body_of(r[0])
        time.sleep(1)
        assert gw.submits() == []


def test_scheduled_by_header():
    with gateway("sched", accounts=ACCOUNTS, smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_all()
        at = time.time() + 3
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "Later", "Later",
                             headers={"X-SMS-Send-At": stamp})
        assert code == 250
        time.sleep(1)
        assert gw.submits() == [], "sent before its time"
        wait_until(gw.submits, 20, "the scheduled SMS")
        assert time.time() >= at - 1.0


def test_commercial_deferred_survives_kill9_and_leaves_at_8():
    with gateway("quiet", accounts=ACCOUNTS, smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_smsc()
        gw.start_sink()
        os.environ["SMSGW_NOW"] = "2026-12-01T22:30:00+01:00"  # a Tuesday evening
        try:
            gw.start("router")
        finally:
            del os.environ["SMSGW_NOW"]
        for name in ("dlr", "egress", "ingress"):
            gw.start(name)
        code, text = gw.send("shop@promo.test", ["SMS=0601020304@sms.test"], "Soldes",
                             "Soldes d'hiver")
        assert code == 250
        sub = submission_of(text)
        acc = wait_until(lambda: gw.receipts(sub, "accepted"), 20, "acceptance receipt")[0]
        assert "02/12/2026" in body_of(acc) and "08:00" in body_of(acc), body_of(acc)
        time.sleep(1.5)
        assert gw.submits() == [], "a commercial SMS left at 22:30"
        gw.kill9("router")
        os.environ["SMSGW_NOW"] = "2026-12-02T07:59:57+01:00"  # the next morning
        try:
            gw.start("router")
        finally:
            del os.environ["SMSGW_NOW"]
        time.sleep(1)
        assert gw.submits() == [], "left before 08:00"
        s = wait_until(gw.submits, 20, "the SMS at 08:00")
        assert sms_text(s[0]) == "Soldes d'hiver STOP au 36105", sms_text(s[0])
        wait_until(lambda: gw.receipts(sub, "delivered"), 20, "final receipt")


if __name__ == "__main__":
    run([test_multi_list_with_rejected_lines, test_lists_as_csv_and_xlsx,
         test_duplicate_message_id_sent_once,
         test_dry_run_sends_nothing, test_scheduled_by_header,
         test_commercial_deferred_survives_kill9_and_leaves_at_8])
