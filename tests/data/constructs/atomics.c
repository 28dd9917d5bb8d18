/* C11 atomics from two threads: every read-modify-write, compare-exchange, fences. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_long hits;
static atomic_int flags;
static _Atomic unsigned char small;
static atomic_llong big;

static void *work(void *arg) {
    long n = (long)arg;
    for (long i = 0; i < n; i++) {
        atomic_fetch_add(&hits, 1);
        atomic_fetch_or_explicit(&flags, 1 << (i % 8), memory_order_relaxed);
        atomic_fetch_and_explicit(&flags, ~(1 << ((i + 3) % 8)), memory_order_release);
        atomic_fetch_xor(&small, (unsigned char)i);
        long long old = atomic_load_explicit(&big, memory_order_acquire);
        while (!atomic_compare_exchange_weak(&big, &old, old + i))
            ;
        atomic_thread_fence(memory_order_seq_cst);
        atomic_signal_fence(memory_order_acq_rel);
    }
    return 0;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, work, (void *)100000L);
    pthread_create(&b, 0, work, (void *)50000L);
    pthread_join(a, 0);
    pthread_join(b, 0);
    long long expect = 5000L * 9999;
    int strong = 0;
    int was = atomic_exchange(&flags, 42);
    strong = atomic_compare_exchange_strong(&flags, &was, 7);
    printf("%ld %lld %d %d %d\n", atomic_load(&hits), atomic_load(&big) - expect,
           atomic_load(&flags), strong, (int)atomic_fetch_sub(&small, 1) >= 0);
    return 0;
}
