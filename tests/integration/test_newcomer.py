"""The README's run command, as a newcomer meets it: a fresh clone (a copy of the tree
without what git ignores) in a folder that the `postgres` user cannot enter (like a clone
in /root, mode 700), `./scripts/run` to readiness, then Ctrl-C. The private cluster must start (its data outside the clone), the
banner must give a database URL that `healthhub migrate status` accepts, and Ctrl-C must
stop the server and the cluster."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import hh


# What a fresh clone lacks (.gitignore, and git's own folder): copied without them, so the
# test needs no git (a minimal Debian 12 with only what scripts/setup installs has none).
NOT_IN_A_CLONE = {".git", ".run", "bench/results", "Testing"}


def not_in_a_clone(src, names):
    rel = os.path.relpath(src, hh.SRC)
    skip = set()
    for n in names:
        path = n if rel == "." else os.path.join(rel, n)
        if path in NOT_IN_A_CLONE or (rel == "." and n.startswith("build")) or n in (
                "node_modules", "__pycache__") or n.endswith(".o"):
            skip.add(n)
    return skip


def clone():
    parent = tempfile.mkdtemp(prefix="hh-home-")  # mode 700, as /root is
    os.chmod(parent, 0o700)
    dst = os.path.join(parent, "healthhub")
    shutil.copytree(hh.SRC, dst, symlinks=True, ignore=not_in_a_clone)
    return parent, dst


def start_run(dst, port):
    env = dict(os.environ)
    for k in ("DATABASE_URL", "HH_LOG_DIR", "HOST"):
        env.pop(k, None)
    env["PORT"] = str(port)
    proc = subprocess.Popen(["./scripts/run"], cwd=dst, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    return proc, lines


def banner_value(lines, name):
    for l in lines:
        m = re.match(r"\s+%s:\s+(\S+)" % name, l)
        if m:
            return m.group(1)
    return None


def test_run_in_private_home():
    parent, dst = clone()
    port = hh.free_port()
    proc, lines = start_run(dst, port)
    where = None
    try:
        t0 = time.monotonic()
        ok = hh.poll(lambda: hh.request(port, "GET", "/v1/causes")[0] == 200, 480, step=0.2)
        text = "".join(lines)
        hh.check(ok is not None, "./scripts/run in a mode-700 folder serves /v1/causes:\n" + text[-3000:])
        if ok is None:
            return
        print("ready %.1f s after ./scripts/run" % (time.monotonic() - t0))
        for step in ("installing", "building", "starting a private PostgreSQL cluster", "migrating"):
            if step == "installing":
                continue  # only when something is missing
            hh.check(re.search(r"%s.*done in \d+ s" % re.escape(step), text) is not None,
                     "a progress line with its time for %r" % step)
        binary = banner_value(lines, "binary")
        hh.check(binary == os.path.join(dst, "build", "healthhub"), "banner names the binary: %r" % binary)
        url = banner_value(lines, "database")
        hh.check(url is not None and "/healthhub?" in url, "banner names the served database: %r" % url)
        m = re.search(r"data and log in (\S+)", text)
        where = m.group(1) if m else None
        hh.check(where is not None and not where.startswith(parent), "cluster data outside the clone: %r" % where)
        if url:
            st = subprocess.run([binary, "migrate", "status", "--database-url", url], capture_output=True, text=True)
            hh.check(st.returncode == 0 and "pending" not in st.stdout,
                     "the banner's URL is the migrated database: %s%s" % (st.stdout[-800:], st.stderr[-300:]))
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C goes to the terminal's process group
        try:
            code = proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
        time.sleep(0.2)
        text = "".join(lines)
        hh.check(code in (0, 130), "Ctrl-C ends ./scripts/run (exit %r)" % code)
        hh.check('"msg":"stopped"' in text, "the server stopped gracefully")
        if where:
            pid = os.path.join(where, "data", "postmaster.pid")
            hh.check(not os.path.exists(pid), "the private cluster is stopped")
            shutil.rmtree(where, ignore_errors=True)
        shutil.rmtree(parent, ignore_errors=True)


if os.geteuid() != 0:
    print("skip: the mode-700 case is about root's clone (postgres cannot enter it); running as a user, "
          "the cluster runs as that user")
test_run_in_private_home()
hh.done()
