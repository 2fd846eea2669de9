#ifndef REPRO_CGIT2_SHIM_H
#define REPRO_CGIT2_SHIM_H
#include <git2.h>
#endif
