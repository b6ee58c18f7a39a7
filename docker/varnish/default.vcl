# docker/varnish/default.vcl - Varnish 7.1 in front of HealthHub.
#
# What it does, and why:
# - caches what HealthHub marks public (Cache-Control max-age / s-maxage),
#   one object per representation: Vary: Accept-Encoding is Varnish's own
#   gzip handling, and Accept is normalised below so that each distinct
#   Accept string a client sends does not become its own object;
# - tags every object with its Surrogate-Key (copied into xkey) and lets
#   HealthHub purge by key: `healthhub serve --purge-url http://<this
#   varnish>/` sends "PURGE /" with the changed keys in "xkey-purge" after
#   each content change, only from the addresses in acl purgers;
# - keeps serving stale answers while revalidating (grace) and while the
#   origin is down (a probe on /healthz marks it sick; grace and keep hold
#   objects for a day), because Varnish ignores stale-if-error;
# - stores nothing specific to one request: HealthHub never puts a request
#   id on a cacheable answer, and the headers below make sure of it.
#
# The values an operator edits: the backend's .host and .port, the ACL,
# and the grace/keep durations.
vcl 4.1;

import std;
import xkey;

backend healthhub {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 2s;
    .first_byte_timeout = 10s;
    .between_bytes_timeout = 5s;
    # With `healthhub serve --admin-port`, /healthz is served on the admin
    # port only: probe "/openapi.json" instead (200 whenever content is loaded).
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may purge: HealthHub's instances (their --purge-url points here).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        # A hard purge: a clinical correction must not be served stale.
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    # Nothing per-request reaches the cache key or the backend's choice of bytes.
    unset req.http.Cookie;
    unset req.http.xkey-purge;
    call healthhub_normalise_accept;
    # While the origin is healthy, serve an expired object for at most 10 s
    # while it is refetched in the background; while it is sick, for the
    # whole grace (beresp.grace below).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
}

# HealthHub negotiates Accept by RFC 9110 12.5.1 between application/json
# and application/ld+json (articles; Vary: Accept). Map the common forms to
# one of the two so they share objects; anything else passes as it is
# (correct, only less shared). An Accept that never names ld+json and puts
# no q-value on a json type gives JSON a q-value at least as high as
# ld+json's, and HealthHub answers JSON on a tie, so it becomes
# "application/json" (this covers browsers' and most libraries' defaults,
# e.g. "application/json, text/plain, */*"). q-values are never dropped:
# "application/ld+json;q=0" must not become ld+json.
sub healthhub_normalise_accept {
    if (!req.http.Accept) {
        set req.http.Accept = "application/json";
    } elsif (req.http.Accept !~ "(?i)ld\+json" && req.http.Accept !~ "(?i)json\s*;[^,]*q\s*=") {
        set req.http.Accept = "application/json";
    } elsif (req.http.Accept ~ "^\s*(?i)application/ld\+json\s*$") {
        set req.http.Accept = "application/ld+json";
    }
}

sub vcl_backend_response {
    # Tag for purging: xkey reads its keys from the "xkey" header.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # A background refetch that fails keeps the stale object instead.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # Answers made for one request (errors, triage POST, probes) say
    # no-store: never cached, and passed on as they are, request id included.
    if (beresp.http.Cache-Control ~ "(?i)(no-store|private)") {
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.ttl > 0s) {
        # Defence in depth: never store a per-request header.
        unset beresp.http.X-Request-Id;
        unset beresp.http.Set-Cookie;
        # Serve stale while revalidating and while the origin is down (the
        # probe decides which, in vcl_recv); keep lets a refetch be a
        # conditional request (304) after that.
        set beresp.grace = 24h;
        set beresp.keep = 24h;
    }
}

sub vcl_deliver {
    # The keys are for this cache; clients have no use for them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
