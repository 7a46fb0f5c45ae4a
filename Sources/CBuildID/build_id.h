// The build id of the code running: the note (NT_GNU_BUILD_ID) the linker writes into every
// object, a hash of its contents. The report cache keys its files by it, so that a report is
// only ever taken from a cache written by the very same reader. It is read from memory, not
// from the file on disk: a binary rebuilt or replaced while a shell runs does not change what
// that shell is, and a program run under valgrind is still itself.
#ifndef NIANBAO_BUILD_ID_H
#define NIANBAO_BUILD_ID_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// dl_iterate_phdr and its struct, declared here under names of our own: <link.h> declares
// them only with _GNU_SOURCE, which would change other system headers under the modules that
// share them. The layout is glibc's (and the ELF ABI's) for 64-bit objects.
struct nianbao_phdr_info {
    Elf64_Addr dlpi_addr;
    const char *dlpi_name;
    const Elf64_Phdr *dlpi_phdr;
    Elf64_Half dlpi_phnum;
};
extern int nianbao_dl_iterate_phdr(int (*callback)(struct nianbao_phdr_info *, size_t, void *), void *data)
    __asm__("dl_iterate_phdr");

struct nianbao_build_id_search {
    uintptr_t address;          // an address in the object wanted
    unsigned char *out;
    size_t capacity;
    size_t length;
};

static int nianbao_build_id_visit(struct nianbao_phdr_info *info, size_t size, void *data) {
    struct nianbao_build_id_search *s = data;
    (void)size;
    int holds = 0;
    for (int k = 0; k < info->dlpi_phnum; k++) {
        const Elf64_Phdr *ph = &info->dlpi_phdr[k];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && s->address >= start && s->address < start + ph->p_memsz) holds = 1;
    }
    if (!holds) return 0;
    for (int k = 0; k < info->dlpi_phnum; k++) {
        const Elf64_Phdr *ph = &info->dlpi_phdr[k];
        if (ph->p_type != PT_NOTE) continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        const unsigned char *end = p + ph->p_memsz;
        while (p + sizeof(Elf64_Nhdr) <= end) {
            const Elf64_Nhdr *note = (const Elf64_Nhdr *)p;
            const unsigned char *name = p + sizeof(Elf64_Nhdr);
            const unsigned char *desc = name + ((note->n_namesz + 3) & ~3u);
            if (desc + note->n_descsz > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                s->length = note->n_descsz < s->capacity ? note->n_descsz : s->capacity;
                memcpy(s->out, desc, s->length);
                return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
        }
    }
    return 1;   // the object that holds this code has no build id: length stays 0
}

/// Writes the build id of the object this code is linked into to `out` (at most `capacity`
/// bytes) and returns its length, 0 when there is none.
static inline size_t nianbao_build_id(unsigned char *out, size_t capacity) {
    struct nianbao_build_id_search s = { (uintptr_t)&nianbao_build_id_visit, out, capacity, 0 };
    nianbao_dl_iterate_phdr(nianbao_build_id_visit, &s);
    return s.length;
}

#endif
