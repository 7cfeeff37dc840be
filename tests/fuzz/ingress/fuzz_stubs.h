/* fuzz_stubs: see fuzz_stubs.c. fz_reset() clears the reply hash and the SUBMIT count;
 * fz_router_answer() answers the pending SUBMIT (1) or does nothing (0). */
#ifndef FUZZ_STUBS_H
#define FUZZ_STUBS_H

#include <stdint.h>

extern uint64_t fz_out_hash;
extern unsigned fz_submits;
void fz_reset(void);
int fz_router_answer(void);

#endif
