#!/usr/bin/python3
"""smsgwctl's list commands against a gateway state directory: STOP lists (add, check,
import, export, remove) and the portability table (import, lookup, count, a bad file
refused with the table kept), each checking output and exit codes."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, run  # noqa: E402

CTL = os.path.join(BUILD, "tools", "smsgwctl")


def ctl(conf, *args, stdin=None):
    p = subprocess.run([CTL, "-c", conf] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def config(tmp):
    path = os.path.join(tmp, "smsgw.conf")
    with open(path, "w") as f:
        f.write('domain = "sms.test"; state_dir = "%s/state"; dlr = { from = "a@sms.test"; };\n'
                'operators = ( { name = "orange"; binds = ( { host = "h"; system_id = "s"; } ); },'
                ' { name = "sfr"; binds = ( { host = "h"; system_id = "s"; } ); } );\n'
                'accounts = ( { name = "acme"; senders = [ "allow:@acme.test" ]; } );\n' % tmp)
    return path


def test_blacklist_commands():
    with tempfile.TemporaryDirectory() as tmp:
        conf = config(tmp)
        assert ctl(conf, "blacklist", "add", "acme", "06 01 02 03 04")[0] == 0
        rc, out, _ = ctl(conf, "blacklist", "check", "acme", "+33601020304")
        assert rc == 0 and "is listed" in out, out
        assert ctl(conf, "blacklist", "check", "other", "+33601020304")[0] == 1
        assert ctl(conf, "blacklist", "add", "acme", "hello")[0] == 2
        rc, _, err = ctl(conf, "blacklist", "import", "acme", "-",
                         stdin="numero\n0701020304\nnope\n+33701020305;other\n")
        assert rc == 0 and "2 number(s) added, 1 line(s) refused" in err, err
        rc, out, _ = ctl(conf, "blacklist", "export", "acme")
        lines = out.splitlines()
        assert [l.split(";")[1] for l in lines] == ["+33601020304", "+33701020304"], out
        assert lines[0].endswith(";ctl") and lines[1].endswith(";import")
        assert ctl(conf, "blacklist", "remove", "acme", "0601020304")[0] == 0
        assert ctl(conf, "blacklist", "remove", "acme", "0601020304")[0] == 1
        assert ctl(conf, "blacklist")[0] == 2


def test_portability_commands():
    with tempfile.TemporaryDirectory() as tmp:
        conf = config(tmp)
        rc, _, err = ctl(conf, "portability", "import", "-",
                         stdin="number;operator\n0601020304;sfr\n0601020305;bouygues\nx;y\n")
        assert rc == 0 and "2 number(s) loaded, 1 line(s) refused" in err, err
        rc, out, _ = ctl(conf, "portability", "lookup", "+33601020304")
        assert rc == 0 and out.strip() == "+33601020304 sfr", out
        rc, out, _ = ctl(conf, "portability", "lookup", "0601020305")
        assert "(not a configured operator)" in out, out
        assert ctl(conf, "portability", "lookup", "0601020306")[0] == 1
        rc, _, err = ctl(conf, "portability", "import", "-", stdin="garbage\n")
        assert rc == 1 and "table kept" in err, err
        assert ctl(conf, "portability", "count")[1].strip() == "2"


if __name__ == "__main__":
    run([test_blacklist_commands, test_portability_commands])
