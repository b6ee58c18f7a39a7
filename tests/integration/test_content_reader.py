"""`migrate` and `migrate status` read content through one reader.

The loader refuses a symbolic link, a special file (a FIFO) and a file over
1 MiB; `migrate status` used to checksum such files with its own reader
(following the link, blocking on the FIFO). Both now read through
hh_walk_read, so status names the refusal in the loader's words, never
hangs, and migrate refuses the same folder with the same reason.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import MIGRATIONS, check, copy_content, done, migrate, migrated_database, run  # noqa: E402


def status(url, content):
    return run("migrate", "status", "--database-url", url, "--migrations", MIGRATIONS, "--content", content,
               timeout=30)


def line_for(out, path):
    lines = [l for l in out.splitlines() if l.endswith(" " + path) or (" %s " % path) in l]
    return lines[0] if len(lines) == 1 else None


def case(url, folder, path, make, want):
    """Replaces folder/path with what make(full_path) creates; status and migrate both refuse it."""
    full = os.path.join(folder, path)
    saved = tempfile.mkdtemp(prefix="hh-reader-")
    shutil.move(full, os.path.join(saved, "orig.json"))
    make(full, os.path.join(saved, "orig.json"))
    try:
        s = status(url, folder)
        check(s.returncode == 0, "%s: status exit %d: %s" % (path, s.returncode, s.stderr))
        line = line_for(s.stdout, path)
        check(line is not None and ("(refused: %s" % want) in line,
              "%s: status names the refusal %r: %r" % (path, want, line))
        r = migrate(url, content=folder, check=False)
        check(r.returncode != 0 and ("%s:0: %s" % (path, want)) in r.stderr,
              "%s: migrate refuses with %r: %r" % (path, want, r.stderr[-400:]))
    finally:
        os.unlink(full)
        shutil.move(os.path.join(saved, "orig.json"), full)
        shutil.rmtree(saved)


def big(full, orig):
    with open(orig, "rb") as f:
        data = f.read()
    with open(full, "wb") as f:
        f.write(data + b" " * (1024 * 1024 + 1 - len(data)))


url = migrated_database("content_reader")
folder = copy_content()
path = "causes/" + sorted(os.listdir(os.path.join(folder, "causes")))[0]
case(url, folder, path, lambda full, orig: os.symlink(orig, full), "is a symbolic link")
case(url, folder, path, lambda full, orig: os.mkfifo(full), "is not a regular file")
case(url, folder, path, big, "is 1048577 bytes; the limit is 1048576")

s = status(url, folder)
slug = os.path.basename(path)[:-len(".json")]
line = line_for(s.stdout, slug)  # status lists documents: a cause by its slug
check(line is not None and line.split()[0] == "applied", "restored file is applied again: %r" % line)
shutil.rmtree(folder)
done()
