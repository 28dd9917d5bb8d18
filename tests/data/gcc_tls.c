/* Thread-local variables: C11 `_Thread_local`, GNU `__thread` with explicit TLS models,
   function-local ones, and their addresses, which differ between threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

_Thread_local int counter = 10;
__thread long ie __attribute__((tls_model("initial-exec"))) = 5;
static __thread char name[16] __attribute__((tls_model("local-dynamic"))) = "main";
static __thread double le __attribute__((tls_model("local-exec")));
static int *addresses[3];
static char reports[3][128];
static pthread_barrier_t all_running;

static int bump(void) {
  static _Thread_local int calls;
  return ++calls;
}

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  addresses[id] = &counter;
  for (int i = 0; i < 1000 * id; i++) counter++;
  ie += id;
  le = id * 0.5;
  name[0] = (char)('a' + id);
  name[1] = 0;
  bump();
  bump();
  /* Both threads are alive at once here: their variables are distinct. */
  pthread_barrier_wait(&all_running);
  snprintf(reports[id], sizeof reports[id], "thread %d: counter %d ie %ld le %g name %s calls %d",
           id, counter, ie, le, name, bump());
  pthread_barrier_wait(&all_running);
  return 0;
}

int main(void) {
  pthread_t t[2];
  pthread_barrier_init(&all_running, 0, 3);
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, (void *)(intptr_t)(i + 1));
  pthread_barrier_wait(&all_running);
  pthread_barrier_wait(&all_running);
  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
  for (int i = 1; i < 3; i++) puts(reports[i]);
  addresses[0] = &counter;
  printf("main: counter %d ie %ld le %g name %s calls %d\n", counter, ie, le, name, bump());
  printf("distinct addresses: %d\n",
         addresses[0] != addresses[1] && addresses[1] != addresses[2] &&
             addresses[0] != addresses[2]);
  return 0;
}
