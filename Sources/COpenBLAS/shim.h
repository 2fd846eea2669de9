#ifndef REPRO_COPENBLAS_SHIM_H
#define REPRO_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
