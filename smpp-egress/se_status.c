/* se_status: table of SMPP 3.4 command_status values (§5.1.3). */
#include "se_status.h"

#include <stdio.h>

typedef struct {
    uint32_t status;
    const char *name, *text;
    enum se_status_class cls;
} status_entry;

#define T SE_STATUS_TEMPORARY
#define P SE_STATUS_PERMANENT
static const status_entry STATUSES[] = {
    {0x00, "ESME_ROK", "no error", SE_STATUS_OK},
    {0x01, "ESME_RINVMSGLEN", "message length is invalid", P},
    {0x02, "ESME_RINVCMDLEN", "command length is invalid", P},
    {0x03, "ESME_RINVCMDID", "invalid command id", P},
    {0x04, "ESME_RINVBNDSTS", "incorrect bind status for the command", T},
    {0x05, "ESME_RALYBND", "already bound", P},
    {0x06, "ESME_RINVPRTFLG", "invalid priority flag", P},
    {0x07, "ESME_RINVREGDLVFLG", "invalid registered delivery flag", P},
    {0x08, "ESME_RSYSERR", "system error", T},
    {0x0A, "ESME_RINVSRCADR", "invalid source address", P},
    {0x0B, "ESME_RINVDSTADR", "invalid destination address", P},
    {0x0C, "ESME_RINVMSGID", "message id is invalid", P},
    {0x0D, "ESME_RBINDFAIL", "bind failed", P},
    {0x0E, "ESME_RINVPASWD", "invalid password", P},
    {0x0F, "ESME_RINVSYSID", "invalid system id", P},
    {0x11, "ESME_RCANCELFAIL", "cancel failed", P},
    {0x13, "ESME_RREPLACEFAIL", "replace failed", P},
    {0x14, "ESME_RMSGQFUL", "message queue full", T},
    {0x15, "ESME_RINVSERTYP", "invalid service type", P},
    {0x33, "ESME_RINVNUMDESTS", "invalid number of destinations", P},
    {0x34, "ESME_RINVDLNAME", "invalid distribution list name", P},
    {0x40, "ESME_RINVDESTFLAG", "invalid destination flag", P},
    {0x42, "ESME_RINVSUBREP", "invalid submit with replace request", P},
    {0x43, "ESME_RINVESMCLASS", "invalid esm_class", P},
    {0x44, "ESME_RCNTSUBDL", "cannot submit to distribution list", P},
    {0x45, "ESME_RSUBMITFAIL", "submit failed", P},
    {0x48, "ESME_RINVSRCTON", "invalid source address TON", P},
    {0x49, "ESME_RINVSRCNPI", "invalid source address NPI", P},
    {0x50, "ESME_RINVDSTTON", "invalid destination address TON", P},
    {0x51, "ESME_RINVDSTNPI", "invalid destination address NPI", P},
    {0x53, "ESME_RINVSYSTYP", "invalid system_type", P},
    {0x54, "ESME_RINVREPFLAG", "invalid replace_if_present flag", P},
    {0x55, "ESME_RINVNUMMSGS", "invalid number of messages", P},
    {0x58, "ESME_RTHROTTLED", "throttled", T},
    {0x61, "ESME_RINVSCHED", "invalid scheduled delivery time", P},
    {0x62, "ESME_RINVEXPIRY", "invalid validity period", P},
    {0x63, "ESME_RINVDFTMSGID", "predefined message not found", P},
    {0x64, "ESME_RX_T_APPN", "temporary application error", T},
    {0x65, "ESME_RX_P_APPN", "permanent application error", P},
    {0x66, "ESME_RX_R_APPN", "application rejected the message", P},
    {0x67, "ESME_RQUERYFAIL", "query failed", P},
    {0xC0, "ESME_RINVOPTPARSTREAM", "error in the optional parameters", P},
    {0xC1, "ESME_ROPTPARNOTALLWD", "optional parameter not allowed", P},
    {0xC2, "ESME_RINVPARLEN", "invalid parameter length", P},
    {0xC3, "ESME_RMISSINGOPTPARAM", "expected optional parameter missing", P},
    {0xC4, "ESME_RINVOPTPARAMVAL", "invalid optional parameter value", P},
    {0xFE, "ESME_RDELIVERYFAILURE", "delivery failure", P},
    {0xFF, "ESME_RUNKNOWNERR", "unknown error", P},
};
#undef T
#undef P

static const status_entry *find(uint32_t status)
{
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
        if (STATUSES[i].status == status) return &STATUSES[i];
    return NULL;
}

const char *se_status_name(uint32_t status)
{
    const status_entry *e = find(status);
    if (e) return e->name;
    return status >= 0x400 && status <= 0x4FF ? "vendor-specific" : "unknown";
}

const char *se_status_text(uint32_t status)
{
    const status_entry *e = find(status);
    return e ? e->text : "";
}

enum se_status_class se_status_class(uint32_t status)
{
    const status_entry *e = find(status);
    return e ? e->cls : SE_STATUS_PERMANENT;
}

void se_status_reason(uint32_t status, char *buf, size_t size)
{
    const char *text = se_status_text(status);
    snprintf(buf, size, "%s (0x%08X)%s%s", se_status_name(status), (unsigned)status,
             *text ? " " : "", text);
}
