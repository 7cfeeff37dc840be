/* dl_words: every sentence of the mails dlr writes, in French (the customer guide's
 * wording, section 5: "Accusé de prise en compte", "Accusé final", "Votre message a
 * bien été délivré", "n'a pas pu être délivré") and in English. One table per
 * language; reasons that travel as codes are worded by cm_reason, not here.
 *
 * dl_words_for() returns the English table for lang "en", the French one for anything
 * else (NULL included); dl_words_lang() gives "en" or "fr" back. Static data, pure. */
#ifndef DL_WORDS_H
#define DL_WORDS_H

typedef struct dl_words {
    const char *subj_acc, *subj_rej, *subj_final, *subj_reply, *msg_no;
    const char *hello, *intro_acc, *intro_dup, *intro_dry, *intro_rej, *intro_final;
    const char *intro_reply; /* "%s": the phone number */
    const char *l_number, *l_subject, *l_received, *l_planned, *l_coding, *l_parts;
    const char *l_accepted, *l_refused, *l_reason, *l_detail, *l_text, *l_delivered;
    const char *l_undelivered, *l_ucs2, *l_phone, *l_reply_at, *l_reply_to, *l_reply_text;
    const char *translit; /* "%u ... %u": parts with transliteration, parts without */
    const char *h_accepted, *h_refused, *h_results;
    const char *h_preview;   /* "%zu ... %u": recipients shown, recipients accepted */
    const char *more_in_csv; /* "%zu ... %zu": recipients not listed, all recipients */
    const char *line, *blacklisted, *final_note, *planned, *at_once, *answer_hint;
    const char *delivered, *undelivered, *not_sent, *expired, *refused, *smpp, *err, *sms;
    const char *net_fmt; /* "erreur réseau %s %s": network name, code */
    const char *footer;
    const char *stat[9]; /* by enum dl_stat 0..8; FAILED and others use stat[0] */
} dl_words;

const dl_words *dl_words_for(const char *lang);
const char *dl_words_lang(const dl_words *w);

#endif
