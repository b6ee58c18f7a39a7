/*
 * hh_reference_server - the ceiling for our stack in bench/run.
 *
 * Serves the bytes of one file from ONE prebuilt MHD_Response, on every path,
 * with the daemon settings HealthHub uses (epoll, a pool of two threads).
 * Whatever HealthHub does per request on top of this (routing, cache lookup,
 * metrics, logging) shows up as the gap between the two in the bench table.
 *
 *   hh_reference_server --file PATH [--port N] [--etag TAG]
 *                       [--content-type T] [--cache-control V] [--threads N]
 *                       [--header "Name: value"]...
 *
 * --header adds a header to the 200 and the 304 (bench/run copies HealthHub's
 * own, so all servers put the same bytes on the wire).
 * Port 0 picks a free port. The port actually bound is printed on stderr as a
 * JSON line {"msg":"listening","port":N}, like healthhub serve does.
 * GET and HEAD get the file (or 304 for a matching If-None-Match); other
 * methods get 405. SIGINT or SIGTERM stop it.
 *
 * Standalone on purpose: it links libmicrohttpd only (not healthhub_core), so it
 * can be built while the server does not, and it uses plain malloc, checked.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <microhttpd.h>

#define REF_MAX_FILE (64u * 1024u * 1024u) /* a bench body, not a file server */
#define REF_MAX_HEADERS 32u
#define REF_MAX_NAME 128u

struct ref_opts {
	unsigned port;    /* 0 = any free port */
	unsigned threads; /* MHD thread pool size */
	const char *file; /* body to serve */
	const char *etag; /* strong ETag with quotes; NULL = derive */
	const char *content_type;
	const char *cache_control;            /* NULL = no Cache-Control header */
	const char *headers[REF_MAX_HEADERS]; /* extra "Name: value" lines, from argv */
	unsigned n_headers;
};

struct ref_state {
	struct MHD_Response *ok;           /* 200 with the body; shared, read-only */
	struct MHD_Response *not_modified; /* 304, same ETag */
	struct MHD_Response *bad_method;   /* 405 */
	char etag[64];                     /* ETag value, quotes included */
	const char *etag_used;             /* points at opts->etag or etag[] */
};

/* The connection's first-call marker: any non-NULL pointer will do. */
static int ref_seen_marker;

static void usage(FILE *out)
{
	fputs("usage: hh_reference_server --file PATH [--port N] [--etag TAG]\n"
	      "       [--content-type T] [--cache-control V] [--threads N]\n"
	      "       [--header \"Name: value\"]...\n",
	      out);
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Returns the option's value and advances *i, or NULL if it is missing. */
static const char *opt_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		return NULL;
	*i += 1;
	return argv[*i];
}

static int parse_one(struct ref_opts *o, const char *name, const char *val)
{
	if (val == NULL)
		return -1;
	if (strcmp(name, "--port") == 0)
		return parse_uint(val, 65535, &o->port);
	if (strcmp(name, "--threads") == 0)
		return parse_uint(val, 64, &o->threads);
	if (strcmp(name, "--file") == 0)
		o->file = val;
	else if (strcmp(name, "--etag") == 0)
		o->etag = val;
	else if (strcmp(name, "--content-type") == 0)
		o->content_type = val;
	else if (strcmp(name, "--cache-control") == 0)
		o->cache_control = val;
	else if (strcmp(name, "--header") == 0 && o->n_headers < REF_MAX_HEADERS && strchr(val, ':') != NULL)
		o->headers[o->n_headers++] = val;
	else
		return -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct ref_opts *o)
{
	int i;

	o->port = 0;
	o->threads = 2;
	o->file = NULL;
	o->etag = NULL;
	o->content_type = "application/json; charset=utf-8";
	o->cache_control = NULL;
	o->n_headers = 0;
	for (i = 1; i < argc; i++) {
		const char *name = argv[i];

		if (parse_one(o, name, opt_value(argc, argv, &i)) < 0) {
			fprintf(stderr, "hh_reference_server: bad or missing value for %s\n", name);
			return -1;
		}
	}
	if (o->file == NULL || o->threads == 0) {
		fputs("hh_reference_server: --file is required and --threads must be >= 1\n", stderr);
		return -1;
	}
	return 0;
}

/* Reads the whole file into a malloc'd buffer (new, caller frees). */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = NULL;
	struct stat st;
	char *buf = NULL;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0 || st.st_size < 0 || (unsigned long long)st.st_size > REF_MAX_FILE)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		goto out;
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		goto out;
	*out = buf;
	*len = (size_t)st.st_size;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

/* FNV-1a: a default ETag only has to change when the bytes do. */
static void derive_etag(const char *buf, size_t len, char *out, size_t outsz)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, outsz, "\"%016llx\"", h);
}

