/*
 * status.h - what a function that can fail returns, and the text of why.
 *
 * One convention (curl's CURLcode, nginx's NGX_OK/NGX_ERROR): HH_OK is 0,
 * every failure is negative, and each value means one thing. The plain
 * 0/-1 of most functions is the HH_OK/HH_ERR subset of it, so `rc < 0`
 * still reads "failed" everywhere. A function that can fail in more than one
 * way a caller must tell apart returns enum hh_status (HH_MUSTCHECK) with a
 * named value, never a bare -2; a version, count or index is never
 * overloaded with a failure or a flag.
 *
 * Where the reason travels back to the caller as text (a database message,
 * for the log), new code takes a struct hh_errtext; the database layer's
 * older `char *err, size_t errlen` pairs are the same text in two arguments.
 * Both are private (they may name hosts, tables or SQL): never for a client.
 * What a client reads is a struct hh_error (error.h).
 */
#ifndef HEALTHHUB_STATUS_H
#define HEALTHHUB_STATUS_H

enum hh_status {
	HH_OK = 0,
	HH_ERR = -1,          /* failed; why is in the caller's error text or the log */
	HH_NOT_MIGRATED = -2, /* the database has no schema, or no content yet: run `healthhub migrate` */
	HH_NOT_FOUND = -3,    /* what was asked for is not there: not a failure, the caller decides */
};

/* The text of why a call failed, filled by the callee (private: for the log). */
struct hh_errtext {
	char text[256];
};

#endif
