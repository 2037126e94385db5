/* Sim flavor only: the constants of illumos <sys/contract/device.h>, with illumos's values. */
#ifndef SYSBIND_SIM_SYS_CONTRACT_DEVICE_H
#define SYSBIND_SIM_SYS_CONTRACT_DEVICE_H

#include <sys/contract.h>

#define CT_DEV_EV_ONLINE 0x1
#define CT_DEV_EV_DEGRADED 0x2
#define CT_DEV_EV_OFFLINE 0x4
#define CT_DEV_ALLEVENT 0x7

#define CT_DEV_ACKTIME 60

#endif
