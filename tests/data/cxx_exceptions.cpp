// C++ exceptions: thrown and caught by type, by base class, by `...`; rethrown; through
// frames without a handler, a function pointer, a variadic function and a constructor;
// destructors run while unwinding; the standard library's own exceptions.
#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

static int live = 0;

struct Guard {
    const char *name;
    explicit Guard(const char *n) : name(n) { ++live; }
    ~Guard() {
        --live;
        std::printf("  ~Guard(%s)\n", name);
    }
};

struct Base {
    int code;
    explicit Base(int c) : code(c) {}
    virtual ~Base() {}
    virtual const char *kind() const { return "Base"; }
};

struct Derived : Base {
    std::string detail;
    Derived(int c, std::string d) : Base(c), detail(std::move(d)) {}
    const char *kind() const override { return "Derived"; }
};

__attribute__((noinline)) int thrower(int how) {
    Guard g("thrower");
    switch (how) {
    case 0: return 42;
    case 1: throw 7;
    case 2: throw Derived(3, "deep");
    case 3: throw std::runtime_error("runtime");
    case 4: throw 2.5;
    default: throw Base(how);
    }
}

// No handler here: the exception unwinds through this frame, running its destructor.
__attribute__((noinline)) int middle(int how) {
    Guard g("middle");
    int r = thrower(how);
    return r + 1;
}

__attribute__((noinline)) int variadic_sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    if (s > 100) throw s;
    return s;
}

struct Builder {
    std::vector<int> items;
    explicit Builder(int n) {
        for (int i = 0; i < n; i++) {
            if (i == 3) throw std::length_error("Builder: too many");
            items.push_back(i);
        }
    }
};

static void classify(int how) {
    try {
        int r = middle(how);
        std::printf("how %d: returned %d\n", how, r);
    } catch (int e) {
        std::printf("how %d: int %d\n", how, e);
    } catch (const Derived &d) {
        std::printf("how %d: %s %d %s\n", how, d.kind(), d.code, d.detail.c_str());
    } catch (const Base &b) {
        std::printf("how %d: %s %d\n", how, b.kind(), b.code);
    } catch (const std::exception &e) {
        std::printf("how %d: std::exception %s\n", how, e.what());
    } catch (...) {
        std::printf("how %d: something else\n", how);
    }
}

static int rethrows(int how) {
    try {
        try {
            return middle(how);
        } catch (const Base &b) {
            std::printf("  inner saw %s, rethrowing\n", b.kind());
            throw;
        }
    } catch (const Derived &d) {
        std::printf("  outer caught Derived %s\n", d.detail.c_str());
        return -1;
    } catch (const Base &b) {
        std::printf("  outer caught Base %d\n", b.code);
        return -2;
    }
}

int main() {
    for (int how = 0; how <= 5; how++) classify(how);
    std::printf("rethrows: %d %d %d\n", rethrows(2), rethrows(9), rethrows(0));

    int (*fp)(int) = &middle;
    long caught = 0;
    for (int i = 0; i < 20000; i++) {
        try {
            caught += fp(i % 3 == 0 ? 1 : 0);
        } catch (int e) {
            caught += e * 1000;
        }
    }
    std::printf("through a pointer: %ld, live guards %d\n", caught, live);

    try {
        std::printf("sum %d\n", variadic_sum(3, 1, 2, 3));
        std::printf("sum %d\n", variadic_sum(3, 100, 2, 3));
    } catch (int s) {
        std::printf("variadic threw %d\n", s);
    }

    try {
        Builder b(5);
        std::printf("built %zu\n", b.items.size());
    } catch (const std::length_error &e) {
        std::printf("constructor threw: %s\n", e.what());
    }

    std::vector<int> v(3, 1);
    try {
        std::printf("%d\n", v.at(7));
    } catch (const std::out_of_range &) {
        std::printf("out_of_range from at()\n");
    }

    try {
        Guard g("main");
        throw std::string("a string");
    } catch (const std::string &s) {
        std::printf("caught std::string \"%s\", live guards %d\n", s.c_str(), live);
    }
    return 0;
}
