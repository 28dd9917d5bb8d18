/* mimalloc (the C source of the libmimalloc-sys crate, its single-file build `static.c`)
   under a small program: four threads allocate and free blocks of many sizes, checking each
   block's bytes before freeing it, then aligned, zeroed and reallocated blocks. mimalloc
   starts in a constructor (`@llvm.global_ctors`), keeps its heaps in thread-locals, finds its
   thread through the thread pointer (`llvm.thread.pointer`) and shares pages by atomics. */
#include "static.c"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

static void *worker(void *arg) {
    uintptr_t id = (uintptr_t)arg;
    uint64_t h = 1469598103934665603ull;
    unsigned char *keep[512] = {0};
    size_t sizes[512] = {0};
    long bad = 0;
    for (int i = 0; i < 100000; i++) {
        int slot = (int)((i * 2654435761u + id) % 512);
        if (keep[slot]) {
            unsigned char fill = keep[slot][0];
            for (size_t k = 0; k < sizes[slot]; k += 97) bad += keep[slot][k] != fill;
            h = mix(h, fill);
            mi_free(keep[slot]);
        }
        size_t n = 1 + (size_t)((i * 7919u + id * 31) % 3000);
        keep[slot] = mi_malloc(n);
        sizes[slot] = n;
        memset(keep[slot], (int)(i & 0xff), n);
    }
    for (int s = 0; s < 512; s++) mi_free(keep[s]);
    return (void *)(uintptr_t)(bad ? 0 : h);
}

int main(void) {
    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    uint64_t h = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d: %llu\n", i, (unsigned long long)(uintptr_t)r);
        h = mix(h, (uint64_t)(uintptr_t)r);
    }
    char *s = mi_strdup("mimalloc");
    void *a = mi_malloc_aligned(1000, 256);
    int *z = mi_calloc(100, sizeof(int));
    long zeros = 0;
    for (int i = 0; i < 100; i++) zeros += z[i] == 0;
    z = mi_realloc(z, 100000 * sizeof(int));
    z[99999] = 5;
    printf("%llu %s aligned %d zeroed %ld realloc %d usable %d\n", (unsigned long long)h, s,
           (int)((uintptr_t)a % 256), zeros, z[99999], mi_usable_size(s) >= 9);
    mi_free(s);
    mi_free(a);
    mi_free(z);
    return 0;
}
