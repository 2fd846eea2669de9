#ifndef REPRO_CCURL_SHIM_H
#define REPRO_CCURL_SHIM_H
#include <curl/curl.h>
#endif
