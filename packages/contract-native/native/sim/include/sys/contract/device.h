/* Sim flavor only: the constants of illumos <sys/contract/device.h>, with illumos's values. */
#ifndef SYSBIND_SIM_SYS_CONTRACT_DEVICE_H
#define SYSBIND_SIM_SYS_CONTRACT_DEVICE_H

#include <sys/contract.h>

#define CT_DEV_EV_ONLINE 0x1
#define CT_DEV_EV_DEGRADED 0x2
#define CT_DEV_EV_OFFLINE 0x4
#define CT_DEV_ALLEVENT 0x7

/* Template parameter ids (ct_param_t.ctpm_id) and the noneg values. */
#define CTDP_ACCEPT 0x1
#define CTDP_NONEG 0x2
#define CTDP_MINOR 0x4
#define CTDP_ALLPARAMS 0x7
#define CTDP_NONEG_CLEAR 0x0
#define CTDP_NONEG_SET 0x1

#define CT_DEV_ACKTIME 60

#endif
