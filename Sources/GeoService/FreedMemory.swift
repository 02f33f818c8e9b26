#if canImport(Glibc)
import CMalloc
#endif

/// Hands memory that was freed back to the system. Building a router reads every routing
/// layer through SQLite and GEOS on a background thread, and that thread's heap keeps the
/// pages after the build; without this a service at scale 10 would hold tens of MiB more
/// than its router needs. Called after each router load and each batch (both rare, and a
/// trim costs well under a millisecond).
enum FreedMemory {
    static func release() {
        #if canImport(Glibc)
        malloc_trim(0)
        #endif
    }
}
