#!/usr/bin/python3
"""Routing by portability (SPEC §7): two operators with their own SMSC peers (Net::SMPP);
+33778… belongs to "opb" by prefix, everything else to "opa". Importing a portability
file with `smsgwctl portability import` while the gateway runs moves one number from
opa to opb: the next SMS to it goes to opb's SMSC, its neighbour still to opa's."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, gateway, run, wait_until  # noqa: E402

OPB = """{ name = "opb"; prefixes = [ "+33778" ];
          binds = ( { host = "127.0.0.1"; port = %(smsc2)d; system_id = "smsgwb"; } ); }"""


def dests(gw, key):
    return sorted(s["destination_addr"] for s in gw.submits(key))


def test_ported_number_goes_to_its_new_operator():
    with gateway("port", smsc_args=["--dlr-delay", "0.2"], extra_operators=OPB,
                 extra_ports=("smsc2",)) as gw:
        gw.start_smsc()
        gw.start_smsc("smsc2", ["--dlr-delay", "0.2"])
        gw.start_sink()
        for name in ("router", "dlr", "egress", "ingress"):
            gw.start(name)
        gw.start("egress", operator="opb")
        for n in ("0601020304", "0778000001"):
            assert gw.send("compta@acme.test", ["SMS=%s@sms.test" % n], "before", "x")[0] == 250
        wait_until(lambda: len(gw.submits("smsc")) == 1 and len(gw.submits("smsc2")) == 1, 20,
                   "one SMS at each SMSC")
        assert dests(gw, "smsc") == ["33601020304"] and dests(gw, "smsc2") == ["33778000001"]
        p = subprocess.run([os.path.join(BUILD, "tools", "smsgwctl"), "-c", gw.config,
                            "portability", "import", "-"],
                           input="number;operator\n0601020304;opb\n0778000001;opa\n",
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        for n in ("0601020304", "0601020305", "0778000001"):
            assert gw.send("compta@acme.test", ["SMS=%s@sms.test" % n], "after", "y")[0] == 250
        wait_until(lambda: len(gw.submits("smsc")) + len(gw.submits("smsc2")) == 5, 20,
                   "the three new SMS")
        assert dests(gw, "smsc") == ["33601020304", "33601020305", "33778000001"], dests(gw, "smsc")
        assert dests(gw, "smsc2") == ["33601020304", "33778000001"], dests(gw, "smsc2")


if __name__ == "__main__":
    run([test_ported_number_goes_to_its_new_operator])
