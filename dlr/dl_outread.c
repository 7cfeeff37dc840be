/* dl_outread: a stored mail read in pieces from the store's map (see dl_outread.h). */
#include "dl_outread.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int dl_outread_open(cm_store *store, const dl_state *st, uint64_t seq, dl_outread *r)
{
    uint8_t k[8];
    MDB_val v;
    int rc;

    memset(r, 0, sizeof(*r));
    rc = cm_store_read_begin(store, &r->txn);
    if (rc < 0) {
        r->txn = NULL;
        return rc;
    }
    cm_be64_put(k, seq);
    rc = cm_store_get(r->txn, st->db.outbox, k, 8, &v);
    if (rc == 0) rc = dl_mailrec_decode_view(v.mv_data, v.mv_size, &r->arena, &r->m);
    if (rc < 0) dl_outread_close(r);
    return rc;
}

/* The map pages of m.mail[given..pos) that are wholly read, given back once a step of
 * them is (or the mail is read to its end). LMDB maps the file MAP_SHARED (read-only
 * without MDB_WRITEMAP; shared with it): MADV_DONTNEED only drops our mapping of page
 * cache pages, the data stays (madvise(2)); this read-only transaction keeps them from
 * being reused meanwhile. */
static void give_back(dl_outread *r)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t base = (uintptr_t)r->m.mail.data;
    uintptr_t from = (base + r->given + page - 1) / page * page;
    uintptr_t to = (base + r->pos) / page * page;

    if (to <= from || (to - from < DL_OUTREAD_STEP && r->pos < r->m.mail.len)) return;
    if (madvise((void *)from, to - from, MADV_DONTNEED) == 0) r->given = to - base;
}

size_t dl_outread_read(dl_outread *r, char *buf, size_t n)
{
    size_t left = r->m.mail.len - r->pos;

    if (n > left) n = left;
    if (n == 0) return 0;
    memcpy(buf, r->m.mail.data + r->pos, n);
    r->pos += n;
    give_back(r);
    return n;
}

void dl_outread_close(dl_outread *r)
{
    if (r->txn != NULL) mdb_txn_abort(r->txn);
    cm_arena_free(r->arena);
    r->txn = NULL;
    r->arena = NULL;
}
