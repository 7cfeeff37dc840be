#!/usr/bin/python3
"""deploy/systemd: every unit passes `systemd-analyze verify` (with ExecStart pointed at
this build, since verify checks that the programs exist), and the hardening the
operations guide promises is there: user smsgw, ProtectSystem=strict, NoNewPrivileges,
PrivateTmp, state directory for the stateful pair only, CAP_NET_BIND_SERVICE for the
ingress only, SIGHUP reload, SIGTERM stop, restart on failure."""
import configparser
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, TOP, run  # noqa: E402

UNITS = os.path.join(TOP, "deploy", "systemd")
BUILT = {"smsgw-router": "router", "smsgw-dlr": "dlr", "smsgw-ingress": "smtp-ingress",
         "smsgw-egress": "smpp-egress", "smsgwctl": "tools"}


def service(name):
    p = configparser.ConfigParser(strict=False, interpolation=None)
    p.optionxform = str
    with open(os.path.join(UNITS, name)) as f:  # repeated keys: keep them all
        text = re.sub(r"^(SystemCallFilter)=", lambda m: "%s.%d=" % (m.group(1), id(m)), f.read(),
                      flags=re.M)
    p.read_string(text)
    return p


def test_units_verify():
    assert shutil.which("systemd-analyze"), "systemd-analyze missing (Debian package systemd)"
    d = tempfile.mkdtemp(prefix="smsgw-units-")
    try:
        for path in glob.glob(os.path.join(UNITS, "*.service")) + \
                glob.glob(os.path.join(UNITS, "*.target")):
            with open(path) as f:
                text = f.read()
            text = re.sub(r"/usr/local/bin/(smsgw[a-z-]*)",
                          lambda m: os.path.join(BUILD, BUILT[m.group(1)], m.group(1)), text)
            with open(os.path.join(d, os.path.basename(path)), "w") as f:
                f.write(text)
        shutil.copy(os.path.join(d, "smsgw-egress@.service"),
                    os.path.join(d, "smsgw-egress@orange.service"))
        names = ["smsgw-router.service", "smsgw-dlr.service", "smsgw-ingress.service",
                 "smsgw-egress@orange.service", "smsgw.target"]
        p = subprocess.run(["systemd-analyze", "verify", "--man=no"] + names, cwd=d,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0 and p.stdout == "" and p.stderr == "", \
            (p.returncode, p.stdout, p.stderr)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_units_hardened():
    units = {n: service(n)["Service"] for n in ("smsgw-router.service", "smsgw-dlr.service",
                                                  "smsgw-ingress.service",
                                                  "smsgw-egress@.service")}
    for name, s in units.items():
        for key, want in (("User", "smsgw"), ("ProtectSystem", "strict"),
                          ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                          ("KillSignal", "SIGTERM"), ("Restart", "on-failure"),
                          ("ExecReload", "/bin/kill -HUP $MAINPID")):
            assert s.get(key) == want, (name, key, s.get(key))
        stateful = name in ("smsgw-router.service", "smsgw-dlr.service")
        assert (s.get("StateDirectory") == "smsgw") == stateful, name
        assert (s.get("ReadWritePaths") == "/var/lib/smsgw") == stateful, name
        caps = "CAP_NET_BIND_SERVICE" if name == "smsgw-ingress.service" else ""
        assert s.get("CapabilityBoundingSet") == caps, (name, s.get("CapabilityBoundingSet"))
        assert s.get("AmbientCapabilities") == caps, name
    assert "--operator %i" in units["smsgw-egress@.service"]["ExecStart"]
    for n in units:
        assert service(n)["Install"]["WantedBy"] == "smsgw.target", n
    assert service("smsgw.target")["Install"]["WantedBy"] == "multi-user.target"


if __name__ == "__main__":
    run([test_units_verify, test_units_hardened])
