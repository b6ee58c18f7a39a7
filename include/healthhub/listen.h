/*
 * listen.h - the listening socket, opened by us rather than by libmicrohttpd,
 * so that "address in use" is an error with a clear message instead of a
 * silent share of the port (SO_REUSEPORT) or a generic start failure.
 */
#ifndef HEALTHHUB_LISTEN_H
#define HEALTHHUB_LISTEN_H

#include <stddef.h>

#include "healthhub/common.h"

/*
 * Resolves host (numeric or a name; "" = every address), binds port (0: any
 * free port) and listens. SO_REUSEADDR is always set (a restart must not wait
 * for TIME_WAIT); SO_REUSEPORT only when reuse_port is non-zero, which lets
 * a second server share the port on purpose (zero-downtime restarts).
 * Returns the socket (owned by the caller) or -1 with a message for the
 * operator in err, e.g. "127.0.0.1:8080 is already in use".
 */
int hh_listen_open(const char *host, long port, int reuse_port, char *err, size_t errlen) HH_MUSTCHECK;

/* The port a listening socket is bound to, or -1. */
long hh_listen_port(int fd);

#endif
