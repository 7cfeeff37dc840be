#!/usr/bin/python3
"""The final receipt of a big list (issue 7, SPEC 5): its body lists at most
dlr.final_list_max recipients and then says how many more there are, while its CSV
attachment still has one row for every recipient, in list order; the SMSC (Net::SMPP)
delivers them all."""
import csv
import io
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402

N = 30
LIST_MAX = 10


def csv_rows(mail):
    atts = [p for p in mail.iter_attachments() if p.get_content_type() == "text/csv"]
    assert len(atts) == 1, [p.get_content_type() for p in mail.iter_attachments()]
    data = atts[0].get_payload(decode=True)
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def test_final_list_max():
    """30 recipients, dlr.final_list_max = 10: ten lines in the body, the sentence about
    the twenty others, thirty CSV rows."""
    numbers = ["06%08d" % (20000000 + i) for i in range(N)]
    liste = "".join("SMS=%s#NOM=n%02d\r\n" % (n, i) for i, n in enumerate(numbers))
    with gateway("dlr-list-max", smsc_args=["--dlr-delay", "0.1"],
                 dlr_extra="final_list_max = %d;" % LIST_MAX) as gw:
        gw.start_all()
        code, text = gw.send("compta@acme.test", ["multi@sms.test"], "liste", "Bonjour",
                             attachments=[("LISTE.TXT", liste.encode())])
        assert code == 250, (code, text)
        sub = re.search(r"submission (\d+)", text).group(1)
        wait_until(lambda: gw.receipts(sub, "delivered"), 60, "the final receipt of %s" % sub)
        fin = gw.receipts(sub, "delivered")
        assert len(fin) == 1, fin
        body = fin[0].get_body(("plain",)).get_content()
        assert "Délivrés : %d / %d" % (N, N) in body, body
        lines = [l for l in body.splitlines() if l.startswith("- ligne ")]
        assert len(lines) == LIST_MAX, body
        for i, l in enumerate(lines):
            assert l.startswith("- ligne %d : +33%s (NOM=n%02d) : Votre message a bien été "
                                "délivré le" % (i + 1, numbers[i][1:], i)), l
        assert ("… et %d autres destinataires, qui ne sont pas listés ici : le fichier CSV "
                "joint donne le résultat de chacun des %d destinataires." % (N - LIST_MAX, N)
                in body), body
        rows = csv_rows(fin[0])
        assert rows[0] == ["number", "fields", "status", "time", "reason", "parts"], rows[0]
        assert len(rows) == N + 1, len(rows)
        for i, row in enumerate(rows[1:]):
            assert row[:3] == ["+33" + numbers[i][1:], "NOM=n%02d" % i, "delivered"], row


if __name__ == "__main__":
    run([test_final_list_max])
