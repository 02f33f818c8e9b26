#if canImport(Glibc)
import CMalloc
#endif

/// Hands memory that was freed back to the system. Building a router reads every routing
/// layer through SQLite and GEOS on a background thread, and that thread's heap keeps the
/// pages after the build; without this a service at scale 10 would hold tens of MiB more
/// than its router needs. Called after each router load and each batch (both rare, and a
/// trim costs well under a millisecond).
enum FreedMemory {
    /// Batches allocate buffers of megabytes on whichever thread runs them. With glibc's
    /// sliding threshold those come from per-thread heaps that keep the pages after the
    /// batch; a fixed 1 MiB threshold maps them directly, so they go back to the system when
    /// the answer has been sent. Set once, when the service starts.
    static func mapLargeBuffers() {
        #if canImport(Glibc)
        mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
    }

    static func release() {
        #if canImport(Glibc)
        malloc_trim(0)
        #endif
    }
}
