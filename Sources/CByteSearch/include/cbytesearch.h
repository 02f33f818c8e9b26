#ifndef CBYTESEARCH_H
#define CBYTESEARCH_H

#include <stddef.h>

/// Whether the five bytes `"crs"` occur in `bytes[0 ..< count]`: 16 positions per step with
/// SSE2 compares where the CPU has them (every x86-64), else the C library's memmem.
int geoctl_mentions_crs(const unsigned char *bytes, size_t count);

#endif
