/* Atomics as C writes them (clang's __atomic builtins, C11 <stdatomic.h>): every
 * read-modify-write operation on 8-, 16-, 32- and 64-bit integers and on floats, strong and
 * weak compare-exchange, atomic loads and stores of every scalar, fences of every order, and
 * two threads sharing counters (one atomic, one behind a compare-exchange spinlock). The
 * output is deterministic. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static const uint64_t vals[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                                0x80000000, 0xffffffff, 0x123456789abcdef0, 0x8000000000000000,
                                0xffffffffffffffff, 42};
#define N (sizeof vals / sizeof vals[0])

static unsigned long long digest;
static void mix(unsigned long long x) { digest = (digest ^ x) * 0x100000001b3ULL; }

#define RMW(T, S)                                                                            \
    static void rmw_##S(void) {                                                              \
        for (unsigned i = 0; i < N; i++)                                                     \
            for (unsigned j = 0; j < N; j++) {                                               \
                T a = (T)vals[i], b = (T)vals[j], m;                                         \
                m = a; mix(__atomic_exchange_n(&m, b, __ATOMIC_SEQ_CST)); mix(m);          \
                m = a; mix(__atomic_fetch_add(&m, b, __ATOMIC_RELAXED)); mix(m);             \
                m = a; mix(__atomic_fetch_sub(&m, b, __ATOMIC_ACQUIRE)); mix(m);             \
                m = a; mix(__atomic_fetch_and(&m, b, __ATOMIC_RELEASE)); mix(m);             \
                m = a; mix(__atomic_fetch_nand(&m, b, __ATOMIC_ACQ_REL)); mix(m);            \
                m = a; mix(__atomic_fetch_or(&m, b, __ATOMIC_SEQ_CST)); mix(m);              \
                m = a; mix(__atomic_fetch_xor(&m, b, __ATOMIC_SEQ_CST)); mix(m);             \
                m = a; mix(__atomic_fetch_max(&m, b, __ATOMIC_SEQ_CST)); mix(m);             \
                m = a; mix(__atomic_fetch_min(&m, b, __ATOMIC_SEQ_CST)); mix(m);             \
                m = a; mix(__atomic_add_fetch(&m, b, __ATOMIC_SEQ_CST)); mix(m);             \
                T e = b;                                                                     \
                m = a; mix(__atomic_compare_exchange_n(&m, &e, a + 1, 0, __ATOMIC_SEQ_CST,   \
                                                       __ATOMIC_RELAXED)); mix(m); mix(e);   \
                e = a; m = a;                                                                \
                while (!__atomic_compare_exchange_n(&m, &e, b, 1, __ATOMIC_ACQ_REL,          \
                                                    __ATOMIC_ACQUIRE)) {}                    \
                mix(m); mix(e);                                                              \
                __atomic_store_n(&m, a, __ATOMIC_RELEASE);                                   \
                mix(__atomic_load_n(&m, __ATOMIC_ACQUIRE));                                  \
            }                                                                                \
    }
RMW(uint8_t, u8) RMW(uint16_t, u16) RMW(uint32_t, u32) RMW(uint64_t, u64)
RMW(int8_t, s8) RMW(int16_t, s16) RMW(int32_t, s32) RMW(int64_t, s64)

static void floats(void) {
    static const double fv[] = {0.0, -0.0, 1.5, -2.25, 1e300, 3e-310, -1e9, 0.1};
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 8; j++) {
            double a = fv[i], b = fv[j], m, old;
            m = a; old = __atomic_fetch_add(&m, b, __ATOMIC_SEQ_CST); printf("%a %a ", old, m);
            m = a; old = __atomic_fetch_sub(&m, b, __ATOMIC_RELAXED); printf("%a %a ", old, m);
            m = a; old = __atomic_fetch_max(&m, b, __ATOMIC_RELAXED); printf("%a ", m);
            m = a; old = __atomic_fetch_min(&m, b, __ATOMIC_RELAXED); printf("%a ", m);
            float fa = (float)a, fb = (float)b, fm = fa;
            __atomic_fetch_add(&fm, fb, __ATOMIC_ACQ_REL); printf("%a ", fm);
            fm = fa; __atomic_fetch_min(&fm, fb, __ATOMIC_ACQ_REL); printf("%a ", fm);
            fm = fa; __atomic_exchange(&fm, &fb, &fa, __ATOMIC_SEQ_CST); printf("%a %a\n", fm, fa);
            double d = a;
            __atomic_store(&d, &b, __ATOMIC_SEQ_CST);
            __atomic_load(&d, &old, __ATOMIC_SEQ_CST);
            if (old != b) printf("atomic double store/load\n");
        }
    _Atomic float af = 0.5f;
    for (int k = 0; k < 10; k++) af += 0.25f;
    printf("%a\n", (double)atomic_load(&af));
}

static void fences(void) {
    atomic_thread_fence(memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    atomic_thread_fence(memory_order_release);
    atomic_thread_fence(memory_order_acq_rel);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_acquire);
    atomic_signal_fence(memory_order_seq_cst);
}

static _Atomic long shared;
static atomic_int lock;
static long guarded;
static void *worker(void *arg) {
    long n = (long)arg;
    for (long k = 0; k < n; k++) {
        atomic_fetch_add_explicit(&shared, 1, memory_order_relaxed);
        int expected = 0;
        while (!atomic_compare_exchange_weak_explicit(&lock, &expected, 1, memory_order_acquire,
                                                      memory_order_relaxed))
            expected = 0;
        guarded += 2;
        atomic_store_explicit(&lock, 0, memory_order_release);
    }
    return 0;
}

int main(void) {
    rmw_u8(); rmw_u16(); rmw_u32(); rmw_u64(); rmw_s8(); rmw_s16(); rmw_s32(); rmw_s64();
    printf("integers %llx\n", digest);
    floats();
    fences();
    void *p = 0, *q = &digest;
    printf("xchg ptr %d\n", __atomic_exchange_n(&p, q, __ATOMIC_SEQ_CST) == 0 && p == q);
    pthread_t t[2];
    for (int k = 0; k < 2; k++) pthread_create(&t[k], 0, worker, (void *)100000L);
    for (int k = 0; k < 2; k++) pthread_join(t[k], 0);
    printf("threads %ld %ld\n", (long)atomic_load(&shared), guarded);
    return 0;
}
