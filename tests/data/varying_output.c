/* Prints its process id, so two runs of the same build never print the same: the
 * optimizer cannot compare a candidate's output with the reference's and must say so. */
#include <stdio.h>
#include <unistd.h>

int sum(int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += i;
    return s;
}

int main(void) {
    printf("%d %d\n", sum(100), (int)getpid());
    return 0;
}
