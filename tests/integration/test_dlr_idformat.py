#!/usr/bin/python3
"""operators.message_id_format on the real processes (issue 8): the Net::SMPP SMSC answers
submit_sm with hex ids and writes its receipts in decimal (--receipt-id dec, the known
Kannel/Jasmin trouble). With message_id_format = "hex_resp_decimal_receipt" every receipt
matches its message, whether it comes after or before the submit_sm_resp (dlr's metrics
count them as matched, or early then matched). The control: the same SMSC with
message_id_format = "hex" reads the decimal receipt ids as hex, so they match nothing
and the recipients end as "no delivery report" once the validity period is over: the
pinned format is what dlr matches with."""
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, gateway, run, wait_until  # noqa: E402

RCPTS = ["SMS=0601020304@sms.test", "SMS=0601020305@sms.test", "SMS=0601020306@sms.test"]


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        return r.read().decode()


def receipts_counted(port):
    """smsgw_dlr_receipts_total by result."""
    out = {}
    for line in metrics(port).splitlines():
        m = re.match(r'smsgw_dlr_receipts_total\{result="(\w+)"\} (\S+)$', line)
        if m:
            out[m.group(1)] = int(float(m.group(2)))
    return out


def pinned(name, fmt, smsc_args, dlr_extra="", **kw):
    port = free_port()
    gw = gateway(name, operator_opts='message_id_format = "%s";' % fmt,
                 dlr_extra='metrics_listen = "127.0.0.1:%d"; %s' % (port, dlr_extra),
                 smsc_args=smsc_args, **kw)
    return gw, port


def send_ok(gw, subject):
    code, text = gw.send("compta@acme.test", RCPTS, subject, "Bonjour")
    assert code == 250, (code, text)
    m = re.search(r"submission (\d+)", text)
    assert m, text
    return m.group(1)


def final_of(gw, sub, status, timeout):
    wait_until(lambda: gw.receipts(sub, status), timeout, "%s final receipt of %s" % (status, sub))
    fin = [m for m in gw.receipts(sub) if m["X-SMSGW-Status"] != "accepted"]
    assert len(fin) == 1, [(m["X-SMSGW-Status"], m["Subject"]) for m in gw.receipts(sub)]
    return fin[0].get_body(("plain",)).get_content()


def decimal_receipts(gw):
    """The ids of the submits (hex) and of the receipts the SMSC sent (decimal): each
    receipt names one submit in decimal, and the two notations differ."""
    hex_ids = [s["message_id"] for s in gw.submits()]
    smsc = gw.procs["smsc"].text()
    dec_ids = re.findall(r"^DLR sess=\d+ seq=\d+ id=(\w+) stat=DELIVRD$", smsc, re.M)
    assert sorted(int(h, 16) for h in hex_ids) == sorted(int(d) for d in dec_ids), (hex_ids, dec_ids)
    assert all(re.search("[A-F]", h) for h in hex_ids), hex_ids
    return hex_ids


def test_decimal_receipts_match():
    """Receipts after their submit_sm_resp: all three match, none is kept early."""
    ctx, port = pinned("idfmt-hrdr", "hex_resp_decimal_receipt",
                       ["--receipt-id", "dec", "--dlr-delay", "0.2"])
    with ctx as gw:
        gw.start_all()
        sub = send_ok(gw, "hex resp, decimal receipt")
        body = final_of(gw, sub, "delivered", 30)
        assert "Délivrés : 3 / 3" in body, body
        assert len(decimal_receipts(gw)) == 3
        assert "operator opa: message ids hex_resp_decimal_receipt" in gw.procs["dlr"].text()
        counted = receipts_counted(port)
        assert counted.get("matched") == 3 and counted.get("early") == 0, counted
        assert counted.get("unmatched") == 0, counted


def test_decimal_receipts_before_resp_match():
    """Receipts before their submit_sm_resp: kept early under the decimal reading, then
    matched by the hex id of the RESULT. The response comes 0.5 s after the receipt, so
    that the router's copy of the RESULT cannot reach dlr before the receipt does."""
    ctx, port = pinned("idfmt-hrdr-early", "hex_resp_decimal_receipt",
                       ["--receipt-id", "dec", "--dlr-before-resp", "--resp-delay", "0.5"])
    with ctx as gw:
        gw.start_all()
        sub = send_ok(gw, "early decimal receipts")
        body = final_of(gw, sub, "delivered", 30)
        assert "Délivrés : 3 / 3" in body, body
        hex_ids = decimal_receipts(gw)
        dlr = gw.procs["dlr"].text()
        for h in hex_ids:
            assert "receipt opa/%d (DELIVRD) before its RESULT: kept" % int(h, 16) in dlr, dlr
        counted = receipts_counted(port)
        assert counted.get("early") == 3 and counted.get("unmatched") == 0, counted


def test_wrong_pin_matches_nothing():
    """Control: pinned to "hex", the decimal receipts are read as hex and match no
    message; each recipient ends expired ("no delivery report")."""
    ctx, port = pinned("idfmt-hex", "hex", ["--receipt-id", "dec", "--dlr-delay", "0.2"],
                       validity_s=3, dlr_extra="expiry_grace_s = 1;")
    with ctx as gw:
        gw.start_all()
        sub = send_ok(gw, "wrong pin")
        wait_until(lambda: receipts_counted(port).get("early") == 3, 20, "three receipts kept")
        body = final_of(gw, sub, "undelivered", 30)
        assert "Délivrés : 0 / 3" in body, body
        assert body.count("pas d'accusé de réception de l'opérateur dans le délai de validité") == 3, body
        hex_ids = decimal_receipts(gw)
        dlr = gw.procs["dlr"].text()
        for h in hex_ids:  # each came after its RESULT, yet found nothing
            assert "receipt opa/%d (DELIVRD) before its RESULT: kept" % int(h, 16) in dlr, dlr
        assert receipts_counted(port).get("matched") == 0


if __name__ == "__main__":
    run([test_decimal_receipts_match, test_decimal_receipts_before_resp_match,
         test_wrong_pin_matches_nothing])
