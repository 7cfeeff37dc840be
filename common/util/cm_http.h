/* cm_http: a small read-only HTTP listener (libmicrohttpd) for a single-threaded
 * libuv process: it serves pages that the loop thread renders.
 *
 * libmicrohttpd runs in its own thread (MHD_USE_INTERNAL_POLLING_THREAD) and never
 * touches the process's state. When a GET for a registered path arrives, that thread
 * asks the loop (uv_async) to render the page and waits up to CM_HTTP_WAIT_MS for it
 * (cm_http_set_wait);
 * if the loop is busy it serves the last rendered copy (503 if there is none yet).
 * The render callbacks therefore always run in the loop thread and may read anything
 * the loop owns. Only GET and HEAD are served; other methods get 405, unknown paths 404.
 *
 * listen: "HOST:PORT" (IPv4 or a resolvable name) or "[V6]:PORT"; port 0 picks a free
 * port (cm_http_port tells which). cm_http_create returns -EINVAL for a malformed
 * address, -EADDRINUSE (or another negative errno) when it cannot listen, -ENOMEM.
 * cm_http_free stops the thread, then closes the loop handle (the loop must run once
 * more for the memory to be freed; freeing at exit is harmless). Strings are copied. */
#ifndef CM_HTTP_H
#define CM_HTTP_H

#include "cm_buf.h"

#include <uv.h>

#define CM_HTTP_WAIT_MS 500

typedef struct cm_http cm_http;
/* Appends the page to `out` (empty on entry). Called in the loop thread. */
typedef void (*cm_http_render_cb)(cm_wbuf *out, void *arg);

int cm_http_create(uv_loop_t *loop, const char *listen, cm_http **out);
/* content_type e.g. "text/html; charset=utf-8". At most CM_HTTP_MAX_PAGES pages. */
#define CM_HTTP_MAX_PAGES 16
int cm_http_page(cm_http *h, const char *path, const char *content_type, cm_http_render_cb render,
                 void *arg);
int cm_http_port(const cm_http *h);
/* How long a request waits for a fresh rendering (default CM_HTTP_WAIT_MS), for pages
 * slow to render; call before requests arrive. */
void cm_http_set_wait(cm_http *h, long ms);
void cm_http_free(cm_http *h);

/* Parses "HOST:PORT" / "[V6]:PORT" into a socket address (getaddrinfo, passive).
 * 0 or -EINVAL. */
struct sockaddr_storage;
int cm_http_parse_listen(const char *listen, struct sockaddr_storage *sa);

#endif
