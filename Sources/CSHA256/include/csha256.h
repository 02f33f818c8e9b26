#ifndef CSHA256_H
#define CSHA256_H
#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the x86 SHA extensions (SHA-NI) with SSE4.1.
int csha256_has_sha_ni(void);

/// SHA-256's compression function over `blocks` 64-byte blocks at `data`, with the SHA
/// extensions; `state` holds the eight working words a..h. Only when csha256_has_sha_ni().
void csha256_compress_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
