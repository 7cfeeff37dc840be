#!/usr/bin/python3
"""Issue 5, end to end: long texts reach an SMSC we did not write (Net::SMPP, in
tests/peers/smsc.pl) under each long-message method of the operator (udh, udh16, sar,
payload)
and each GSM coding (0: GSM 03.38 unpacked, 3: Latin-1), and the parts the peer logged
reassemble exactly into the text that was mailed.

The reassembly is done here, independently of the gateway's codec: the UDH is parsed in
Python (IE 00 or 08), the SAR TLVs come from the peer's log, message_payload as is; each
part is decoded on its own (so an escape or a surrogate pair split across two parts
would show) and the parts must match a segmentation computed here (153 septets / 67
UCS-2 units per part, an escape pair or a surrogate pair never split)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import GSM_DEFAULT, GSM_EXTENSION, gateway, gsm_decode, run, wait_until  # noqa: E402
from test_egress_flow import stop_clean  # noqa: E402

GSM_EXT_CHARS = set(GSM_EXTENSION.values())


def gsm_units(ch):
    if ch in GSM_EXT_CHARS:
        return 2
    return 1 if ch in GSM_DEFAULT and ch != "\x1b" else None


def is_gsm(text):
    return all(gsm_units(c) for c in text)


def units(ch, gsm):
    return gsm_units(ch) if gsm else len(ch.encode("utf-16-be")) // 2


def segment(text, method="udh"):
    """Expected parts of text: 160/70 in one part, else greedy 153/67 (152/66 with the
    16-bit reference UDH) without splitting a character."""
    gsm = is_gsm(text)
    total = sum(units(c, gsm) for c in text)
    if total <= (160 if gsm else 70):
        return [text]
    wide = method == "udh16"
    cap, parts, cur, n = ((152 if wide else 153) if gsm else (66 if wide else 67)), [], "", 0
    for c in text:
        u = units(c, gsm)
        if n + u > cap:
            parts.append(cur)
            cur, n = "", 0
        cur, n = cur + c, n + u
    return parts + [cur]


# A part boundary falls exactly on an extension character / a surrogate pair in each.
GSM_EURO = ("x" * 152 + "€" + "Votre facture de 12€ est réglée, merci. " * 3 + "y" * 30
            + "€uro" + " Agence Ω Δ Φ Γ fin.")
LATIN_EXT = "[]{}~^|\\"
GSM_LATIN = ("a" * 152 + "{" + "Réf. [ABC] ~ à é è ù ì ò Ä Ö Ñ Ü å Æ ß ¿ ¡ £ ¥ § " * 3)
GSM_LATIN = GSM_LATIN[:305] + "}" + "".join(LATIN_EXT) + " fin"
UCS2 = ("Привет, ваш заказ № 42 готов к выдаче в пункте самовывоза. " * 4).strip()
EMOJI = "Ok" * 33 + "😀" + "Rendez-vous confirmé 👍 à demain 10h" + "é" * 30 + "🎉" * 4 + " fin"

TEXTS = [("0601020301", GSM_EURO), ("0601020302", GSM_LATIN), ("0601020303", UCS2),
         ("0601020304", EMOJI)]


def check_fixtures():
    """The texts put a boundary where the brief says (guards against edits here)."""
    assert GSM_EURO[152] == "€" and len(segment(GSM_EURO)[0]) == 152
    assert segment(GSM_LATIN)[0][-1] == "a" and segment(GSM_LATIN)[1][0] == "{"
    assert not is_gsm(UCS2) and len(segment(UCS2)) == 4
    assert EMOJI[66] == "😀" and segment(EMOJI)[1].startswith("😀")
    assert all(len(t) <= 750 for _, t in TEXTS)


def decode(raw, dcs):
    if dcs == 8:
        return raw.decode("utf-16-be")  # raises on a split surrogate pair
    if dcs == 3:
        return raw.decode("latin-1")
    assert raw[-1:] != b"\x1b", "a part ends with a lone escape: %s" % raw.hex()
    return gsm_decode(raw)


def parse_udh(raw):
    """(ref, total, seq, user data) from a short_message with a UDH."""
    udhl = raw[0]
    ies, i, concat = raw[1:1 + udhl], 0, None
    while i + 2 <= len(ies):
        iei, iel = ies[i], ies[i + 1]
        v = ies[i + 2:i + 2 + iel]
        if iei == 0x00 and iel == 3:
            concat = (v[0], v[1], v[2])
        elif iei == 0x08 and iel == 4:
            concat = (v[0] << 8 | v[1], v[2], v[3])
        i += 2 + iel
    assert concat, "no concatenation IE in UDH %s" % ies.hex()
    return concat + (raw[1 + udhl:],)


def part_of(s, method):
    """(ref, total, seq, text) of one logged submit_sm under the given method."""
    dcs = s["data_coding"]
    raw = bytes.fromhex(s["short_message_hex"])
    if method == "payload":
        assert s["sm_length"] == 0 and "message_payload" in s, s
        return (0, 1, 1, decode(bytes.fromhex(s["message_payload"]), dcs))
    if method == "sar":
        assert not s["esm_class"] & 0x40, s
        ref = int(s["sar_msg_ref_num"], 16)
        return (ref, int(s["sar_total_segments"], 16), int(s["sar_segment_seqnum"], 16),
                decode(raw, dcs))
    assert s["esm_class"] & 0x40 and "sar_msg_ref_num" not in s, s
    assert raw[1] == (0x08 if method == "udh16" else 0x00), "UDH %s under %s" % (raw[:7].hex(),
                                                                             method)
    ref, total, seq, ud = parse_udh(raw)
    return (ref, total, seq, decode(ud, dcs))


def expected_dcs(text, gsm_coding):
    if not is_gsm(text):
        return 8
    latin1 = all(ord(c) < 256 for c in text)
    return 3 if gsm_coding == 3 and latin1 else 0


def reassemble(submits, method, text, gsm_coding):
    parts = sorted((part_of(s, method) for s in submits), key=lambda p: p[2])
    expect = [text] if method == "payload" else segment(text, method)
    assert len(parts) == len(expect), "%d parts, expected %d" % (len(parts), len(expect))
    assert {p[0] for p in parts} == {parts[0][0]}, "references differ: %r" % parts
    assert [(p[1], p[2]) for p in parts] == [(len(expect), i + 1) for i in range(len(expect))]
    assert [p[3] for p in parts] == expect, "parts differ:\n%r\n%r" % ([p[3] for p in parts],
                                                                      expect)
    assert {s["data_coding"] for s in submits} == {expected_dcs(text, gsm_coding)}
    assert "".join(p[3] for p in parts) == text
    return parts[0][0]


def long_texts(method, gsm_coding):
    opts = 'long_method = "%s"; gsm_coding = %d;' % (method, gsm_coding)
    with gateway("long-%s-%d" % (method, gsm_coding), smsc_args=["--no-dlr"],
                 operator_opts=opts) as gw:
        gw.start_all()
        for num, text in TEXTS:
            code, reply = gw.send("compta@acme.test", ["SMS=%s@sms.test" % num], "long", text)
            assert code == 250, (code, reply)
        want = {"33" + n[1:]: (1 if method == "payload" else len(segment(t, method)))
                for n, t in TEXTS}
        wait_until(lambda: len(gw.submits()) >= sum(want.values()), 30, "every part")
        refs = set()
        for num, text in TEXTS:
            dest = "33" + num[1:]
            got = [s for s in gw.submits() if s["destination_addr"] == dest]
            assert len(got) == want[dest], (dest, len(got))
            assert all(s["command_status"] == 0 for s in got)
            refs.add(reassemble(got, method, text, gsm_coding))
        if method != "payload":
            assert len(refs) == len(TEXTS), "a reference was reused: %r" % refs
        stop_clean(gw)


def make(method, gsm_coding):
    def t():
        long_texts(method, gsm_coding)
    t.__name__ = "test_long_%s_gsm_coding_%d" % (method, gsm_coding)
    return t


def test_fixtures():
    check_fixtures()
    assert re.fullmatch(r"x+€.*", GSM_EURO)


if __name__ == "__main__":
    run([test_fixtures] + [make(m, c) for m in ("udh", "sar", "payload") for c in (0, 3)]
        + [make("udh16", 0)])
