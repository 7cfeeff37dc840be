/* ctl_page: the read-only status page (HTML, no script, refreshes itself every 10 s):
 * processes, queues (qshape-like), a chart of the last hour (inline SVG: submissions
 * accepted, SMS delivered and failed per minute) and the recent submissions with their
 * status. Every store or customer string is HTML-escaped. Elements carry ids and
 * data-* attributes so that tests (and scrapers) can read them.
 *
 * ctl_page_render appends the page to out; it borrows everything. */
#ifndef CTL_PAGE_H
#define CTL_PAGE_H

#include "cm_buf.h"
#include "ctl.h"
#include "ctl_history.h"
#include "ctl_state.h"

void ctl_page_render(ctl_ctx *c, const ctl_state *s, const ctl_history *h, cm_wbuf *out);
/* The SVG chart alone (also used by the unit tests). */
void ctl_page_chart(const ctl_history *h, cm_wbuf *out);

#endif
