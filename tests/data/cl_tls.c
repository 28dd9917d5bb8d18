/* Thread-local variables of every kind C has: _Thread_local and __thread, static and
 * external, zero-initialised and initialised (arrays, a structure holding pointers to a
 * global), every TLS model clang knows (by attribute), one declared extern before its
 * definition, addresses taken and handed around inside their thread. Four threads and the
 * main thread each work on their own copies; the output is deterministic. */
#include <pthread.h>
#include <stdio.h>

static const char *names[] = {"zero", "one", "two", "three", "four"};
_Thread_local int counter = 5;
static __thread long table[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static __thread struct { const char **name; int hits; } state = {&names[1], 0};
__thread long big[1000];
static __thread int ie __attribute__((tls_model("initial-exec"))) = 10;
static __thread int le __attribute__((tls_model("local-exec"))) = 20;
__thread int ld __attribute__((tls_model("local-dynamic"))) = 30;
extern __thread int later;
__thread int later = 40;

static int *counter_address(void) { return &counter; }

static long work(long id) {
    int *c = counter_address();
    for (int k = 0; k < 1000; k++) (*c)++;
    for (int k = 0; k < 8; k++) table[k] *= id;
    state.name = &names[id % 5];
    state.hits += (int)id;
    for (int k = 0; k < 1000; k++) big[k] = k * id;
    ie += (int)id; le += 2 * (int)id; ld += 3 * (int)id; later += 4 * (int)id;
    long sum = counter;
    for (int k = 0; k < 8; k++) sum += table[k];
    for (int k = 0; k < 1000; k++) sum += big[k];
    return sum + state.hits + ie + le + ld + later + (c == &counter);
}

static void *worker(void *arg) {
    long id = (long)arg;
    long r = work(id);
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    printf("thread %ld: %ld %s\n", id, r, *state.name);
    pthread_mutex_unlock(&lock);
    return (void *)r;
}

int main(void) {
    pthread_t t[4];
    long results[4];
    for (long k = 0; k < 4; k++) {
        pthread_create(&t[k], 0, worker, (void *)(k + 1));
        void *r;
        pthread_join(t[k], &r); /* one at a time: the output's order is fixed */
        results[k] = (long)r;
    }
    printf("main before: %d %ld %s %d %d %d %d %d\n", counter, table[7], *state.name, ie, le,
           ld, later, state.hits);
    long r = work(7);
    printf("main: %ld %s; threads %ld %ld %ld %ld\n", r, *state.name, results[0], results[1],
           results[2], results[3]);
    return 0;
}
