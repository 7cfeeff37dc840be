#!/usr/bin/python3
"""Final receipts on the real processes (issue 8, SPEC 5 and 8): undelivered numbers and
SMPP refusals explained in words (French and English accounts), expiry with an SMSC that
never sends receipts ("no delivery report"), receipts that come before their
submit_sm_resp, receipts carrying the message id in decimal, and a 100-recipient multi
with mixed outcomes whose CSV attachment matches, row by row, what the Net::SMPP SMSC
logged (numbers, statuses, parts)."""
import csv
import io
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402

ACCOUNTS = ('{ name = "acme"; senders = [ "allow:@acme.test" ]; sender_id = "ACME"; }, '
            '{ name = "globex"; senders = [ "allow:@globex.test" ]; sender_id = "GLOBEX"; '
            'lang = "en"; }')


def submission_of(reply):
    m = re.search(r"submission (\d+)", reply)
    assert m, "no submission number in %r" % reply
    return m.group(1)


def send_ok(gw, sender, rcpts, subject, body, **kw):
    code, text = gw.send(sender, rcpts, subject, body, **kw)
    assert code == 250, (code, text)
    return submission_of(text)


def final_of(gw, sub, status, timeout=30):
    """The one final receipt of sub (waits for it), after checking that it is the only
    one and that exactly one acceptance receipt came too."""
    wait_until(lambda: gw.receipts(sub, status), timeout, "%s final receipt of %s" % (status, sub))
    fin = [m for m in gw.receipts(sub) if m["X-SMSGW-Status"] in ("delivered", "undelivered",
                                                                   "partial")]
    acc = gw.receipts(sub, "accepted")
    assert len(fin) == 1 and len(acc) == 1, [(m["X-SMSGW-Status"], m["Subject"])
                                             for m in gw.receipts(sub)]
    return fin[0]


def body_of(mail):
    return mail.get_body(("plain",)).get_content()


def csv_of(mail):
    """The rows of the final receipt's CSV attachment (header row included)."""
    atts = [p for p in mail.iter_attachments() if p.get_content_type() == "text/csv"]
    assert len(atts) == 1, [p.get_content_type() for p in mail.iter_attachments()]
    data = atts[0].get_payload(decode=True)
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def smsc_outcomes(gw):
    """What the SMSC logged: destination -> (parts submitted, stats of its receipts)."""
    ids, out = {}, {}
    for line in gw.procs["smsc"].text().splitlines():
        m = re.match(r"SUBMIT sess=\d+ seq=\d+ id=(\w*) status=0x0+ to=(\d+)", line)
        if m:
            ids[m.group(1)] = m.group(2)
            out.setdefault(m.group(2), [0, []])[0] += 1
        m = re.match(r"DLR sess=\d+ seq=\d+ id=(\w+) stat=(\w+)", line)
        if m:
            out[ids[m.group(1)]][1].append(m.group(2))
    return out


def test_undelivered_reason_in_words():
    """A receipt stat:UNDELIV with network_error_code GSM 1 (the peer sends 03 00 01):
    the reason reads in the account's language, with the codes for the helpdesk."""
    with gateway("dlr-undeliv", accounts=ACCOUNTS,
                 smsc_args=["--dlr-delay", "0.2", "--fail-prefix", "3370"]) as gw:
        gw.start_all()
        fr = send_ok(gw, "compta@acme.test", ["SMS=0701020304@sms.test"], "fr", "Bonjour")
        en = send_ok(gw, "ops@globex.test", ["SMS=0701020305@sms.test"], "en", "Hello")
        body = body_of(final_of(gw, fr, "undelivered"))
        assert ("+33701020304 : Votre message n'a pas pu être délivré : destinataire "
                "injoignable, numéro inconnu du réseau (UNDELIV, code erreur 001, erreur "
                "réseau GSM 1).") in body, body
        body = body_of(final_of(gw, en, "undelivered"))
        assert ("+33701020305: Your message could not be delivered: undeliverable, unknown "
                "subscriber (UNDELIV, error code 001, GSM network error 1).") in body, body


def test_smpp_refusal_reason_in_words():
    """submit_sm refused with ESME_RINVDSTADR (0x0B, permanent): no retry, the final
    receipt says why in words."""
    with gateway("dlr-refused", accounts=ACCOUNTS,
                 smsc_args=["--submit-status", "0x0B"]) as gw:
        gw.start_all()
        fr = send_ok(gw, "compta@acme.test", ["SMS=0601020304@sms.test"], "fr", "Bonjour")
        en = send_ok(gw, "ops@globex.test", ["SMS=0601020305@sms.test"], "en", "Hello")
        body = body_of(final_of(gw, fr, "undelivered"))
        assert ("+33601020304 : Votre message n'a pas pu être délivré : refusé par "
                "l'opérateur, adresse du destinataire invalide (erreur SMPP 0x0000000B).") in body, body
        body = body_of(final_of(gw, en, "undelivered"))
        assert ("+33601020305: Your message could not be delivered: refused by the operator, "
                "invalid destination address (SMPP error 0x0000000B).") in body, body
        assert len(gw.submits()) == 2, gw.submits()


