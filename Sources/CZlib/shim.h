// The system's zlib (zlib1g-dev), for gzip of Workload content.
#include <zlib.h>
