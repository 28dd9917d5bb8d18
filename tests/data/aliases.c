/* Symbol aliases (`@a = alias ...`): of a variable and of a function, an alias of an alias,
 * internal and weak ones; written and called through the alias, in an initializer, and the
 * same address as what they stand for. */
#include <stdio.h>

int counter = 3;
extern int other_name __attribute__((alias("counter")));

int twice(int x) { return 2 * x; }
int doubled(int x) __attribute__((alias("twice")));
int doubled_again(int x) __attribute__((alias("doubled")));

static int hidden_total = 10;
static int quiet_total __attribute__((alias("hidden_total")));

static int triple(int x) { return 3 * x; }
static int tripled(int x) __attribute__((alias("triple")));

int base_impl(void) { return 40; }
int weak_entry(void) __attribute__((weak, alias("base_impl")));

/* An initializer that holds aliases' addresses. */
int (*const table[])(int) = {doubled, tripled, doubled_again};
int *const where = &other_name;

int main(void) {
    other_name += 4;
    quiet_total += counter;
    int sum = 0;
    for (int i = 0; i < 3; i++) sum += table[i](i + 1);
    printf("counter %d, total %d, sum %d\n", counter, hidden_total, sum);
    printf("doubled(5) %d, doubled_again(6) %d, tripled(7) %d, weak %d\n", doubled(5),
           doubled_again(6), tripled(7), weak_entry());
    printf("same addresses: %d %d %d\n", where == &counter, (void *)doubled == (void *)twice,
           (void *)&quiet_total == (void *)&hidden_total);
    return 0;
}
