#!/usr/bin/python3
"""Issue 7, the egress's binds against an SMSC we did not write (Net::SMPP,
tests/peers/smsc.pl): a hostile PDU corpus sent by the SMSC after bind (each request
answered generic_nack, each bad response ignored, each bad command_length dropping the
connection, and the egress never crashes and still delivers), an unbind from the SMSC
answered and re-bound, and two operators with N binds each (transceiver, and
transmitter+receiver) sharing the traffic."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TOP, gateway, run, wait_until  # noqa: E402
from test_egress_flow import answered, dests, numbers, ok_dests, send_list, stop_clean  # noqa: E402

HOSTILE = os.path.join(TOP, "tests/unit/data/egress/hostile.tsv")
# What the egress must do with each PDU of the corpus.
EXPECT = {
    "unknown_command": "nack 0x00000003",
    "data_sm_unsupported": "nack 0x00000003",
    "alert_notification": "nack 0x00000003",
    "enquire_link_with_body": "nack 0x00000002",
    "deliver_sm_truncated_string": "nack 0x00000002",
    "deliver_sm_service_type_too_long": "nack 0x00000002",
    "deliver_sm_sm_length_past_end": "nack 0x00000002",
    "deliver_sm_tlv_overflow": "nack 0x00000002",
    "deliver_sm_tlv_partial_header": "nack 0x00000002",
    "deliver_sm_too_many_tlvs": "nack 0x00000002",
    "submit_sm_resp_unknown_seq_garbage": "ignore",
    "bind_resp_unexpected": "ignore",
    "unknown_response": "ignore",
    "generic_nack_unknown_seq": "ignore",
    "command_length_8": "drop",
    "command_length_huge": "drop",
    "command_length_65537": "drop",
}


def corpus():
    with open(HOSTILE) as f:
        return [l.split("\t")[0] for l in f if l.strip() and not l.startswith("#")]


def test_hostile_pdus_nacked_or_dropped():
    names = corpus()
    assert sorted(names) == sorted(EXPECT), "corpus and expectations differ"
    with gateway("hostile", smsc_args=["--dlr-delay", "0.1", "--hostile", HOSTILE]) as gw:
        gw.start_all()
        wait_until(lambda: "HOSTILE_DONE" in gw.procs["smsc"].text(), 60, "the whole corpus")
        n_drops = sum(1 for v in EXPECT.values() if v == "drop")
        # the last PDU drops the connection: wait for the bind after it
        wait_until(lambda: len(re.findall(r"^BIND ", gw.procs["smsc"].text(), re.M)) == n_drops + 1,
                   20, "the egress bound again after the last drop")
        assert gw.procs["egress"].p.poll() is None, "the egress died"
        peer = gw.procs["smsc"].text()
        # each hostile PDU's sequence_number is answered (or not) as expected
        sent = re.findall(r"^HOSTILE sess=(\d+) name=(\S+)$", peer, re.M)
        assert [n for _, n in sent] == names, sent
        nacks = re.findall(r"^RESP sess=(\d+) cmd=0x80000000 seq=(\d+) status=(0x[0-9A-F]+)$",
                           peer, re.M)
        want = [(0x101 + i, EXPECT[n].split()[1]) for i, n in enumerate(names)
                if EXPECT[n].startswith("nack")]
        assert sorted((int(seq), st) for _, seq, st in nacks) == sorted(want), nacks
        closes = re.findall(r"^CLOSE sess=(\d+) reason=peer closed$", peer, re.M)
        last = {}
        for s, n in sent:
            last[s] = n  # the last PDU a session received before it closed
        dropped = [last[s] for s in closes if s in last]
        assert dropped == [n for n in names if EXPECT[n] == "drop"], (dropped, closes)
        log = gw.procs["egress"].text()
        assert log.count("dropping the connection") == n_drops, log
        # and it still works
        sub = send_list(gw, ["0601020304"])
        wait_until(lambda: gw.receipts(sub, "delivered"), 30, "delivered after the corpus")
        assert gw.procs["egress"].p.poll() is None
        stop_clean(gw)


def test_unbind_from_smsc_answered_and_rebound():
    with gateway("unbind", smsc_args=["--dlr-delay", "0.1", "--unbind-after", "3"],
                 bind_opts="window = 1;") as gw:
        gw.start_all()
        nums = numbers(6)
        sub = send_list(gw, nums)
        wait_until(lambda: gw.receipts(sub, "delivered"), 30, "every SMS delivered")
        peer = gw.procs["smsc"].text()
        m = re.search(r"^UNBIND_SENT sess=1 seq=(\d+)$", peer, re.M)
        assert m and "UNBIND_RESP sess=1 seq=%s status=0x00000000" % m.group(1) in peer, peer
        binds = re.findall(r"^BIND sess=(\d+) type=transceiver", peer, re.M)
        assert binds == ["1", "2"], binds
        assert set(ok_dests(gw)) == dests(nums)
        assert len(gw.submits()) <= 6 + 1  # at most the window again
        assert "unbind from the SMSC" in gw.procs["egress"].text()
        stop_clean(gw)


OPB = """{ name = "opb"; prefixes = [ "+33778" ]; enquire_link_s = 5; response_timeout_s = 5;
          binds = ( { host = "127.0.0.1"; port = %(smsc2)d; system_id = "smsgwb"; password = "pw";
                      mode = "transmitter+receiver"; count = 2; window = 5; } ); }"""


def test_two_operators_n_binds():
    with gateway("two-ops", smsc_args=["--dlr-delay", "0.2"], bind_opts="count = 2;",
                 extra_operators=OPB, extra_ports=("smsc2",)) as gw:
        gw.start_smsc()
        gw.start_smsc("smsc2", ["--dlr-delay", "0.2"])
        gw.start_sink()
        for name in ("router", "dlr", "egress", "ingress"):
            gw.start(name)
        gw.start("egress", operator="opb")
        a, b = numbers(6), ["0778%06d" % i for i in range(6)]
        wait_until(lambda: gw.procs["smsc2"].text().count("BIND ") == 4, 20, "opb's binds")
        sub = send_list(gw, a + b)
        wait_until(lambda: gw.receipts(sub, "delivered"), 30, "every SMS delivered")
        p1, p2 = gw.procs["smsc"].text(), gw.procs["smsc2"].text()
        types1 = sorted(re.findall(r"^BIND sess=\d+ type=(\w+) system_id=smsgw ", p1, re.M))
        types2 = sorted(re.findall(r"^BIND sess=\d+ type=(\w+) system_id=smsgwb ", p2, re.M))
        assert types1 == ["transceiver"] * 2, types1
        assert types2 == ["receiver"] * 2 + ["transmitter"] * 2, types2
        assert sorted(ok_dests(gw)) == sorted(dests(a))
        assert sorted(ok_dests(gw, "smsc2")) == sorted(dests(b))
        assert len({x[0] for x in answered(gw)}) == 2, "both transceivers carry traffic"
        tx2 = {s for s, t in re.findall(r"^BIND sess=(\d+) type=(\w+)", p2, re.M)
               if t == "transmitter"}
        assert {str(x[0]) for x in answered(gw, "smsc2")} == tx2, "both transmitters, only"
        rx2 = {s for s, t in re.findall(r"^BIND sess=(\d+) type=(\w+)", p2, re.M)
               if t == "receiver"}
        dlr_sess = set(re.findall(r"^DLR sess=(\d+) ", p2, re.M))
        assert dlr_sess and dlr_sess <= rx2, (dlr_sess, rx2)  # receipts came by receivers
        stop_clean(gw)
        stop_clean(gw, "egress-opb")


if __name__ == "__main__":
    run([test_hostile_pdus_nacked_or_dropped, test_unbind_from_smsc_answered_and_rebound,
         test_two_operators_n_binds])
