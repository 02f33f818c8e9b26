#define _GNU_SOURCE  /* memmem, where SSE2 is missing */
#include "cbytesearch.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static int is_match(const unsigned char *p) {
    return p[0] == '"' && p[1] == 'c' && p[2] == 'r' && p[3] == 's' && p[4] == '"';
}

int geoctl_mentions_crs(const unsigned char *bytes, size_t count) {
    size_t i = 0;
#if defined(__SSE2__)
    // A position k is a candidate when bytes k+1, k+2, k+3 are c, r, s: three unaligned
    // loads, three compares, one mask; candidates (rare in GeoJSON) are checked whole.
    const __m128i c = _mm_set1_epi8('c'), r = _mm_set1_epi8('r'), s = _mm_set1_epi8('s');
    while (i + 20 <= count) {
        __m128i v1 = _mm_loadu_si128((const __m128i *)(bytes + i + 1));
        __m128i v2 = _mm_loadu_si128((const __m128i *)(bytes + i + 2));
        __m128i v3 = _mm_loadu_si128((const __m128i *)(bytes + i + 3));
        __m128i hits = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(v1, c), _mm_cmpeq_epi8(v2, r)), _mm_cmpeq_epi8(v3, s));
        unsigned mask = (unsigned)_mm_movemask_epi8(hits);
        while (mask != 0) {
            unsigned k = (unsigned)__builtin_ctz(mask);
            if (is_match(bytes + i + k)) return 1;
            mask &= mask - 1;
        }
        i += 16;
    }
    for (; i + 5 <= count; i++) {
        if (is_match(bytes + i)) return 1;
    }
    return 0;
#else
    (void)i;
    (void)is_match;
    return memmem(bytes, count, "\"crs\"", 5) != NULL;
#endif
}
