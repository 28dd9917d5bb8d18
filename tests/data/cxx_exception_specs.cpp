// C++03 dynamic exception specifications, LLVM's `filter` clauses: an exception that the
// specification allows passes through; one it does not goes to the unexpected handler, which
// throws one it allows; an empty specification lets nothing through.
#include <cstdio>
#include <exception>

struct Oops {
    int n;
};

static void unexpected_handler() {
    std::printf("  unexpected handler\n");
    throw 99;
}

__attribute__((noinline)) static int inner(int how) {
    if (how == 1) throw 5;
    if (how == 2) {
        Oops o;
        o.n = 3;
        throw o;
    }
    if (how == 3) throw 2.5;
    return how;
}

__attribute__((noinline)) int allowed(int how) throw(int, Oops) { return inner(how) + 1; }

__attribute__((noinline)) int only_int(int how) throw(int) { return inner(how) * 2; }

__attribute__((noinline)) int nothing(int how) throw() { return how + 7; }

int main() {
    std::set_unexpected(unexpected_handler);
    for (int how = 0; how < 4; how++) {
        try {
            std::printf("allowed(%d) = %d\n", how, allowed(how));
        } catch (int e) {
            std::printf("allowed(%d) threw int %d\n", how, e);
        } catch (Oops o) {
            std::printf("allowed(%d) threw Oops %d\n", how, o.n);
        } catch (...) {
            std::printf("allowed(%d) threw something else\n", how);
        }
        try {
            std::printf("only_int(%d) = %d\n", how, only_int(how));
        } catch (int e) {
            std::printf("only_int(%d) threw int %d\n", how, e);
        } catch (...) {
            std::printf("only_int(%d) threw something else\n", how);
        }
    }
    std::printf("nothing(1) = %d\n", nothing(1));
    return 0;
}