def test_expiry_without_receipts():
    """An SMSC that never sends receipts: once the validity period and the grace period
    are over, the final receipt says "no delivery report" (status expired in the CSV)."""
    with gateway("dlr-expiry", smsc_args=["--no-dlr"], validity_s=3,
                 dlr_extra="expiry_grace_s = 1;") as gw:
        gw.start_all()
        t0 = time.time()
        sub = send_ok(gw, "compta@acme.test", ["SMS=0601020304@sms.test", "SMS=0601020305@sms.test"],
                      "expiry", "Bonjour")
        wait_until(lambda: len(gw.submits()) == 2, 20, "two submit_sm")
        fin = final_of(gw, sub, "undelivered", timeout=20)
        assert time.time() - t0 >= 4, time.time() - t0  # validity 3 s + grace 1 s
        body = body_of(fin)
        assert body.count("pas d'accusé de réception de l'opérateur dans le délai de validité") == 2, body
        rows = csv_of(fin)
        assert [r[0] for r in rows[1:]] == ["+33601020304", "+33601020305"], rows
        assert [r[2] for r in rows[1:]] == ["expired", "expired"], rows


def test_receipts_before_submit_resp():
    """The peer sends each receipt before its submit_sm_resp: dlr keeps it and matches it
    once the RESULT names the message id. The response comes 0.5 s after the receipt:
    without that gap, the router's copy of a RESULT may reach dlr before the egress's
    DELIVER (dlr reads its peers in turn), and the receipt is then matched at once."""
    with gateway("dlr-early", smsc_args=["--dlr-before-resp", "--resp-delay", "0.5"]) as gw:
        gw.start_all()
        # a first SMS brings every link up: a receipt sent while egress -> dlr is still
        # connecting waits for its retry, and its RESULT may then come first
        final_of(gw, send_ok(gw, "compta@acme.test", ["SMS=0601020307@sms.test"], "warm",
                             "Bonjour"), "delivered")
        before = len(gw.procs["dlr"].text())
        sub = send_ok(gw, "compta@acme.test",
                      ["SMS=0601020304@sms.test", "SMS=0601020305@sms.test",
                       "SMS=0601020306@sms.test"], "early", "Bonjour")
        fin = final_of(gw, sub, "delivered")
        assert "Délivrés : 3 / 3" in body_of(fin), body_of(fin)
        log = gw.procs["dlr"].text()[before:]
        assert log.count("before its RESULT: kept") == 3, log


def test_decimal_receipt_ids():
    """submit_sm_resp ids in hex, receipts in decimal: matched either way."""
    with gateway("dlr-dec", smsc_args=["--receipt-id", "dec", "--dlr-delay", "0.2"]) as gw:
        gw.start_all()
        sub = send_ok(gw, "compta@acme.test", ["SMS=0601020304@sms.test"], "dec", "Bonjour")
        fin = final_of(gw, sub, "delivered")
        hex_id = gw.submits()[0]["message_id"]
        assert re.search("[A-F]", hex_id), hex_id  # the two notations differ
        assert "DLR sess=1 seq=1 id=%d stat=DELIVRD" % int(hex_id, 16) in gw.procs["smsc"].text()
        assert "+33601020304 : Votre message a bien été délivré le" in body_of(fin), body_of(fin)


LONG_TEXT = ("Rappel : votre rendez-vous est confirmé pour demain à 10h. Merci de vous présenter "
             "dix minutes en avance muni de votre carte et de votre ordonnance. Pour annuler, "
             "répondez à ce message au plus tard ce soir.")


def test_multi_100_mixed_outcomes():
    """multi@ with a 100-line LISTE.TXT, two-part SMS, 20 numbers undelivered: exactly one
    final receipt, whose CSV rows (in list order) match what the SMSC logged."""
    numbers = ["06%08d" % (10000000 + i) for i in range(100)]
    liste = "".join("SMS=%s#NOM=n%03d\r\n" % (n, i) for i, n in enumerate(numbers))
    with gateway("dlr-multi", smsc_args=["--dlr-delay", "0.2", "--fail-prefix", "3361000001",
                                         "--fail-prefix", "3361000005"]) as gw:
        gw.start_all()
        sub = send_ok(gw, "compta@acme.test", ["multi@sms.test"], "liste", LONG_TEXT,
                      attachments=[("LISTE.TXT", liste.encode())])
        fin = final_of(gw, sub, "partial", timeout=60)
        seen = smsc_outcomes(gw)
        assert len(seen) == 100 and sum(p for p, _ in seen.values()) == 200, seen
        rows = csv_of(fin)
        assert rows[0] == ["number", "fields", "status", "time", "reason", "parts"], rows[0]
        assert len(rows) == 101, len(rows)
        for i, (n, row) in enumerate(zip(numbers, rows[1:])):
            dest = "33" + n[1:]
            parts, stats = seen[dest]
            assert len(stats) == parts, (dest, seen[dest])  # one receipt per part
            status = "delivered" if set(stats) == {"DELIVRD"} else "undelivered"
            assert row[0] == "+" + dest and row[1] == "NOM=n%03d" % i, row
            assert row[2] == status and row[5] == str(parts), (row, seen[dest])
            assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$", row[3]), row
            assert (row[4] == "") == (status == "delivered"), row
        body = body_of(fin)
        assert "Délivrés : 80 / 100" in body and "Non délivrés : 20" in body, body
        time.sleep(1)  # nothing more comes
        assert len(gw.receipts(sub)) == 2


if __name__ == "__main__":
    run([test_undelivered_reason_in_words, test_smpp_refusal_reason_in_words,
         test_expiry_without_receipts, test_receipts_before_submit_resp, test_decimal_receipt_ids,
         test_multi_100_mixed_outcomes])
