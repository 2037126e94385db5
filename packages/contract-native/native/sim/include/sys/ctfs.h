/* Sim flavor only: the ctfs mount point of illumos <sys/ctfs.h>. */
#ifndef SYSBIND_SIM_SYS_CTFS_H
#define SYSBIND_SIM_SYS_CTFS_H

#define CTFS_ROOT "/system/contract"

#endif
