// zlib from the system (Debian: zlib1g-dev). gzread reads gzip and plain files alike.
#include <zlib.h>
