#ifndef REPRO_CARCHIVE_SHIM_H
#define REPRO_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
