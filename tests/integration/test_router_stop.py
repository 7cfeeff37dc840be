#!/usr/bin/python3
"""STOP: a mobile-originated "STOP" sent by the Net::SMPP SMSC to the account's short
code puts the number on that account's STOP list; the next email to that number is
accepted but sends nothing, and its receipts say the number is blacklisted; the
account's confirmation SMS is sent once. Another account may still message the number."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, sms_text, wait_until  # noqa: E402

ACCOUNTS = ('{ name = "shop"; senders = [ "allow:@shop.test" ]; sender_id = "36105";'
            '  stop_confirmation = "Vous ne recevrez plus de SMS de notre part."; },'
            '{ name = "bank"; senders = [ "allow:@bank.test" ]; sender_id = "BANK"; }')


def submission_of(text):
    return re.search(r"submission (\d+)", text).group(1)


def test_stop_blacklists_for_that_account_only():
    with gateway("stop", accounts=ACCOUNTS,
                 smsc_args=["--dlr-delay", "0.2", "--mo", "33601020304:36105:Stop SMS"]) as gw:
        gw.start_all()
        wait_until(lambda: "STOP from +33601020304" in gw.procs["router"].text(), 20,
                   "the router to take the STOP")
        assert "account shop" in gw.procs["router"].text()
        conf = wait_until(gw.submits, 20, "the STOP confirmation")
        assert len(conf) == 1 and conf[0]["destination_addr"] == "33601020304"
        assert sms_text(conf[0]) == "Vous ne recevrez plus de SMS de notre part.", conf
        assert conf[0]["source_addr"] == "36105"
        code, text = gw.send("promo@shop.test", ["SMS=0601020304@sms.test"], "Promo", "Soldes")
        assert code == 250, text
        sub = submission_of(text)
        fin = wait_until(lambda: gw.receipts(sub, "undelivered"), 20, "final receipt")[0]
        assert "(STOP)" in fin.get_body(("plain",)).get_content()
        time.sleep(0.5)
        assert len(gw.submits()) == 1, "an SMS went to a number that said STOP"
        code, text = gw.send("alerts@bank.test", ["SMS=0601020304@sms.test"], "Alerte", "Code 1")
        assert code == 250, text
        wait_until(lambda: gw.receipts(submission_of(text), "delivered"), 20, "other account")
        assert len(gw.submits()) == 2
        time.sleep(0.5)  # the confirmation SMS has no receipts: only the two emails' four
        assert sorted(m["X-Envelope-To"] for m in gw.mails()) == \
            ["alerts@bank.test"] * 2 + ["promo@shop.test"] * 2, [m["Subject"] for m in gw.mails()]


if __name__ == "__main__":
    run([test_stop_blacklists_for_that_account_only])
