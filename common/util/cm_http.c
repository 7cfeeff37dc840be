/* cm_http: see cm_http.h. The listening socket is made here (so errors come back as
 * errno) and handed to libmicrohttpd, whose one internal thread answers requests with
 * copies of the snapshots; the loop thread renders them on request (uv_async). */
#include "cm_http.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *path, *ctype;
    cm_http_render_cb render;
    void *arg;
    uint8_t *snap; /* last rendered copy, guarded by mu */
    size_t snap_len;
    int have;
    unsigned gen;
} page;

struct cm_http {
    uv_async_t async;
    struct MHD_Daemon *daemon;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    page pages[CM_HTTP_MAX_PAGES];
    size_t n_pages;
    unsigned want; /* bit i: page i asked for */
    int port;
    long wait_ms;
};

int cm_http_parse_listen(const char *listen, struct sockaddr_storage *sa)
{
    char host[256];
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (!colon || colon == listen || !colon[1] || (size_t)(colon - listen) >= sizeof host)
        return -EINVAL;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *h = host;
    if (h[0] == '[') {
        size_t n = strlen(h);
        if (n < 3 || h[n - 1] != ']') return -EINVAL;
        h[n - 1] = 0;
        h++;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) return -EINVAL;
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    if (getaddrinfo(h, colon + 1, &hints, &res) != 0 || !res) return -EINVAL;
    memset(sa, 0, sizeof *sa);
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

static int open_listener(const struct sockaddr_storage *sa, int *port)
{
    socklen_t len =
        sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    int one = 1, fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage got;
    socklen_t glen = sizeof got;
    if (bind(fd, (const struct sockaddr *)sa, len) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&got, &glen) != 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    *port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
                                            : ((struct sockaddr_in *)&got)->sin_port);
    return fd;
}

/* Loop thread: renders every page asked for since the last time. */
static void on_async(uv_async_t *a)
{
    cm_http *h = a->data;
    pthread_mutex_lock(&h->mu);
    unsigned want = h->want;
    size_t n = h->n_pages;
    h->want = 0;
    pthread_mutex_unlock(&h->mu);
    for (size_t i = 0; i < n; i++) {
        if (!(want & (1u << i))) continue;
        cm_wbuf out = {0};
        h->pages[i].render(&out, h->pages[i].arg);
        pthread_mutex_lock(&h->mu);
        if (!out.err) {
            free(h->pages[i].snap);
            h->pages[i].snap = out.data;
            h->pages[i].snap_len = out.len;
            h->pages[i].have = 1;
            out.data = NULL;
        }
        h->pages[i].gen++;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        cm_wbuf_free(&out);
    }
}

/* HTTP thread, mu held: asks for page i and waits (bounded) for a fresh render. */
static void refresh(cm_http *h, size_t i)
{
    unsigned gen = h->pages[i].gen;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += h->wait_ms / 1000;
    until.tv_nsec += h->wait_ms % 1000 * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    h->want |= 1u << i;
    uv_async_send(&h->async);
    while (h->pages[i].gen == gen)
        if (pthread_cond_timedwait(&h->cv, &h->mu, &until) == ETIMEDOUT) break;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
                             void *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    return reply(c, status, "text/plain; charset=utf-8", strdup(text), strlen(text));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    cm_http *h = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
    pthread_mutex_lock(&h->mu);
    size_t i = 0;
    while (i < h->n_pages && strcmp(h->pages[i].path, url) != 0)
        i++;
    if (i == h->n_pages) {
        pthread_mutex_unlock(&h->mu);
        return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    refresh(h, i);
    page *p = &h->pages[i];
    void *body = p->have ? malloc(p->snap_len ? p->snap_len : 1) : NULL;
    size_t len = p->snap_len;
    if (body && len) memcpy(body, p->snap, len);
    const char *ctype = p->ctype;
    pthread_mutex_unlock(&h->mu);
    if (!body) return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "not rendered yet\n");
    return reply(c, MHD_HTTP_OK, ctype, body, len);
}

static int start_daemon(cm_http *h, const struct sockaddr_storage *sa)
{
    int fd = open_listener(sa, &h->port);
    if (fd < 0) return fd;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (sa->ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET,
                                 (MHD_socket)fd, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
    if (!h->daemon) {
        close(fd);
        return -EIO;
    }
    return 0;
}

int cm_http_create(uv_loop_t *loop, const char *listen, cm_http **out)
{
    struct sockaddr_storage sa;
    if (cm_http_parse_listen(listen, &sa) != 0) return -EINVAL;
    cm_http *h = calloc(1, sizeof *h);
    if (!h) return -ENOMEM;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&h->mu, NULL);
    h->wait_ms = CM_HTTP_WAIT_MS;
    int rc = uv_async_init(loop, &h->async, on_async);
    if (rc != 0) {
        free(h);
        return rc;
    }
    h->async.data = h;
    uv_unref((uv_handle_t *)&h->async); /* never keeps the loop alive */
    if ((rc = start_daemon(h, &sa)) != 0) {
        h->n_pages = 0;
        cm_http_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

int cm_http_page(cm_http *h, const char *path, const char *content_type, cm_http_render_cb render,
                 void *arg)
{
    char *p = strdup(path), *t = strdup(content_type);
    if (!p || !t) {
        free(p);
        free(t);
        return -ENOMEM;
    }
    pthread_mutex_lock(&h->mu);
    int rc = h->n_pages < CM_HTTP_MAX_PAGES ? 0 : -ENOSPC;
    if (rc == 0)
        h->pages[h->n_pages++] = (page){.path = p, .ctype = t, .render = render, .arg = arg};
    pthread_mutex_unlock(&h->mu);
    if (rc != 0) {
        free(p);
        free(t);
    }
    return rc;
}

void cm_http_set_wait(cm_http *h, long ms)
{
    pthread_mutex_lock(&h->mu);
    h->wait_ms = ms > 0 ? ms : CM_HTTP_WAIT_MS;
    pthread_mutex_unlock(&h->mu);
}

int cm_http_port(const cm_http *h)
{
    return h->port;
}

static void on_closed(uv_handle_t *handle)
{
    cm_http *h = handle->data;
    for (size_t i = 0; i < h->n_pages; i++) {
        free(h->pages[i].path);
        free(h->pages[i].ctype);
        free(h->pages[i].snap);
    }
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
}

void cm_http_free(cm_http *h)
{
    if (!h) return;
    if (h->daemon) MHD_stop_daemon(h->daemon); /* joins the HTTP thread */
    h->daemon = NULL;
    uv_close((uv_handle_t *)&h->async, on_closed);
}
