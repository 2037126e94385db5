/* Sim flavor only: the constants of illumos <sys/contract/process.h>, with illumos's values. */
#ifndef SYSBIND_SIM_SYS_CONTRACT_PROCESS_H
#define SYSBIND_SIM_SYS_CONTRACT_PROCESS_H

#include <sys/contract.h>

#define CT_PR_EV_EMPTY 0x1
#define CT_PR_EV_FORK 0x2
#define CT_PR_EV_EXIT 0x4
#define CT_PR_EV_CORE 0x8
#define CT_PR_EV_SIGNAL 0x10
#define CT_PR_EV_HWERR 0x20
#define CT_PR_ALLEVENT 0x3f
#define CT_PR_ALLFATAL (CT_PR_EV_CORE | CT_PR_EV_SIGNAL | CT_PR_EV_HWERR)

#define CT_PR_INHERIT 0x1
#define CT_PR_NOORPHAN 0x2
#define CT_PR_PGRPONLY 0x4
#define CT_PR_REGENT 0x8
#define CT_PR_KEEP_EXEC 0x10
#define CT_PR_ALLPARAM 0x1f

#define CT_PR_SVC_DEFAULT "inherit:"

/* Template parameter ids (ct_param_t.ctpm_id). */
#define CTPP_EV_FATAL 0
#define CTPP_PARAMS 1
#define CTPP_SUBSUME 2
#define CTPP_SVC_FMRI 3
#define CTPP_SVC_CTID 4
#define CTPP_SVC_CREATOR 5
#define CTPP_CREATOR_AUX 6

#endif
