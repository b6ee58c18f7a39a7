/*
 * config.h - every setting in one declarative table: name, flag, environment
 * variable, type, bounds, default and help. Flags override the environment,
 * which overrides the default; values are validated at start-up and a bad
 * one stops the program with a message that names it.
 */
#ifndef HEALTHHUB_CONFIG_H
#define HEALTHHUB_CONFIG_H

#include <stdio.h>

#include "healthhub/common.h"

enum hh_command {
	HH_CMD_SERVE = 1u << 0,
	HH_CMD_MIGRATE = 1u << 1,
	HH_CMD_STATUS = 1u << 2,
};

struct hh_config {
	/* serve and migrate */
	char *database_url; /* libpq connection string or URI; "" = libpq defaults */
	/* serve */
	char *host;           /* address to listen on */
	long port;            /* TCP port; 0 = any free port */
	long reuse_port;      /* 1: SO_REUSEPORT, another server may share the port on purpose */
	long threads;         /* MHD thread pool size */
	long db_workers;      /* deprecated, ignored (searches run in memory) */
	char *log_level;      /* debug, info, warn, error */
	long access_log;      /* one JSON line per request: 1 on, 0 off */
	long echo_request_id; /* X-Request-Id on answers made for one request (1) or none (0); never on cacheable ones */
	long max_body_bytes;  /* request body limit (413 beyond) */
	long connection_timeout; /* seconds of inactivity before a connection is closed */
	long connection_limit;   /* total concurrent connections */
	long per_ip_limit;       /* concurrent connections per client address; 0 = no limit */
	long connection_memory;  /* bytes per connection for headers and buffers */
	long max_age;            /* Cache-Control max-age for content, seconds */
	long s_maxage;           /* Cache-Control s-maxage, seconds; -1 = not sent */
	long stale_while_revalidate;
	long stale_if_error;
	long search_cache;       /* entries in the search result cache */
	long triage_cache;       /* entries in the triage GET cache */
	long list_cache;         /* entries in the article page cache */
	long reload_interval_ms; /* fallback content-version check period */
	long statement_timeout_ms;
	long queue_limit;      /* deprecated, ignored (searches run in memory) */
	long shutdown_timeout; /* seconds to drain in-flight requests */
	char *cors_origins;    /* "*" or a comma-separated allow-list; "" = CORS off */
	long cors_max_age;     /* Access-Control-Max-Age, seconds */
	double rate_limit;     /* requests per second per client; 0 = off */
	long rate_burst;       /* bucket size */
	char *trusted_proxies; /* comma-separated proxy addresses whose X-Forwarded-For is believed */
	char *country;         /* default country code, e.g. "GB" (content/countries/CC.json) */
	char *public_url;      /* e.g. https://api.example.org: base of absolute links; "" = relative */
	char *purge_url;       /* comma-separated http:// URLs of shared caches to purge; "" = none */
	long purge_queue;      /* purge batches waiting at most */
	long admin_port;       /* 0 = operational endpoints on the public port */
	long require_approval; /* 1: serve signed-off texts only */
	char *admin_host;      /* address of the admin listener */
	/* migrate */
	char *migrations_dir;
	char *content_dir;
	long dry_run;
	char *author;  /* "" = user@host */
	char *message; /* recorded with the content version */
};

/*
 * Fills cfg from defaults, the environment and argv (argv[0] is the first
 * argument after the command words). Returns 0; 1 when --help was asked
 * (usage printed to out); -1 on a bad value (message to err).
 */
int hh_config_load(struct hh_config *cfg, enum hh_command cmd, int argc, char **argv, FILE *out,
		   FILE *err) HH_MUSTCHECK;
void hh_config_free(struct hh_config *cfg);
/* The settings table as a markdown table (for the README). */
void hh_config_markdown(FILE *out);
/*
 * Where the default folder what ("content" or "migrations") is when no flag
 * or environment variable names one: found at run time, never a path of
 * the machine that built the binary. The first folder that exists of
 *   EXE_DIR/../share/healthhub/WHAT  (installed under a prefix: /usr/local/bin/healthhub)
 *   EXE_DIR/../WHAT                  (a build folder inside the repository: build/healthhub)
 *   /usr/share/healthhub/WHAT        (a package, the Docker image)
 * where EXE_DIR is the folder of exe (NULL: the running executable). 0 with
 * the folder in buf, or -1 with the places it looked in buf.
 */
int hh_config_find_dir(const char *exe, const char *what, char *buf, size_t cap) HH_MUSTCHECK;
/* The database URL with any password replaced by "***": new string. */
char *hh_config_redact_url(const char *url);
/* Logs the effective settings of cmd, one JSON line, no secrets. */
void hh_config_log(const struct hh_config *cfg, enum hh_command cmd);

#endif
