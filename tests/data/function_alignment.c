/* Prints how many of its functions start on a 16-byte boundary. LLVM aligns every function to
 * 16 bytes on x86-64; Cranelift packs them unless `log2_min_function_alignment` is 4 or more.
 * The output therefore depends on Cranelift's settings, which is what the optimizer's
 * miscompile check must catch when it searches them. */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) int f1(int x) { return x + 1; }
__attribute__((noinline)) int f2(int x) { return x * 3 - 7; }
__attribute__((noinline)) int f3(int x, int y) { return x > y ? x - y : y ^ x; }
__attribute__((noinline)) int f4(int x) { return x / 5 + (x & 3); }

int main(void) {
    int (*unary[])(int) = {f1, f2, f4};
    int aligned = (uintptr_t)f3 % 16 == 0;
    for (int i = 0; i < 3; i++) {
        aligned += (uintptr_t)unary[i] % 16 == 0;
    }
    printf("%d of 4 functions are 16-byte aligned (%d)\n", aligned,
           f1(1) + f2(2) + f3(3, 4) + f4(5));
    return 0;
}
