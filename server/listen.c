/*
 * listen.c - the server's sockets at both ends of their life: opening the
 * listening socket (see listen.h for why this is ours), refusing new
 * connections during a graceful stop, and closing connections the
 * lingering way.
 */
#include "healthhub/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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

/* ====================================================== refusing new ones */

int hh_listen_refuse_new(int fd)
{
	/*
	 * A classic BPF socket filter sees a TCP segment from its TCP header:
	 * byte 13 holds the flags, 0x02 is SYN. SYNs are dropped; everything
	 * else passes, so handshakes already under way complete into the accept
	 * queue (and the connections accepted later inherit a filter that only
	 * drops SYNs, which an established connection never receives).
	 */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x02, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
	};
	struct sock_fprog prog = {.len = (unsigned short)(sizeof(code) / sizeof(code[0])), .filter = code};
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

long hh_listen_queued(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 || ti.tcpi_state != TCP_LISTEN)
		return -1;
	return (long)ti.tcpi_unacked; /* on a listening socket: the accept queue's length */
}

/* ===================================================== lingering closes */

struct lingering {
	int fd;            /* our own descriptor of the socket */
	uint64_t deadline; /* hh_now_ns() after which it is closed whatever comes */
	size_t bytes;      /* read and thrown away so far */
	struct lingering *prev, *next;
};

struct hh_linger {
	pthread_t thread;
	int epfd;
	int wake;               /* eventfd: hh_linger_stop */
	pthread_mutex_t lock;   /* the list; epoll_ctl ADD happens under it too */
	struct lingering *head; /* every socket lingering now */
	size_t count;
	atomic_int stopping;
};

enum drained { DRAIN_MORE, DRAIN_DONE };

/* Reads and drops what is readable now; DRAIN_DONE when the client closed, failed or sent too much. */
static enum drained drain_input(int fd, size_t *bytes)
{
	char buf[4096];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			return DRAIN_DONE;
		if (n < 0)
			return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? DRAIN_MORE : DRAIN_DONE;
		*bytes += (size_t)n;
		if (*bytes >= HH_LINGER_BYTES)
			return DRAIN_DONE;
	}
}

/* Unlinks and closes one (the lingering thread only; lock held). */
static void finish(struct hh_linger *l, struct lingering *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		l->head = g->next;
	if (g->next)
		g->next->prev = g->prev;
	l->count--;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, g->fd, NULL);
	close(g->fd);
	free(g);
}

/* Closes every socket past its deadline (or all of them); the lingering thread only. */
static void expire(struct hh_linger *l, int all)
{
	uint64_t now = hh_now_ns();
	pthread_mutex_lock(&l->lock);
	struct lingering *g = l->head;
	while (g != NULL) {
		struct lingering *next = g->next;
		if (all || now >= g->deadline)
			finish(l, g);
		g = next;
	}
	pthread_mutex_unlock(&l->lock);
}

static void *linger_main(void *arg)
{
	struct hh_linger *l = arg;
	uint64_t stop_at = 0;
	for (;;) {
		struct epoll_event ev[64];
		int n = epoll_wait(l->epfd, ev, 64, 50);
		for (int i = 0; i < n; i++) {
			struct lingering *g = ev[i].data.ptr;
			if (g == NULL) { /* the wake-up (stopping): read it, or it stays readable */
				uint64_t v;
				if (read(l->wake, &v, sizeof(v)) < 0) {
					/* EAGAIN: already read */
				}
				continue;
			}
			if (drain_input(g->fd, &g->bytes) == DRAIN_DONE) {
				pthread_mutex_lock(&l->lock);
				finish(l, g);
				pthread_mutex_unlock(&l->lock);
			}
		}
		expire(l, 0);
		if (atomic_load(&l->stopping)) {
			if (stop_at == 0)
				stop_at = hh_now_ns() + (uint64_t)HH_LINGER_MS * 1000000u;
			pthread_mutex_lock(&l->lock);
			int empty = l->head == NULL;
			pthread_mutex_unlock(&l->lock);
			if (empty || hh_now_ns() >= stop_at)
				break;
		}
	}
	expire(l, 1);
	return NULL;
}

struct hh_linger *hh_linger_start(void)
{
	struct hh_linger *l = xmalloc(sizeof(*l));
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (l->epfd < 0 || l->wake < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake, &ev) < 0 ||
	    pthread_create(&l->thread, NULL, linger_main, l) != 0) {
		int e = errno;
		if (l->epfd >= 0)
			close(l->epfd);
		if (l->wake >= 0)
			close(l->wake);
		pthread_mutex_destroy(&l->lock);
		free(l);
		errno = e;
		return NULL;
	}
	return l;
}

void hh_linger_keep(struct hh_linger *l, int fd)
{
	if (fd < 0)
		return;
	shutdown(fd, SHUT_WR); /* libmicrohttpd has usually done it (not with MHD_USE_TURBO) */
	size_t bytes = 0;
	if (drain_input(fd, &bytes) == DRAIN_DONE || l == NULL || atomic_load(&l->stopping))
		return; /* nothing more can come (or nobody left to watch): the owner's close is clean */
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0)
		return;
	struct lingering *g = xmalloc(sizeof(*g));
	*g = (struct lingering){.fd = own, .deadline = hh_now_ns() + (uint64_t)HH_LINGER_MS * 1000000u, .bytes = bytes};
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = g};
	pthread_mutex_lock(&l->lock);
	g->next = l->head;
	if (l->head)
		l->head->prev = g;
	l->head = g;
	l->count++;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, own, &ev) < 0)
		finish(l, g); /* closes it: we cannot watch it */
	pthread_mutex_unlock(&l->lock);
}

size_t hh_linger_count(struct hh_linger *l)
{
	if (l == NULL)
		return 0;
	pthread_mutex_lock(&l->lock);
	size_t n = l->count;
	pthread_mutex_unlock(&l->lock);
	return n;
}

void hh_linger_stop(struct hh_linger *l)
{
	if (l == NULL)
		return;
	atomic_store(&l->stopping, 1);
	uint64_t one = 1;
	if (write(l->wake, &one, sizeof(one)) < 0) {
		/* the thread polls every 50 ms anyway */
	}
	pthread_join(l->thread, NULL);
	close(l->wake);
	close(l->epfd);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
