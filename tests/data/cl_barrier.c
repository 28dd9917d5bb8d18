/* Compiler barriers as C and Rust code write them: `asm volatile("" ::: "memory")` between
 * stores and loads the compiler must not merge, a benchmark-style `black_box` (an empty asm
 * taking a pointer, `asm volatile("" : : "r"(p) : "memory")`) that keeps a computation
 * alive, and a flag polled with plain loads behind a barrier while another thread sets it
 * (through a volatile access, so that the program is well defined). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define barrier() __asm__ __volatile__("" ::: "memory")
static inline void black_box(void *p) { __asm__ __volatile__("" : : "r"(p) : "memory"); }

static volatile int go;
static int payload;

static void *setter(void *arg) {
    (void)arg;
    usleep(10000);
    payload = 42;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    go = 1;
    return 0;
}

static long sum_squares(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
        long sq = (long)i * i;
        black_box(&sq);
        s += sq;
    }
    return s;
}

int main(void) {
    int x = 1;
    barrier();
    x += 1;
    barrier();
    int y = x * 3;
    black_box(&y);
    pthread_t t;
    pthread_create(&t, 0, setter, 0);
    long spins = 0;
    while (!go) {
        barrier();
        spins++;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    pthread_join(t, 0);
    printf("%d %d %ld %d %d\n", x, y, sum_squares(1000), payload, spins > 0);
    return 0;
}
