/* Symbols nothing refers to, kept because they are marked `used` (`@llvm.compiler.used`,
 * Rust's `#[used]`): hooks in a section of their own, which the program finds through the
 * linker's `__start_`/`__stop_` symbols, as registries of plugins and tests do. A backend
 * that dropped an unreferenced static would lose a hook. */
#include <stdio.h>

typedef int (*hook)(int);

static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }
static int negate(int x) { return -x; }

__attribute__((used, section("opm_hooks"))) static hook h1 = twice;
__attribute__((used, section("opm_hooks"))) static hook h2 = square;
__attribute__((used, section("opm_hooks"))) static hook h3 = negate;
__attribute__((used)) static const char marker[] = "kept";

extern hook __start_opm_hooks[], __stop_opm_hooks[];

int main(void) {
    long n = __stop_opm_hooks - __start_opm_hooks;
    long sum = 0;
    for (hook *h = __start_opm_hooks; h < __stop_opm_hooks; h++)
        for (int x = 1; x <= 5; x++)
            sum += (*h)(x);
    /* The order in the section is the linker's: print what does not depend on it. */
    printf("%ld hooks, sum %ld\n", n, sum);
    return n == 3 ? 0 : 1;
}
