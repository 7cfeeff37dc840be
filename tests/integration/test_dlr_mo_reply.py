#!/usr/bin/python3
"""SMS replies mailed to the sender (SPEC 6): the Net::SMPP SMSC answers a submission
with a mobile-originated "Oui, je confirme" from the number it went to (--mo-after-submit:
after the submit_sm and its receipt); the router turns it into a MO_REPLY and dlr mails
it: exactly one mail, to the sender, with the text, the submission number, threaded
on the customer's Message-ID. A "STOP" reply mails nothing. dlr's metrics count the
mails by kind and the receipts and outcomes (smsgw_dlr_*)."""
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, gateway, run, wait_until  # noqa: E402

ACCOUNTS = '{ name = "acme"; senders = [ "allow:@acme.test" ]; sender_id = "ACME"; }'


def submission_of(text):
    m = re.search(r"submission (\d+)", text)
    assert m, text
    return m.group(1)


def body_of(mail):
    return mail.get_body(("plain",)).get_content()


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        return r.read().decode()


def metric(text, line_start):
    """The value of the sample whose line starts with line_start, None if absent."""
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.split()[-1])
    return None


def start(name, mo_text):
    port = free_port()
    gw = gateway(name, accounts=ACCOUNTS, dlr_extra='metrics_listen = "127.0.0.1:%d";' % port,
                 smsc_args=["--dlr-delay", "0.2", "--mo-after-submit",
                            "--mo", "33601020304:ACME:%s" % mo_text])
    return gw, port


def send(gw, msgid):
    code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "RDV mardi",
                         "Votre RDV mardi 10h, confirmez-vous ?", msgid=msgid)
    assert code == 250, (code, text)
    return submission_of(text)


def test_reply_mailed_once_to_the_sender():
    ctx, port = start("moreply", "Oui, je confirme")
    with ctx as gw:
        gw.start_all()
        sub = send(gw, "<rdv-1@acme.test>")
        wait_until(lambda: gw.receipts(sub, "delivered"), 20, "final receipt")
        reply = wait_until(lambda: gw.receipts(sub, "reply"), 20, "the reply mail")[0]
        assert reply["To"] == "compta@acme.test", reply["To"]
        assert reply["From"] == "accuses@sms.test", reply["From"]
        assert reply["Auto-Submitted"] == "auto-replied"
        assert reply["In-Reply-To"] == "<rdv-1@acme.test>", reply["In-Reply-To"]
        assert reply["References"] == "<rdv-1@acme.test>", reply["References"]
        assert reply["Subject"] == ("Réponse SMS de +33601020304 - message n° %s - RDV mardi"
                                    % sub), reply["Subject"]
        body = body_of(reply)
        for needle in ("Le destinataire +33601020304 a répondu par SMS à votre message.",
                       "Numéro de message : %s" % sub, "Objet : RDV mardi",
                       "Texte de la réponse :\n  Oui, je confirme\n",
                       "SMS=+33601020304@sms.test"):
            assert needle in body, (needle, body)
        assert re.search(r"Reçue le : \d\d/\d\d/\d{4} à \d\d:\d\d:\d\d\n", body), body
        want = {'smsgw_dlr_mails_total{kind="reply",result="sent"}': 1,
                'smsgw_dlr_mails_total{kind="acceptance",result="sent"}': 1,
                'smsgw_dlr_mails_total{kind="final",result="sent"}': 1,
                'smsgw_dlr_receipts_total{result="matched"}': 1,
                'smsgw_dlr_final_total{outcome="delivered"}': 1,
                'smsgw_dlr_outbox_mails': 0}
        wait_until(lambda: all(metric(metrics(port), k) == v for k, v in want.items()), 10,
                   "dlr metrics %s" % want)
        time.sleep(1)  # nothing more may come
        mails = [m["X-SMSGW-Status"] for m in gw.mails()]
        assert sorted(mails) == ["accepted", "delivered", "reply"], mails
        log = gw.procs["dlr"].text()
        assert "reply from +33601020304 to submission %s: forwarded to compta@acme.test" % sub \
            in log, log


def test_stop_mails_nothing():
    ctx, port = start("mostop", "STOP")
    with ctx as gw:
        gw.start_all()
        sub = send(gw, "<rdv-2@acme.test>")
        wait_until(lambda: gw.receipts(sub, "delivered"), 20, "final receipt")
        wait_until(lambda: "STOP from +33601020304" in gw.procs["router"].text(), 20,
                   "the router to take the STOP")
        time.sleep(1)
        mails = [m["X-SMSGW-Status"] for m in gw.mails()]
        assert sorted(mails) == ["accepted", "delivered"], mails
        text = metrics(port)
        assert metric(text, 'smsgw_dlr_mails_total{kind="reply",result="sent"}') == 0, text
        assert "reply from" not in gw.procs["dlr"].text()


if __name__ == "__main__":
    run([test_reply_mailed_once_to_the_sender, test_stop_mails_nothing])
