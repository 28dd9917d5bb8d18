/* A volatile bit-field whose storage unit is 3 bytes, followed by a byte of its own: a
   volatile store of the 24-bit unit must leave the next byte alone. */
#include <stdint.h>
#include <stdio.h>

struct S {
    signed b : 20;
    uint8_t tail;
};

static volatile struct S s = {-5, 200};

int main(void) {
    s.b = 123456;
    s.b += 1;
    printf("%d %d\n", (int)s.b, (int)s.tail);
    return 0;
}
