// A C++ program through opm: the C++ standard library (strings, containers, algorithms),
// exceptions thrown and caught across functions, virtual calls, templates.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct Shape {
    virtual ~Shape() = default;
    virtual long area() const = 0;
    virtual const char *name() const = 0;
};
struct Rect : Shape {
    long w, h;
    Rect(long w, long h) : w(w), h(h) {}
    long area() const override { return w * h; }
    const char *name() const override { return "rect"; }
};
struct Tri : Shape {
    long b, h;
    Tri(long b, long h) : b(b), h(h) {}
    long area() const override { return b * h / 2; }
    const char *name() const override { return "tri"; }
};

static int parse(const std::string &s) {
    if (s.empty()) throw std::runtime_error("empty field");
    return std::stoi(s);
}

template <typename T> static unsigned long checksum(const std::vector<T> &v) {
    unsigned long sum = 0;
    for (const T &x : v) sum = sum * 31 + static_cast<unsigned long>(x);
    return sum;
}

int main() {
    std::vector<std::string> fields = {"3", "17", "", "42", "x1", "-8"};
    std::map<std::string, int> parsed;
    for (const auto &f : fields) {
        try {
            parsed[f] = parse(f);
        } catch (const std::invalid_argument &e) {
            std::printf("invalid: %s\n", e.what());
        } catch (const std::exception &e) {
            std::printf("error: %s\n", e.what());
        }
    }
    for (const auto &[k, v] : parsed) std::printf("%s=%d\n", k.c_str(), v);
    std::vector<std::unique_ptr<Shape>> shapes;
    for (long i = 1; i <= 6; i++) {
        if (i % 2) shapes.push_back(std::make_unique<Rect>(i, i + 1));
        else shapes.push_back(std::make_unique<Tri>(i, 3 * i));
    }
    long total = 0;
    for (const auto &s : shapes) {
        std::printf("%s %ld\n", s->name(), s->area());
        total += s->area();
    }
    std::vector<long> v;
    for (long i = 0; i < 200000; i++) v.push_back((i * 7919) % 10007);
    std::sort(v.begin(), v.end());
    std::printf("total=%ld median=%ld checksum=%lu\n", total, v[v.size() / 2],
                checksum(v));
    return 0;
}
