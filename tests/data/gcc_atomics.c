/* C11 atomics and clang's __atomic built-ins: every read-modify-write clang emits from C,
   compare-exchange (strong and weak, with separate failure orders), loads and stores at each
   order, fences, and a counter shared by two threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic uint32_t counter;
static _Atomic(int *) shared_ptr;
static _Atomic uint64_t flag;

static void *work(void *arg) {
  for (int i = 0; i < 100000; i++) atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
  atomic_fetch_add(&flag, (uint64_t)(uintptr_t)arg);
  return 0;
}

#define SHOW(T, fmt, expr) do { T v_ = (expr); printf("%-40s " fmt "\n", #expr, v_); } while (0)

int main(void) {
  uint8_t b = 0xf0;
  int16_t h = -5;
  int32_t w = 100;
  int64_t q = -(1ll << 40);
  uint64_t u = 7;
  float f = 1.5f;
  double d = -2.25;
  SHOW(unsigned, "%u", __atomic_fetch_add(&b, 0x20, __ATOMIC_SEQ_CST));
  SHOW(unsigned, "%u", b);
  SHOW(int, "%d", __atomic_fetch_sub(&h, 7, __ATOMIC_ACQ_REL));
  SHOW(int, "%d", __atomic_fetch_and(&w, 0x6c, __ATOMIC_RELEASE));
  SHOW(int, "%d", __atomic_fetch_or(&w, 0x103, __ATOMIC_ACQUIRE));
  SHOW(int, "%d", __atomic_fetch_xor(&w, -1, __ATOMIC_RELAXED));
  SHOW(int, "%d", __atomic_fetch_nand(&w, 0x7777, __ATOMIC_SEQ_CST));
  SHOW(int, "%d", w);
  SHOW(long long, "%lld", __atomic_fetch_max(&q, -3, __ATOMIC_SEQ_CST));
  SHOW(long long, "%lld", __atomic_fetch_min(&q, -(1ll << 50), __ATOMIC_SEQ_CST));
  SHOW(long long, "%lld", q);
  SHOW(unsigned long long, "%llu", __atomic_fetch_max(&u, 3, __ATOMIC_SEQ_CST));
  SHOW(unsigned long long, "%llu", __atomic_fetch_min(&u, 2, __ATOMIC_SEQ_CST));
  SHOW(unsigned long long, "%llu", __atomic_fetch_max(&u, 1ull << 63, __ATOMIC_SEQ_CST));
  SHOW(unsigned long long, "%llu", u);
  SHOW(unsigned, "%u", __atomic_exchange_n(&b, 9, __ATOMIC_SEQ_CST));
  SHOW(double, "%g", __atomic_fetch_add(&f, 2.25f, __ATOMIC_SEQ_CST));
  SHOW(double, "%g", __atomic_fetch_sub(&d, 0.5, __ATOMIC_SEQ_CST));
  SHOW(double, "%g", f);
  SHOW(double, "%g", d);
  int32_t expected = 5;
  SHOW(int, "%d", __atomic_compare_exchange_n(&w, &expected, 77, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
  SHOW(int, "%d", expected);
  SHOW(int, "%d", __atomic_compare_exchange_n(&w, &expected, 77, 0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE));
  SHOW(int, "%d", w);
  int spins = 0;
  uint64_t old = atomic_load(&flag);
  while (!atomic_compare_exchange_weak(&flag, &old, old + 40)) spins++;
  SHOW(unsigned long long, "%llu", (unsigned long long)atomic_load_explicit(&flag, memory_order_acquire));
  int x = 1, y = 2;
  atomic_store_explicit(&shared_ptr, &x, memory_order_release);
  int *seen = &x;
  SHOW(int, "%d", atomic_compare_exchange_strong(&shared_ptr, &seen, &y));
  SHOW(int, "%d", *atomic_exchange(&shared_ptr, &x));
  SHOW(int, "%d", *atomic_load_explicit(&shared_ptr, memory_order_relaxed));
  atomic_thread_fence(memory_order_seq_cst);
  atomic_signal_fence(memory_order_acq_rel);
  atomic_thread_fence(memory_order_acquire);
  atomic_store(&counter, 0);
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, (void *)(uintptr_t)(i + 1));
  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
  SHOW(unsigned, "%u", atomic_load(&counter));
  SHOW(unsigned long long, "%llu", (unsigned long long)atomic_load(&flag));
  return spins > 100;
}
