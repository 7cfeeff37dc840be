"""chaos smsc_log: what an SMSC peer received, as a list of Submit(time, dest, text).

read_perl(path)  the --log JSON lines of tests/peers/smsc.pl (harness.sms_text decodes
                 the short message); only submits answered with command_status 0 count
                 (a throttled or refused submit_sm was not submitted).
read_sim(path)   the --log event lines of tools/smsc-sim (smsgw-smsc-sim): lines
                 `<ISO time> SMS id=... to=<digits> ... text="<quoted>"`; the simulator
                 accepts every submit it logs this way.
unacked_perl(stdout) / unacked_sim(path): message ids whose receipt the peer sent but
                 (as far as its log tells) never saw acknowledged: neither peer
                 re-sends such a receipt on the next bind, as a real SMSC would.
Times are seconds since the epoch (float, from the log's UTC millisecond stamps).
Texts of one-part SMS only (the campaigns send short texts): a concatenated SMS would
appear as one Submit per part.
"""
import calendar
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
from harness import sms_text  # noqa: E402

Submit = collections.namedtuple("Submit", "time dest text msg_id")
Submit.__new__.__defaults__ = ("",)

SIM_LINE = re.compile(r'^(\S+) SMS id=(\S+) .*? to=(\S+) .*? text="((?:[^"\\]|\\.)*)"$')
SIM_DLR = re.compile(r"^(\S+) DLR id=(\S+) sess=(\d+) ")
SIM_CLOSE = re.compile(r"^(\S+) STATE sess=(\d+) \S+->closing")
PERL_DLR = re.compile(r"^DLR sess=(\d+) seq=(\d+) id=(\S+) ")
PERL_RESP = re.compile(r"^DELIVER_SM_RESP sess=(\d+) seq=(\d+) ")
SIM_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def iso_time(stamp):
    """'2025-01-31T12:34:56.789Z' -> epoch seconds."""
    base, _, frac = stamp.rstrip("Z").partition(".")
    secs = calendar.timegm(tuple(int(x) for x in re.split(r"[-T:]", base)) + (0, 0, 0))
    return secs + (float("0." + frac) if frac else 0.0)


def read_perl(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("command_status", 0) != 0:
                continue
            out.append(Submit(iso_time(rec["time"]), rec["destination_addr"], sms_text(rec),
                              rec.get("message_id", "")))
    return out


def unquote(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "x" and i + 3 < len(text):
                out.append(chr(int(text[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(SIM_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def read_sim(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = SIM_LINE.match(line.rstrip("\n"))
            if m:
                out.append(Submit(iso_time(m.group(1)), m.group(3), unquote(m.group(4)),
                                  m.group(2)))
    return out


def unacked_perl(stdout_path):
    """Message ids whose receipt (deliver_sm) the Perl peer sent and never saw answered
    (from its stdout: DLR and DELIVER_SM_RESP lines, matched by session and sequence)."""
    sent, answered = {}, set()
    if os.path.exists(stdout_path):
        with open(stdout_path, errors="replace") as f:
            for line in f:
                m = PERL_DLR.match(line)
                if m:
                    sent[(m.group(1), m.group(2))] = m.group(3)
                m = PERL_RESP.match(line)
                if m:
                    answered.add((m.group(1), m.group(2)))
    return {msg_id for key, msg_id in sent.items() if key not in answered}


def unacked_sim(path, within=3.0):
    """Message ids whose receipt the simulator sent on a session that closed within
    `within` seconds after it (the simulator does not log deliver_sm_resp, so this is
    the closest sign that the gateway could not answer it)."""
    dlrs, closes = [], {}
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            for line in f:
                m = SIM_DLR.match(line)
                if m:
                    dlrs.append((iso_time(m.group(1)), m.group(2), m.group(3)))
                m = SIM_CLOSE.match(line)
                if m:
                    closes[m.group(2)] = iso_time(m.group(1))
    return {i for t, i, sess in dlrs if sess in closes and 0 <= closes[sess] - t <= within}
