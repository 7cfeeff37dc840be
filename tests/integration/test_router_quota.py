#!/usr/bin/python3
"""Daily SMS quotas enforced by the router (router/rt_quota.c), durable across a
router crash: account acme has daily_quota = 3; three single-recipient emails are
accepted, the fourth is refused 452 4.7.1 at the end of DATA (a real SMTP client,
smtplib), the router is killed (-9) and restarted and a fifth is still refused, none of
the refused ones reaches the SMSC (Net::SMPP peer), and once the router's clock
(SMSGW_NOW) is on the next UTC day a sixth is accepted again."""
import datetime
import os
import re
import smtplib
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, gateway, run, wait_until  # noqa: E402

ACCOUNTS = ('{ name = "acme"; senders = [ "allow:@acme.test" ]; sender_id = "ACME"; '
            'daily_quota = 3; }')


def number(i):
    return "06010203%02d" % i


def send(gw, i):
    """One email to number(i); (code, text) of the end of DATA, refusals included."""
    try:
        return gw.send("compta@acme.test", ["SMS=%s@sms.test" % number(i)], "quota %d" % i,
                       "Bonjour %d" % i)
    except smtplib.SMTPDataError as e:
        return e.smtp_code, e.smtp_error.decode()


def dests(gw):
    return sorted(s["destination_addr"] for s in gw.submits())


def restart_router(gw, now=None):
    gw.kill9("router")
    if now:
        os.environ["SMSGW_NOW"] = now
    try:
        gw.start("router")
    finally:
        os.environ.pop("SMSGW_NOW", None)
    wait_until(lambda: "ready: " in gw.procs["router"].text(), 10, "router to start")


def add_router_metrics(gw):
    """Adds router.metrics_listen on a free port to the harness's config; the port."""
    port = free_port()
    with open(gw.config) as f:
        text = f.read()
    text, n = re.subn(r"^router = \{ ", 'router = { metrics_listen = "127.0.0.1:%d"; ' % port,
                      text, flags=re.M)
    assert n == 1, text
    with open(gw.config, "w") as f:
        f.write(text)
    return port


def quota_refusals(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        text = r.read().decode()
    m = re.search(r'^smsgw_router_quota_refused_total\{kind="account"\} (\S+)$', text, re.M)
    return float(m.group(1)) if m else 0.0


def refused(code_text):
    code, text = code_text
    return code == 452 and text.startswith("4.7.1 daily SMS quota of the account exceeded")


def test_quota_durable():
    with gateway("quota", accounts=ACCOUNTS) as gw:
        port = add_router_metrics(gw)
        gw.start_all()
        for i in range(3):
            code, text = send(gw, i)
            assert code == 250, (i, code, text)
        got = send(gw, 3)
        assert refused(got), got
        assert quota_refusals(port) == 1.0
        want = ["336010203%02d" % i for i in range(3)]
        wait_until(lambda: dests(gw) == want, 20, "3 SMS at the SMSC")
        restart_router(gw)
        got = send(gw, 4)
        assert refused(got), got
        assert quota_refusals(port) == 1.0  # counted since this router started
        log = gw.procs["router"].text()
        assert "account acme over its daily SMS quota (3/day, 3 used today): 1 SMS refused" \
            in log, log
        tomorrow = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        restart_router(gw, tomorrow.strftime("%Y-%m-%dT09:00:00Z"))
        code, text = send(gw, 5)
        assert code == 250, (code, text)
        wait_until(lambda: dests(gw) == want + ["33601020305"], 20, "the next day's SMS")
        assert dests(gw) == want + ["33601020305"], dests(gw)


if __name__ == "__main__":
    run([test_quota_durable])
