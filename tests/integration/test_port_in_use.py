"""A port in use is an error: a second `healthhub serve` on a busy port exits non-zero and
says so, instead of silently sharing the traffic (SO_REUSEPORT); sharing happens only when
both servers ask for it with --reuse-port."""
import subprocess
import threading

import hh


def second_serve(port, *args):
    return hh.run("serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", URL, *args, timeout=20)


def test_refused(url):
    with hh.Server(url) as first:
        r = second_serve(first.port)
        want = "127.0.0.1:%d is already in use" % first.port
        hh.check(r.returncode != 0, "second serve on a busy port exits non-zero, got %d" % r.returncode)
        hh.check(want in r.stderr + r.stdout, "second serve says %r: %s" % (want, (r.stderr + r.stdout)[-500:]))
        hh.check("--reuse-port" in r.stderr + r.stdout, "the message names --reuse-port")
        # asking to share does not help when the first did not
        r = second_serve(first.port, "--reuse-port")
        hh.check(r.returncode != 0 and want in r.stderr, "--reuse-port alone on the second: still refused")
        hh.check(first.get("/healthz")[0] == 200, "the first server is unharmed")


def test_shared_on_purpose(url):
    with hh.Server(url, "--reuse-port") as first:
        second = subprocess.Popen([hh.BIN, "serve", "--host", "127.0.0.1", "--port", str(first.port),
                                   "--database-url", url, "--reuse-port"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        threading.Thread(target=lambda: lines.extend(second.stdout), daemon=True).start()
        try:
            ok = hh.poll(lambda: any('"msg":"listening"' in l for l in lines), 10)
            hh.check(ok is not None and second.poll() is None,
                     "a second --reuse-port server listens on the same port: %r" % lines[-3:])
            hh.check(first.get("/healthz")[0] == 200, "the port answers")
        finally:
            second.terminate()
            code = second.wait(15)
        hh.check(code == 0, "the second exits 0 on SIGTERM, got %r" % code)


URL = hh.migrated_database("port_in_use")
test_refused(URL)
test_shared_on_purpose(URL)
hh.done()
