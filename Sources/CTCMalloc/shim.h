// TCMalloc (gperftools' tcmalloc_minimal), the memory allocator the nianbao executable is
// linked with in place of the C library's: see Package.swift.
#include <gperftools/tcmalloc.h>