/* Compares one If-None-Match list member [s, e) to our ETag, weakly (RFC 9110 8.8.3.2). */
static int etag_member_matches(const char *s, const char *e, const char *etag)
{
	size_t n;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e - s == 1 && *s == '*')
		return 1;
	if (e - s > 2 && s[0] == 'W' && s[1] == '/')
		s += 2;
	if (strncmp(etag, "W/", 2) == 0)
		etag += 2;
	n = strlen(etag);
	return (size_t)(e - s) == n && memcmp(s, etag, n) == 0;
}

static int if_none_match_hits(const char *header, const char *etag)
{
	const char *s = header;

	while (s != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');
		const char *e = comma != NULL ? comma : s + strlen(s);

		if (etag_member_matches(s, e, etag))
			return 1;
		s = comma != NULL ? comma + 1 : NULL;
	}
	return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct ref_state *st = cls;
	const char *inm;

	(void)url;
	(void)version;
	(void)upload_data;
	/* Queueing on the first call loses keep-alive (FIELD-NOTES): wait for the second. */
	if (*req_cls == NULL) {
		*req_cls = &ref_seen_marker;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* discard bodies; we answer once they are read */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, st->bad_method);
	inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm != NULL && if_none_match_hits(inm, st->etag_used))
		return MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, st->not_modified);
	return MHD_queue_response(conn, MHD_HTTP_OK, st->ok);
}

static int add_header(struct MHD_Response *r, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	return MHD_add_response_header(r, name, value) == MHD_YES ? 0 : -1;
}

/* Adds one "Name: value" line; MHD copies both strings. */
static int add_header_line(struct MHD_Response *r, const char *line)
{
	const char *colon = strchr(line, ':');
	const char *value = colon + 1;
	char name[REF_MAX_NAME];
	size_t n = (size_t)(colon - line);

	if (n == 0 || n >= sizeof(name))
		return -1;
	memcpy(name, line, n);
	name[n] = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	return add_header(r, name, value);
}

static int add_extra_headers(struct MHD_Response *r, const struct ref_opts *o)
{
	unsigned i;

	for (i = 0; i < o->n_headers; i++) {
		if (add_header_line(r, o->headers[i]) < 0)
			return -1;
	}
	return 0;
}

/* Every header goes on before the daemon starts: MHD_add_response_header takes no lock. */
static int build_responses(struct ref_state *st, const struct ref_opts *o, char *body, size_t len)
{
	st->ok = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	st->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	st->bad_method = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (st->ok == NULL || st->not_modified == NULL || st->bad_method == NULL)
		return -1;
	if (add_header(st->ok, MHD_HTTP_HEADER_CONTENT_TYPE, o->content_type) < 0 ||
	    add_header(st->ok, MHD_HTTP_HEADER_ETAG, st->etag_used) < 0 ||
	    add_header(st->ok, MHD_HTTP_HEADER_CACHE_CONTROL, o->cache_control) < 0 ||
	    add_header(st->not_modified, MHD_HTTP_HEADER_ETAG, st->etag_used) < 0 ||
	    add_header(st->not_modified, MHD_HTTP_HEADER_CACHE_CONTROL, o->cache_control) < 0 ||
	    add_header(st->bad_method, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") < 0 || add_extra_headers(st->ok, o) < 0 ||
	    add_extra_headers(st->not_modified, o) < 0)
		return -1;
	return 0;
}

static void destroy_responses(struct ref_state *st)
{
	if (st->ok != NULL)
		MHD_destroy_response(st->ok);
	if (st->not_modified != NULL)
		MHD_destroy_response(st->not_modified);
	if (st->bad_method != NULL)
		MHD_destroy_response(st->bad_method);
}

static struct MHD_Daemon *start_daemon(struct ref_state *st, const struct ref_opts *o)
{
	return MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, (uint16_t)o->port, NULL, NULL,
				handle, st, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)o->threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4000, MHD_OPTION_END);
}

/*
 * Blocks SIGINT/SIGTERM before MHD makes its threads (they inherit the mask),
 * so sigwait in main is the only place the signal lands.
 */
static int wait_for_stop(const sigset_t *set)
{
	int sig = 0;

	return sigwait(set, &sig) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct ref_opts o;
	struct ref_state st;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	char *body = NULL;
	size_t len = 0;
	sigset_t set;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	if (read_file(o.file, &body, &len) < 0) {
		fprintf(stderr, "hh_reference_server: cannot read %s\n", o.file);
		goto out;
	}
	derive_etag(body, len, st.etag, sizeof(st.etag));
	st.etag_used = o.etag != NULL ? o.etag : st.etag;
	if (build_responses(&st, &o, body, len) < 0) {
		fputs("hh_reference_server: cannot build responses\n", stderr);
		goto out;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		goto out;
	d = start_daemon(&st, &o);
	if (d == NULL) {
		fprintf(stderr, "hh_reference_server: cannot listen on port %u\n", o.port);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "{\"msg\":\"listening\",\"port\":%u}\n", info != NULL ? (unsigned)info->port : o.port);
	if (wait_for_stop(&set) == 0)
		rc = 0;
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	destroy_responses(&st);
	free(body);
	return rc;
}
