/*
 * listen.c - opens the listening socket. See listen.h for why this is ours.
 */
#include "healthhub/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BACKLOG 1024

static int bind_one(const struct addrinfo *ai, int reuse_port, int *err_no)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0) {
		*err_no = errno;
		return -1;
	}
	int on = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, BACKLOG) < 0) {
		*err_no = errno;
		close(fd);
		return -1;
	}
	return fd;
}

int hh_listen_open(const char *host, long port, int reuse_port, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *ai = NULL;
	char service[16];
	snprintf(service, sizeof(service), "%ld", port);
	int gai = getaddrinfo(host[0] ? host : NULL, service, &hints, &ai);
	if (gai != 0 || ai == NULL) {
		snprintf(err, errlen, "cannot resolve the listen address \"%s\": %s", host, gai_strerror(gai));
		return -1;
	}
	int fd = -1;
	int err_no = 0;
	for (const struct addrinfo *a = ai; a != NULL && fd < 0; a = a->ai_next)
		fd = bind_one(a, reuse_port, &err_no);
	freeaddrinfo(ai);
	if (fd >= 0)
		return fd;
	const char *shown = host[0] ? host : "*";
	int v6 = strchr(shown, ':') != NULL;
	if (err_no == EADDRINUSE)
		snprintf(err, errlen,
			 "%s%s%s:%ld is already in use (is another healthhub serve running? choose another "
			 "--port, or pass --reuse-port to both servers to share it on purpose)",
			 v6 ? "[" : "", shown, v6 ? "]" : "", port);
	else
		snprintf(err, errlen, "cannot listen on %s%s%s:%ld: %s", v6 ? "[" : "", shown, v6 ? "]" : "", port,
			 strerror(err_no));
	return -1;
}

long hh_listen_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}
