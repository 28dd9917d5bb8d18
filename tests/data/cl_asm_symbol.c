/* An inline asm whose code refers to a symbol (it calls a function): its outlined copy would
 * need a relocation, so the Cranelift backend refuses it, naming the assembly text. */
#include <stdio.h>

int seven(void) { return 7; }

int main(void) {
    int r;
    __asm__ volatile("call seven\n\tmovl %%eax, %0"
                     : "=r"(r)
                     :
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
    printf("%d\n", r);
    return 0;
}
