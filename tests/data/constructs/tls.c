/* Thread-local variables of every model, read and written by two threads. */
#include <pthread.h>
#include <stdio.h>

_Thread_local int counter = 5;
static _Thread_local long total;
__attribute__((tls_model("initial-exec"))) _Thread_local int ie = 7;
__attribute__((tls_model("local-exec"))) static _Thread_local int le = 9;

static void *work(void *arg) {
    long n = (long)arg;
    for (long i = 0; i < n; i++) {
        counter++;
        total += counter + ie + le;
        le ^= 1;
    }
    return (void *)total;
}

int main(void) {
    pthread_t a, b;
    void *ra, *rb;
    pthread_create(&a, 0, work, (void *)1000L);
    pthread_create(&b, 0, work, (void *)2000L);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    work((void *)10L);
    printf("%ld %ld %d %ld\n", (long)ra, (long)rb, counter, total);
    return 0;
}
