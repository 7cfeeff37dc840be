#!/usr/bin/python3
"""SPF and DKIM verdicts computed by the real smsgw-ingress and enforced by the router,
offline: ingress.dns_zone_file is the only DNS. Messages are DKIM-signed by a signer we
did not write (Python's dkim module) with an RSA key made at test time by the openssl
CLI; the public key is published in the zone. Account "acme" requires DKIM, "beta"
requires SPF. Each mail reaches the router exactly once; the router accepts or refuses
it by the verdicts (550 5.7.1 from the router's reply).

libspf2 treats a loopback client as SPF pass whatever the record says, and tests can
only connect from loopback: SPF fail/none are covered by the unit test
(test_si_authcheck.c) with other client addresses."""
import base64
import email.utils
import os
import subprocess
import sys
import time

import dkim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import run  # noqa: E402
from ingress_util import (RCPT, ingress_gateway, raw_session, router_count,  # noqa: E402
                          set_ingress_keys, start_router_ingress, wait_router_count)

ACCOUNTS = ('{ name = "acme"; senders = [ "allow:@acme.test" ]; require_dkim = true; }, '
            '{ name = "beta"; senders = [ "allow:@beta.test" ]; require_spf = true; }')


def make_zone(directory):
    key = os.path.join(directory, "dkim.key")
    subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    der = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"],
                         check=True, timeout=30, capture_output=True).stdout
    zone = os.path.join(directory, "zone.txt")
    with open(zone, "w") as f:
        f.write("sel._domainkey.acme.test TXT v=DKIM1; k=rsa; p=%s\n"
                % base64.b64encode(der).decode())
        f.write("beta.test TXT v=spf1 ip4:127.0.0.0/8 -all\n")
    with open(key, "rb") as f:
        return zone, f.read()


def message(sender, body="Bonjour"):
    return ("From: %s\r\nTo: %s\r\nSubject: auth\r\nMessage-ID: <%d@x.test>\r\nDate: %s\r\n"
            "\r\n%s\r\n" % (sender, RCPT, time.time_ns(), email.utils.formatdate(), body)).encode()


def signed(msg, key, domain="acme.test"):
    sig = dkim.sign(msg, b"sel", domain.encode(), key,
                    include_headers=[b"From", b"To", b"Subject", b"Message-ID"])
    return sig + msg


def send(gw, sender, msg):
    """One raw session; returns the reply to the end of DATA."""
    data = msg.replace(b"\r\n.", b"\r\n..") + b".\r\n"
    steps = [("EHLO c.test\r\nMAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (sender, RCPT)).encode(),
             data, b"QUIT\r\n"]
    replies, _ = raw_session(gw.ports["smtp"], steps, timeout=15)
    assert replies[:5] == ["220", "250", "250 2.1.0", "250 2.1.5", "354"], replies
    return replies[5]


def test_verdicts_enforced_by_the_router():
    with ingress_gateway("spf-dkim", gw_args=dict(accounts=ACCOUNTS)) as gw:
        zone, key = make_zone(gw.dir)
        set_ingress_keys(gw, dns_zone_file=zone)
        start_router_ingress(gw)
        a = "compta@acme.test"
        cases = [
            ("signed, aligned", a, signed(message(a), key), "250 2.0.0", "dkim pass"),
            ("unsigned", a, message(a), "550 5.7.1", "dkim none"),
            ("body changed after signing",
             a, signed(message(a), key).replace(b"Bonjour", b"Bonsoir"), "550 5.7.1",
             "dkim fail"),
            ("signed by another domain", a, signed(message(a), key, "other.test"), "550 5.7.1",
             "dkim fail"),
            ("SPF account from a listed address", "ops@beta.test", message("ops@beta.test"),
             "250 2.0.0", "spf pass"),
        ]
        failures = []
        for n, (name, sender, msg, want, verdict) in enumerate(cases, 1):
            got = send(gw, sender, msg)
            seen = wait_router_count(gw, n, settle=0.1)
            log = gw.procs["ingress"].text().splitlines()
            line = [l for l in log if "sent to the router" in l][-1]
            if got != want or seen != n or verdict not in line:
                failures.append("%s: reply %s (want %s), router saw %d (want %d), log %r"
                                % (name, got, want, seen, n, line))
        assert not failures, "\n".join(failures)
        assert "SPF checked, DKIM checked, resolver " + zone in gw.procs["ingress"].text()
        assert router_count(gw) == len(cases)


if __name__ == "__main__":
    run([test_verdicts_enforced_by_the_router])
