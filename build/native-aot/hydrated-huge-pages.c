/*
 * Linked into the native AOT executables (NativeAot.targets). Before main, asks Linux for transparent huge pages
 * over the zero-filled tail of the program's writable segment: .bss and .hydrated, where the .NET runtime writes its
 * type data at start (12 MB for the runtime server). That region is written in full within the first milliseconds,
 * so 2 MiB pages cost no extra resident memory, and spare one page fault per 4 KiB (about 3,000 for the server;
 * see docs/performance.md). Advice only: where transparent huge pages are off ("never") nothing changes, and with
 * "always" the region had them already.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static int advise_zero_filled_tail(struct dl_phdr_info *info, size_t size, void *unused)
{
    (void)size;
    (void)unused;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W) || segment->p_memsz <= segment->p_filesz)
        {
            continue;
        }
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz) & ~(page - 1);
        if (end > start)
        {
            madvise((void *)start, end - start, MADV_HUGEPAGE);
        }
    }
    return 1; /* the program itself is reported first: stop after it */
}

__attribute__((constructor)) static void advise_hydrated_huge_pages(void)
{
    dl_iterate_phdr(advise_zero_filled_tail, NULL);
}
