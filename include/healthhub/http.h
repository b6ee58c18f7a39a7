/*
 * http.h - the HTTP server: libmicrohttpd adapter, content snapshots of
 * prebuilt responses, the content reloader and the database workers.
 */
#ifndef HEALTHHUB_HTTP_H
#define HEALTHHUB_HTTP_H

#include "healthhub/config.h"

/*
 * Runs the server until SIGINT or SIGTERM, then drains in-flight requests.
 * Returns the process exit code (0 after a clean shutdown).
 */
int hh_http_serve(const struct hh_config *cfg) HH_MUSTCHECK;

#endif
