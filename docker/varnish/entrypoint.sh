#!/bin/sh
# Starts varnishd in the foreground with default.vcl, its backend and purge
# ACL taken from the environment (the VCL keeps the operator's defaults):
#   BACKEND_HOST, BACKEND_PORT   where HealthHub answers (default 127.0.0.1:8080)
#   PURGE_ACL                    extra VCL ACL entries allowed to purge, e.g. "172.16.0.0"/12;
#   VARNISH_SIZE                 cache size (default 256m)
set -eu
sed -e "s/\.host = \"127\.0\.0\.1\";/.host = \"${BACKEND_HOST:-127.0.0.1}\";/" \
    -e "s/\.port = \"8080\";/.port = \"${BACKEND_PORT:-8080}\";/" \
    -e "s|^    \"::1\";|    \"::1\";\n    ${PURGE_ACL:-}|" \
    /etc/varnish/default.vcl > /tmp/healthhub.vcl
exec varnishd -F -f /tmp/healthhub.vcl -a :80 -s "malloc,${VARNISH_SIZE:-256m}"
