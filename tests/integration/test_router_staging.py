#!/usr/bin/python3
"""A big list is stored in chunks (router/rt_stage.h): its jobs are committed every 5,000
while they are made, and stay invisible until the submission's record is committed
with the last chunk. kill -9 of the router while a 30,000-line LISTE.TXT is staged
(SMSGW_STAGE_PAUSE_MS holds the router 1 s after each chunk, and the router logs each
chunk): at that moment the store holds the 5,000 staged jobs and no submission, and the
SMSC got nothing. After the restart the router deletes them before it loads the queue,
the ingress's re-sent SUBMIT is stored afresh (a new number: the burned one is never
used), the client gets its 250, and the SMSC gets exactly one SMS per recipient, all of
the new submission; no job of the burned number is left or sent.

The ACCEPTED event is stored once (in `submissions`; the outbox entry to dlr is empty
and refers to it): a router restarted while dlr is away still sends it, and the
acceptance receipt names the list's recipients."""
import collections
import os
import re
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "chaos"))
import harness  # noqa: E402
from harness import gateway, run, wait_until  # noqa: E402
from smsc_log import read_sim  # noqa: E402

LINES = 30000


def number(i):
    return "06%08d" % (20000000 + i)


def jobs_by_submission(state):
    """{submission: jobs} of the router's `jobs` (mdb_dump, read-only): a record is the
    16-byte rt_job_rec, then the JOB: version, type, u64 job_id, u32 attempt, then the
    submission as a u32 big-endian length and its bytes."""
    out = subprocess.run(["mdb_dump", "-s", "jobs", os.path.join(state, "router")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    body = out.stdout.split("HEADER=END\n", 1)[1].splitlines()
    values = [bytes.fromhex(line.strip()) for line in body[1::2] if line.startswith(" ")]
    count = collections.Counter()
    for v in values:
        n = int.from_bytes(v[30:34], "big")
        count[v[34:34 + n].decode()] += 1
    return count


def submissions(state):
    out = subprocess.run(["mdb_stat", "-s", "submissions", os.path.join(state, "router")],
                         capture_output=True, text=True, timeout=30)
    m = re.search(r"Entries: (\d+)", out.stdout)
    assert m, out.stdout + out.stderr
    return int(m.group(1))


def test_kill_while_staging_sends_each_recipient_once():
    with gateway("staging", router_timeout_ms=60000, job_timeout_s=120) as gw:
        state = os.path.join(gw.dir, "state")
        sim_log = os.path.join(gw.dir, "sim.log")
        sim = harness.Proc("smsc-sim", [os.path.join(harness.BUILD, "tools", "smsgw-smsc-sim"),
                                        "--listen", "127.0.0.1:%d" % gw.ports["smsc"], "--quiet",
                                        "--dlr-delay-ms", "0", "--log", sim_log],
                           gw.dir, "READY")
        gw.all.append(sim)
        gw.start_sink()
        os.environ["SMSGW_STAGE_PAUSE_MS"] = "1000"
        try:
            first = gw.start("router")
        finally:
            del os.environ["SMSGW_STAGE_PAUSE_MS"]
        for name in ("dlr", "egress", "ingress"):
            gw.start(name)
        wait_until(lambda: "is up" in first.text(), 30, "the egress link")
        liste = "".join(number(i) + "\n" for i in range(LINES)).encode()
        reply = {}
        client = threading.Thread(target=lambda: reply.update(r=gw.send(
            "compta@acme.test", ["multi_sms@sms.test"], "big", "Votre colis arrive",
            attachments=[("LISTE.TXT", liste)])))
        client.start()
        wait_until(lambda: "submission 000001: 5000 job(s) staged" in first.text(), 30,
                   "the first chunk to be staged")
        gw.kill9("router")
        staged = jobs_by_submission(state)
        assert staged == {"000001": 5000}, staged
        assert submissions(state) == 0
        assert read_sim(sim_log) == [], "an SMS of a half-stored submission was sent"

        second = gw.start("router")
        client.join(40)
        assert not client.is_alive(), "no answer to the client"
        code, text = reply["r"]
        assert code == 250, (code, text)
        assert "submission 000002" in text, text
        assert "5000 staged job(s) of a submission never completed deleted" in second.text()
        # the sweep runs before the queue is loaded: whatever is left is the new submission's
        left = jobs_by_submission(state)
        assert set(left) <= {"000002"}, left

        wait_until(lambda: len(read_sim(sim_log)) >= LINES, 90, "%d SMS at the SMSC" % LINES)
        wait_until(lambda: gw.receipts("000002", "delivered"), 60, "the final receipt")
        sent = collections.Counter(s.dest for s in read_sim(sim_log))
        assert len(sent) == LINES and set(sent.values()) == {1}, \
            [d for d, n in sent.items() if n != 1][:5]
        assert sent.keys() == {"33" + number(i)[1:] for i in range(LINES)}
        assert "submission 000001 job" not in second.text()
        assert [m["X-SMSGW-Submission"] for m in gw.mails()] == ["000002", "000002"]
        assert jobs_by_submission(state) == {}
        assert submissions(state) == 1


def outbox_values(state):
    """The router's `to_dlr` outbox as {key: value length} (mdb_dump, read-only)."""
    out = subprocess.run(["mdb_dump", "-s", "to_dlr", os.path.join(state, "router")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    body = out.stdout.split("HEADER=END\n", 1)[1].splitlines()
    pairs = [line.strip() for line in body if line.startswith(" ")]
    return {bytes.fromhex(k).decode(): len(bytes.fromhex(v)) for k, v in zip(pairs[::2], pairs[1::2])}


def test_accepted_event_resent_from_its_submission_record():
    with gateway("accref") as gw:
        state = os.path.join(gw.dir, "state")
        gw.start_smsc()
        gw.start_sink()
        gw.start("router")
        gw.start("ingress")
        liste = "".join(number(i) + "\n" for i in range(3)).encode()
        code, text = gw.send("compta@acme.test", ["multi_sms@sms.test"], "ref", "Bonjour",
                             attachments=[("LISTE.TXT", liste)])
        assert code == 250, (code, text)
        sub = re.search(r"submission (\d+)", text).group(1)
        gw.kill9("router")
        assert outbox_values(state) == {"acc:" + sub: 0}  # a reference, not a second copy
        gw.start("router")
        gw.start("dlr")
        acc = wait_until(lambda: gw.receipts(sub, "accepted"), 20, "the acceptance receipt")
        body = acc[0].get_body(("plain",)).get_content()
        assert "Destinataires acceptés : 3" in body, body
        for i in range(3):
            assert "- ligne %d : +33%s" % (i + 1, number(i)[1:]) in body, body
        gw.start("egress")
        wait_until(lambda: gw.receipts(sub, "delivered"), 30, "the final receipt")
        assert sorted(s["destination_addr"] for s in gw.submits()) == \
            ["33" + number(i)[1:] for i in range(3)]
        wait_until(lambda: outbox_values(state) == {}, 20, "the outbox to empty")


if __name__ == "__main__":
    run([test_kill_while_staging_sends_each_recipient_once,
         test_accepted_event_resent_from_its_submission_record])
