/* Constructors and destructors (`@llvm.global_ctors`, `@llvm.global_dtors`): with and without
   priorities, declared out of their order, one of them static, and destructors that print at
   exit. Each constructor appends its letter to `order`, which `main` prints. */
#include <stdio.h>
#include <string.h>

static char order[16];
static int counter = 100;

static void note(char c) {
    size_t n = strlen(order);
    order[n] = c;
    order[n + 1] = 0;
}

__attribute__((constructor)) void plain_first(void) { note('d'); counter += 1; }
__attribute__((constructor(300))) void late(void) { note('c'); counter *= 2; }
__attribute__((constructor)) static void plain_second(void) { note('e'); counter += 5; }
__attribute__((constructor(101))) void earliest(void) { note('a'); counter = 7; }
__attribute__((constructor(200))) void early(void) { note('b'); counter *= 3; }

__attribute__((destructor)) void bye_plain(void) { printf("destructor plain %d\n", counter); }
__attribute__((destructor(150))) void bye_150(void) { printf("destructor 150\n"); }
__attribute__((destructor(250))) void bye_250(void) { printf("destructor 250\n"); }

int main(void) {
    printf("constructors ran in the order %s, counter %d\n", order, counter);
    counter = 1;
    return 0;
}
