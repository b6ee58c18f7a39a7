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

/*
 * Stops the kernel from completing new connections on a listening socket
 * (Linux: a socket filter that drops SYN segments) while it keeps the ones
 * already in its accept queue. Closing a listener resets every connection
 * still in that queue, though each client saw its connect() succeed and may
 * have sent a request: so a graceful stop refuses SYNs first, lets the
 * server accept what is queued (hh_listen_queued), and only then closes.
 * A client that connects meanwhile retries its SYN and is refused once the
 * socket is closed. 0, or -1 (errno set).
 */
int hh_listen_refuse_new(int fd) HH_MUSTCHECK;

/* Connections waiting in a listening socket's accept queue, or -1 when unknown. */
long hh_listen_queued(int fd);

/*
 * Lingering close, as nginx's lingering_close: a connection we are done
 * with is shut down for writing (the client reads our last answer, then
 * EOF) and whatever the client still sends is read and thrown away until it
 * closes, for at most HH_LINGER_MS or HH_LINGER_BYTES; only then is the
 * socket closed. Closing a socket that holds unread bytes sends RST, and a
 * RST can destroy an answer the client has not read yet (a 400 followed by
 * a pipelined request, a Connection: close answer while the client sends).
 * One thread watches every lingering socket.
 */
#define HH_LINGER_MS 2000
#define HH_LINGER_BYTES (64 * 1024)

struct hh_linger;

/* Starts the lingering thread; NULL on failure (errno set). */
struct hh_linger *hh_linger_start(void) HH_MUSTCHECK;
/*
 * For a connection about to be closed (fd borrowed: its owner closes it
 * right after): shuts the write side down, reads what the client has sent
 * already, and when the client has not closed its side yet keeps the socket
 * open under a descriptor of its own (dup) to close it the lingering way.
 * Never blocks. With l NULL, or when the socket cannot be kept (no
 * descriptor left), it does nothing beyond the shutdown and the reading.
 */
void hh_linger_keep(struct hh_linger *l, int fd);
/* Waits for the sockets still lingering (at most HH_LINGER_MS), closes them and ends the thread. */
void hh_linger_stop(struct hh_linger *l);
/* Sockets lingering now (for tests and logs). */
size_t hh_linger_count(struct hh_linger *l);

#endif
