// A hint to fetch memory into the cache ahead of its use (no fault, no effect on results):
// Swift has no prefetch of its own.
static inline void geoctl_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
